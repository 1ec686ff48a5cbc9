/**
 * A limit the limiter was not told about, learned from the server's 429s: for the requests no
 * declared rule covers, so that once a server has said "too many" the rest queue for a slot
 * instead of each drawing its own 429 and spending its retries on it.
 */
import type { RateLimitRule } from './rate-limit.js';

/** The learned rule's name in waits, logs and errors; a declared rule may not take it. */
export const LEARNED_RULE_NAME = 'learned';

/**
 * Rates are quoted per second or longer. A sub-second wait (`retry-after-ms`) tells when the
 * next slot frees, not how long the server's window is, and a window that short would let the
 * burst that was just refused go again as soon as it ends.
 */
const MIN_LEARNED_WINDOW_MS = 1_000;

/**
 * A learned limit may have been temporary (another client sharing the key, a maintenance
 * throttle): after this long without a 429 the limiter forgets it and finds out again, at the
 * cost of one round of 429s.
 */
export const LEARNED_RULE_LIFETIME_MS = 10 * 60_000;

/** More would only cost memory: only one window's accepts are counted. */
const MAX_REMEMBERED_ACCEPTS = 10_000;

export interface Learner {
  /** The learned rule, while there is one. */
  current(t: number): RateLimitRule | undefined;
  /** A request no declared rule covers was answered without throttling at `t`. */
  accepted(t: number): void;
  /**
   * The server throttled a request no declared rule covers at `t`, asking for `waitMs`
   * (`declaredLimit` from `X-RateLimit-Limit`, when it said). Returns the rule learned, or
   * undefined when the 429 taught nothing (no accepted answer before it, no declared limit).
   */
  throttled(
    t: number,
    waitMs: number,
    declaredLimit: number | undefined,
  ): RateLimitRule | undefined;
}

/**
 * The rule: `X-RateLimit-Limit` when the server sends it; else as many requests as the server
 * accepted in the window before the 429. The window is the longest wait the server asked for,
 * at least a second and at most `maxWindowMs`. 429s that arrive during the hold of the first one
 * are the same burst, whose accepted answers may still be arriving: they can only raise the
 * count. A 429 after that came while the limiter kept to the learned rule, so the server's budget
 * is what it accepted: that count replaces the rule's limit.
 */
export function createLearner(maxWindowMs: number): Learner {
  const horizonMs = Math.max(MIN_LEARNED_WINDOW_MS, maxWindowMs);
  const acceptedAt: number[] = [];
  let rule: RateLimitRule | undefined;
  let burstEnds = Number.NEGATIVE_INFINITY;
  let lastThrottled = Number.NEGATIVE_INFINITY;
  /** The rule's limit is the server's `X-RateLimit-Limit`, not a count. */
  let declared = false;

  function acceptedWithin(windowMs: number, t: number): number {
    while (acceptedAt.length > 0 && acceptedAt[0]! <= t - horizonMs) acceptedAt.shift();
    let count = 0;
    for (let i = acceptedAt.length - 1; i >= 0 && acceptedAt[i]! > t - windowMs; i--) count++;
    return count;
  }

  return {
    current(t) {
      if (rule && t - lastThrottled > LEARNED_RULE_LIFETIME_MS) rule = undefined;
      return rule;
    },
    accepted(t) {
      acceptedAt.push(t);
      if (acceptedAt.length > MAX_REMEMBERED_ACCEPTS) acceptedAt.shift();
      // Answers to requests sent before the 429 that arrive after it were within the server's
      // budget too: counting only those that came first would learn a limit below it.
      if (rule && !declared && t < burstEnds) {
        const counted = acceptedWithin(rule.windowMs, t);
        if (counted > rule.limit) rule = { ...rule, limit: counted };
      }
    },
    throttled(t, waitMs, declaredLimit) {
      const previous = t - lastThrottled > LEARNED_RULE_LIFETIME_MS ? undefined : rule;
      const windowMs = Math.min(
        horizonMs,
        Math.max(MIN_LEARNED_WINDOW_MS, waitMs, previous?.windowMs ?? 0),
      );
      const counted = acceptedWithin(windowMs, t);
      const sameBurst = previous !== undefined && t < burstEnds;
      if (!sameBurst) burstEnds = t + waitMs;
      lastThrottled = t;
      declared = declaredLimit !== undefined;
      // A 429 before any accepted answer says nothing of the budget (the server's window may be
      // full of others' requests, or this process just started): its hold applies, and a limit is
      // learned from the next 429 that has accepted answers before it. Learning 1 here kept every
      // later window to one request for as long as the rule lived.
      if (declaredLimit === undefined && counted === 0 && !previous) return undefined;
      const limit =
        declaredLimit ?? (sameBurst ? Math.max(previous.limit, counted) : Math.max(1, counted));
      rule = { name: LEARNED_RULE_NAME, limit, windowMs };
      return rule;
    },
  };
}
