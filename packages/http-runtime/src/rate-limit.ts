import { validateRules } from './rate-limit-rules.js';
import { heldWindows, occupy, windowBook } from './rate-limit-windows.js';
import { quotaSpent, serverRequestedWait } from './retry-after.js';
import { abortableSleep, type Sleep } from './timeout.js';

export interface RateLimitRule {
  /** Shown in logs and errors: `chat`, `writes`... */
  readonly name: string;
  /** Requests allowed in any window of `windowMs`. */
  readonly limit: number;
  readonly windowMs: number;
  /** Which requests count against this rule; every request when absent. */
  readonly match?: (request: Request) => boolean;
  /**
   * Splits the rule into one window per key (a per-resource limit: key by the order's path).
   * A request whose key is `undefined` does not count against the rule.
   */
  readonly key?: (request: Request) => string | undefined;
}

/** Declarative form of `RateLimitRule.match`: every given condition must hold. */
export interface RateLimitMatch {
  /** HTTP methods, any case. */
  readonly methods?: readonly string[];
  /** Tested against the URL path (no origin, no query). */
  readonly pathPattern?: RegExp;
}

export interface RateLimitRuleSpec {
  readonly limit: number;
  readonly windowMs: number;
  readonly match?: RateLimitMatch | ((request: Request) => boolean);
  /** One window per key; see `RateLimitRule.key`. */
  readonly key?: (request: Request) => string | undefined;
}

/** Why `acquire` is about to wait: a local rule is full, or the server said the quota is spent. */
export interface RateLimitWait {
  readonly waitMs: number;
  /** The rule name, or for a server hold the rules it covers (`*` for all requests). */
  readonly rule: string;
  readonly source: 'rule' | 'server';
}

export interface AcquireOptions {
  /** Throw `LocalRateLimitError` rather than wait longer than this in total. Default: no bound. */
  readonly maxWaitMs?: number;
  /** Called before each wait, for logging. */
  readonly onWait?: (wait: RateLimitWait) => void;
}

/** A request counted against the limiter's windows while it is in flight; see `reserve`. */
export interface RateLimitSlot {
  /** Milliseconds waited for the slot. */
  readonly waitedMs: number;
  /**
   * The request finished (response headers arrived, or it failed): its windows count from now.
   * Later calls do nothing.
   */
  release(): void;
}

export interface RateLimiter {
  readonly rules: readonly RateLimitRule[];
  /**
   * Resolves (with the milliseconds waited) once the request may be sent, counting it against
   * every matching rule from now. Rejects with `signal.reason` when the signal aborts during the wait.
   */
  acquire(request: Request, signal?: AbortSignal, options?: AcquireOptions): Promise<number>;
  /**
   * Like `acquire`, but the request counts as in flight until `release()`, and its windows start
   * at the release: servers count a request when it arrives, which is after it was sent, so
   * counting from the send would let the next request in early at a window's edge. Until
   * released, the slot keeps its place in every matching window. Optional so that limiters
   * written before it still fit; `createResilientFetch` uses it when present.
   */
  reserve?(
    request: Request,
    signal?: AbortSignal,
    options?: AcquireOptions,
  ): Promise<RateLimitSlot>;
  /**
   * Learns from a response: a 429 with a wait, or `X-RateLimit-Remaining: 0` with a reset time,
   * holds later requests until then. With `request`, the hold covers only requests sharing a
   * rule with it; without, or when it matched no rule, it covers every request.
   */
  observe(response: Response, request?: Request): void;
}

export interface RateLimiterOptions {
  readonly rules?: readonly RateLimitRule[];
  /** Read `Retry-After` / `X-RateLimit-*` in `observe`. Default true. */
  readonly learnFromHeaders?: boolean;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/** Thrown by `acquire` instead of waiting past its budget. Nothing was sent. */
export class LocalRateLimitError extends Error {
  override readonly name = 'LocalRateLimitError';
  readonly mayHaveBeenDelivered = false;
  readonly rule: string;
  readonly source: 'rule' | 'server';
  /** How long until the limiter would have let the request through. */
  readonly retryAfterMs: number;
  readonly maxWaitMs: number;

  constructor(rule: string, source: 'rule' | 'server', retryAfterMs: number, maxWaitMs: number) {
    super(
      `rate limit "${rule}" (${source}) needs a ${retryAfterMs} ms wait, longer than the ${maxWaitMs} ms allowed; the request was not sent`,
    );
    this.rule = rule;
    this.source = source;
    this.retryAfterMs = retryAfterMs;
    this.maxWaitMs = maxWaitMs;
  }
}

/** A wait loop whose clock never moves (a broken injected `now`/`sleep`) must not spin forever. */
const MAX_WAIT_ROUNDS = 10_000;

/** The limiter `createRateLimiter` returns: it always has `reserve`. */
export interface SlidingWindowRateLimiter extends RateLimiter {
  reserve(request: Request, signal?: AbortSignal, options?: AcquireOptions): Promise<RateLimitSlot>;
}

/**
 * A sliding-window limiter: a rule of `limit` per `windowMs` lets a request through when fewer
 * than `limit` requests matching it finished in the last `windowMs` or are still in flight.
 * Create one per connection (per API key), since vendors count per key.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): SlidingWindowRateLimiter {
  const rules = [...(options.rules ?? [])];
  validateRules(rules);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const learn = options.learnFromHeaders ?? true;
  const book = windowBook(rules, now);

  async function reserve(
    request: Request,
    signal: AbortSignal | undefined,
    acquireOptions: AcquireOptions = {},
  ): Promise<RateLimitSlot> {
    const maxWaitMs = acquireOptions.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const started = now();
    for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
      if (signal?.aborted) throw signal.reason;
      // Looked up each round: an idle keyed window may have been swept during the wait.
      const windows = book.windowsOf(request);
      const t = now();
      const blocker = book.blockerAt(windows, t);
      if (!blocker) return occupy(windows, t - started, now);
      const waitMs = blocker.at - t;
      if (t - started + waitMs > maxWaitMs) {
        throw new LocalRateLimitError(blocker.rule, blocker.source, waitMs, maxWaitMs);
      }
      acquireOptions.onWait?.({ waitMs, rule: blocker.rule, source: blocker.source });
      await sleep(waitMs, signal);
    }
    throw new Error(
      `rate limiter: no slot after ${MAX_WAIT_ROUNDS} waits; is the injected clock advancing?`,
    );
  }

  return {
    rules,
    reserve,
    async acquire(request, signal, acquireOptions) {
      const slot = await reserve(request, signal, acquireOptions);
      slot.release();
      return slot.waitedMs;
    },
    observe(response, request) {
      if (!learn) return;
      if (response.status !== 429 && !quotaSpent(response.headers)) return;
      const t = now();
      const wait = serverRequestedWait(response, t);
      if (!wait || wait.ms <= 0) return;
      const ids = request
        ? heldWindows(book.windowsOf(request), response)
            .map((w) => w.id)
            .sort()
        : [];
      book.hold(ids, t + wait.ms);
    },
  };
}
