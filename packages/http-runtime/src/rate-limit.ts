import { ConfigurationError } from './base-url.js';
import { serverRequestedWait } from './retry-after.js';
import { abortableSleep, type Sleep } from './timeout.js';

export interface RateLimitRule {
  /** Shown in logs and errors: `chat`, `writes`... */
  readonly name: string;
  /** Requests allowed in any window of `windowMs`. */
  readonly limit: number;
  readonly windowMs: number;
  /** Which requests count against this rule; every request when absent. */
  readonly match?: (request: Request) => boolean;
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

export interface RateLimiter {
  readonly rules: readonly RateLimitRule[];
  /**
   * Resolves (with the milliseconds waited) once the request may be sent, counting it against
   * every matching rule. Rejects with `signal.reason` when the signal aborts during the wait.
   */
  acquire(request: Request, signal?: AbortSignal, options?: AcquireOptions): Promise<number>;
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

function singleMatch(pattern: RegExp): RegExp {
  // A global or sticky RegExp keeps lastIndex between test() calls and would skip every other request.
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern;
}

export function matchRequests(match: RateLimitMatch): (request: Request) => boolean {
  const methods = match.methods?.map((m) => m.toUpperCase());
  const pathPattern = match.pathPattern && singleMatch(match.pathPattern);
  return (request) => {
    if (methods && !methods.includes(request.method.toUpperCase())) return false;
    if (pathPattern && !pathPattern.test(new URL(request.url).pathname)) return false;
    return true;
  };
}

/**
 * Rules from a description keyed by rule name, e.g.
 * `{ chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } } }`.
 */
export function rateLimitRules(spec: Readonly<Record<string, RateLimitRuleSpec>>): RateLimitRule[] {
  return Object.entries(spec).map(([name, rule]) => ({
    name,
    limit: rule.limit,
    windowMs: rule.windowMs,
    ...(rule.match === undefined
      ? {}
      : { match: typeof rule.match === 'function' ? rule.match : matchRequests(rule.match) }),
  }));
}

function validate(rules: readonly RateLimitRule[]): void {
  const names = new Set<string>();
  for (const rule of rules) {
    if (!rule.name) throw new ConfigurationError('rate limit rule without a name');
    if (names.has(rule.name))
      throw new ConfigurationError(`rate limit rule "${rule.name}" is declared twice`);
    names.add(rule.name);
    if (!Number.isInteger(rule.limit) || rule.limit < 1) {
      throw new ConfigurationError(`rate limit rule "${rule.name}": limit must be an integer >= 1`);
    }
    if (!Number.isFinite(rule.windowMs) || rule.windowMs <= 0) {
      throw new ConfigurationError(
        `rate limit rule "${rule.name}": windowMs must be a positive number`,
      );
    }
  }
}

interface RuleState {
  readonly rule: RateLimitRule;
  /** Send times inside the current window, oldest first. */
  readonly sent: number[];
}

interface Hold {
  until: number;
  /** Rule names the hold covers; undefined for every request. */
  readonly scope: ReadonlySet<string> | undefined;
  readonly label: string;
}

interface Blocker {
  readonly at: number;
  readonly rule: string;
  readonly source: 'rule' | 'server';
}

/** A wait loop whose clock never moves (a broken injected `now`/`sleep`) must not spin forever. */
const MAX_WAIT_ROUNDS = 10_000;

/**
 * A sliding-window limiter: a rule of `limit` per `windowMs` lets a request through when fewer
 * than `limit` requests matching it were sent in the last `windowMs`. Create one per connection
 * (per API key), since vendors count per key.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const rules = [...(options.rules ?? [])];
  validate(rules);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const learn = options.learnFromHeaders ?? true;
  const states: RuleState[] = rules.map((rule) => ({ rule, sent: [] }));
  const holds = new Map<string, Hold>();

  const matching = (request: Request) =>
    states.filter((s) => !s.rule.match || s.rule.match(request));

  function blockerAt(
    matched: readonly RuleState[],
    names: ReadonlySet<string>,
    t: number,
  ): Blocker | undefined {
    let blocker: Blocker | undefined;
    const consider = (candidate: Blocker) => {
      if (candidate.at > t && (!blocker || candidate.at > blocker.at)) blocker = candidate;
    };
    for (const state of matched) {
      const { sent, rule } = state;
      while (sent.length > 0 && sent[0]! + rule.windowMs <= t) sent.shift();
      if (sent.length >= rule.limit) {
        consider({
          at: sent[sent.length - rule.limit]! + rule.windowMs,
          rule: rule.name,
          source: 'rule',
        });
      }
    }
    for (const [key, hold] of holds) {
      if (hold.until <= t) {
        holds.delete(key);
        continue;
      }
      if (!hold.scope || [...hold.scope].some((name) => names.has(name))) {
        consider({ at: hold.until, rule: hold.label, source: 'server' });
      }
    }
    return blocker;
  }

  return {
    rules,
    async acquire(request, signal, acquireOptions = {}) {
      const maxWaitMs = acquireOptions.maxWaitMs ?? Number.POSITIVE_INFINITY;
      const matched = matching(request);
      const names = new Set(matched.map((s) => s.rule.name));
      const started = now();
      for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
        if (signal?.aborted) throw signal.reason;
        const t = now();
        const blocker = blockerAt(matched, names, t);
        if (!blocker) {
          for (const state of matched) state.sent.push(t);
          return t - started;
        }
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
    },
    observe(response, request) {
      if (!learn) return;
      const remainingSpent = response.headers.get('x-ratelimit-remaining')?.trim() === '0';
      if (response.status !== 429 && !remainingSpent) return;
      const t = now();
      const wait = serverRequestedWait(response, t);
      if (!wait || wait.ms <= 0) return;
      const names = request
        ? matching(request)
            .map((s) => s.rule.name)
            .sort()
        : [];
      const key = names.length > 0 ? names.join('+') : '*';
      const existing = holds.get(key);
      if (existing) existing.until = Math.max(existing.until, t + wait.ms);
      else
        holds.set(key, {
          until: t + wait.ms,
          scope: names.length > 0 ? new Set(names) : undefined,
          label: key,
        });
    },
  };
}
