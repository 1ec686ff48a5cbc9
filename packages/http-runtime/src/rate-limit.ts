import { ConfigurationError } from './base-url.js';
import { createLearner } from './rate-limit-learning.js';
import { validateRules } from './rate-limit-rules.js';
import {
  declaredLimitOf,
  dequeue,
  enqueue,
  heldWindows,
  occupy,
  windowBook,
  type Waiter,
  type Window,
} from './rate-limit-windows.js';
import { quotaSpent, serverRequestedWait } from './retry-after.js';
import { abortableSleep, type Sleep } from './timeout.js';

/**
 * One limit of a {@link RateLimiter}: at most `limit` matching requests in any `windowMs`. Build
 * rules from a description with {@link rateLimitRules}.
 */
export interface RateLimitRule {
  /** Shown in logs and errors: `chat`, `writes`... */
  readonly name: string;
  /** Requests allowed in any window of `windowMs`. */
  readonly limit: number;
  /** Window length in milliseconds. */
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

/**
 * A rule described as data, keyed by its name in `rateLimitRules` and in the facade's
 * `rateLimits` setting, e.g. `{ chat: { limit: 5, windowMs: 60_000 } }`.
 */
export interface RateLimitRuleSpec {
  /** Requests allowed in any window of `windowMs`. */
  readonly limit: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Which requests count: a {@link RateLimitMatch} or a predicate; every request when absent. */
  readonly match?: RateLimitMatch | ((request: Request) => boolean);
  /** One window per key; see `RateLimitRule.key`. */
  readonly key?: (request: Request) => string | undefined;
}

/**
 * What keeps a request waiting: a declared rule, a server hold (a 429's `Retry-After`, or a spent
 * quota's reset), or the rule learned from the server's 429s for requests no declared rule covers.
 */
export type RateLimitSource = 'rule' | 'server' | 'learned';

/** Why `acquire` is about to wait: a local rule is full, or the server said the quota is spent. */
export interface RateLimitWait {
  /** How long this wait will last, in milliseconds. */
  readonly waitMs: number;
  /**
   * The rule name (`learned` for the learned rule), or for a server hold the rules this request
   * shares with the throttled one (`*` for all requests).
   */
  readonly rule: string;
  /** What imposes the wait: a declared rule, a server hold or a learned rule. */
  readonly source: RateLimitSource;
}

/** Per-request options of {@link RateLimiter.acquire} and {@link RateLimiter.reserve}. */
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

/**
 * A proactive rate limiter: requests wait for a free slot instead of drawing 429s.
 * `createResilientFetch` (and so every facade connection) calls `reserve` (or `acquire`) before
 * each attempt and `observe` after it; an implementation shared between processes
 * (`@org/order-messaging-queue`'s `createAccountRateLimiter`) fits behind the same interface.
 */
export interface RateLimiter {
  /** The declared rules, in order. */
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
   * holds later requests until then (at most `maxServerHoldMs`). With `request`, the hold covers
   * only requests sharing a rule with it; without, or when it matched no rule, it covers every
   * request. A 429 for a request no declared rule covers also teaches the limiter a rule for such
   * requests; see `RateLimiterOptions.learnFromHeaders`.
   */
  observe(response: Response, request?: Request): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The declared rules (default none: only server holds and learned rules apply). */
  readonly rules?: readonly RateLimitRule[];
  /**
   * Read `Retry-After` / `X-RateLimit-*` in `observe`, and learn a rule from the 429s of requests
   * no declared rule covers (`X-RateLimit-Limit`, else the requests the server accepted in the
   * window before the 429, per the longest wait it asked for). Default true.
   */
  readonly learnFromHeaders?: boolean;
  /**
   * With `learnFromHeaders`, also learn a rule from the 429s of requests no declared rule covers
   * (default true). Turn it off where one process is not the account's only client and something
   * else paces the account (several workers sharing a limit): the requests one process saw
   * accepted before a 429 are its share, not the account's budget. Holds still apply.
   */
  readonly learnLimit?: boolean;
  /**
   * The longest a server's wait (`Retry-After`, a reset time) holds other requests, and the
   * longest window a learned rule gets. Default 60 000.
   */
  readonly maxServerHoldMs?: number;
  /** Clock in milliseconds (default `Date.now`); tests pass a fake one. */
  readonly now?: () => number;
  /** How waits are slept (default {@link abortableSleep}); tests pass a fake one. */
  readonly sleep?: Sleep;
}

/** Thrown by `acquire` instead of waiting past its budget. Nothing was sent. */
export class LocalRateLimitError extends Error {
  /** Always `'LocalRateLimitError'`. */
  override readonly name = 'LocalRateLimitError';
  /** Always false: the request was never sent. */
  readonly mayHaveBeenDelivered = false;
  /** The rule that was full (`learned`, or the rules a server hold covers). */
  readonly rule: string;
  /** Whether a declared rule, a server hold or a learned rule was full. */
  readonly source: RateLimitSource;
  /** How long until the limiter would have let the request through. */
  readonly retryAfterMs: number;
  /** The wait budget (`AcquireOptions.maxWaitMs`) that `retryAfterMs` exceeded. */
  readonly maxWaitMs: number;

  constructor(rule: string, source: RateLimitSource, retryAfterMs: number, maxWaitMs: number) {
    super(
      `rate limit "${rule}" (${source}) needs a ${retryAfterMs} ms wait, longer than the ${maxWaitMs} ms allowed; the request was not sent`,
    );
    this.rule = rule;
    this.source = source;
    this.retryAfterMs = retryAfterMs;
    this.maxWaitMs = maxWaitMs;
  }
}

/**
 * A server's wait beyond this holds only the call that drew it (which gets the 429 back when the
 * wait passes its own `retry.maxRetryAfterMs`), not the whole connection: one `Retry-After: 999999`
 * must not stop a connection for 11 days. A minute is the default `maxRetryAfterMs` too, and the
 * longest connection-wide window the built-in vendors document; a longer quota costs one probe a
 * minute, answered by another 429 and another hold.
 */
export const DEFAULT_MAX_SERVER_HOLD_MS = 60_000;

/** A wait loop whose clock never moves (a broken injected `now`/`sleep`) must not spin forever. */
const MAX_WAIT_ROUNDS = 10_000;

/** The limiter `createRateLimiter` returns: it always has `reserve`. */
export interface SlidingWindowRateLimiter extends RateLimiter {
  /** See {@link RateLimiter.reserve}: always present on this limiter. */
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
  const learnLimit = learn && (options.learnLimit ?? true);
  const maxServerHoldMs = options.maxServerHoldMs ?? DEFAULT_MAX_SERVER_HOLD_MS;
  if (!(maxServerHoldMs >= 0) || !Number.isFinite(maxServerHoldMs)) {
    throw new ConfigurationError(
      `maxServerHoldMs must be a finite number of milliseconds >= 0 (got ${maxServerHoldMs})`,
    );
  }
  const learner = createLearner(maxServerHoldMs);
  const book = windowBook(rules, now, (t) => (learnLimit ? learner.current(t) : undefined));

  async function reserve(
    request: Request,
    signal: AbortSignal | undefined,
    acquireOptions: AcquireOptions = {},
  ): Promise<RateLimitSlot> {
    const maxWaitMs = acquireOptions.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const started = now();
    // Made at the first wait: most requests find their slot free at once.
    let waiter: Waiter | undefined;
    let queuedIn: Set<Window> | undefined;
    try {
      for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
        if (signal?.aborted) throw signal.reason;
        // Looked up each round: an idle keyed window may have been swept during the wait.
        const windows = book.windowsOf(request);
        const t = now();
        const blocker = book.blockerAt(windows, t, waiter);
        if (!blocker) return occupy(windows, t - started, now);
        const waitMs = blocker.at - t;
        if (t - started + waitMs > maxWaitMs) {
          throw new LocalRateLimitError(blocker.rule, blocker.source, waitMs, maxWaitMs);
        }
        waiter ??= { blockedBy: undefined };
        queuedIn ??= new Set<Window>();
        waiter.blockedBy = blocker.window;
        enqueue(waiter, windows, queuedIn);
        acquireOptions.onWait?.({ waitMs, rule: blocker.rule, source: blocker.source });
        await sleep(waitMs, signal);
      }
    } finally {
      if (waiter && queuedIn) dequeue(waiter, queuedIn);
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
      const t = now();
      const declared = request ? book.declaredWindowsOf(request) : [];
      const uncovered = learnLimit && request !== undefined && declared.length === 0;
      const throttled = response.status === 429;
      if (uncovered && !throttled) learner.accepted(t);
      if (!throttled && !quotaSpent(response.headers)) return;
      const holdMs = Math.min(serverRequestedWait(response, t)?.ms ?? 0, maxServerHoldMs);
      if (uncovered && throttled) learner.throttled(t, holdMs, declaredLimitOf(response));
      if (holdMs <= 0) return;
      const ids = heldWindows(declared, response)
        .map((w) => w.id)
        .sort();
      book.hold(ids, t + holdMs);
    },
  };
}
