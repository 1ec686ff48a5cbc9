import { ConfigurationError } from './base-url.js';
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
    ...(rule.key === undefined ? {} : { key: rule.key }),
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

/** One sliding window: a rule's, or for a keyed rule one key's. */
interface Window {
  readonly rule: RateLimitRule;
  /** Hold scope id: the rule name, plus the key for a keyed rule. */
  readonly id: string;
  /** Completion times inside the window, oldest first. */
  readonly done: number[];
  /** Slots handed out and not yet released. */
  inFlight: number;
}

interface RuleState {
  readonly rule: RateLimitRule;
  /** The window of an unkeyed rule. */
  readonly window: Window;
  /** Keyed rules: one window per key, dropped once empty. */
  readonly byKey: Map<string, Window>;
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
  validate(rules);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const learn = options.learnFromHeaders ?? true;
  const newWindow = (rule: RateLimitRule, id: string): Window => ({
    rule,
    id,
    done: [],
    inFlight: 0,
  });
  const states: RuleState[] = rules.map((rule) => ({
    rule,
    window: newWindow(rule, rule.name),
    byKey: new Map(),
  }));
  const holds = new Map<string, Hold>();

  const prune = (window: Window, t: number) => {
    const { done, rule } = window;
    while (done.length > 0 && done[0]! + rule.windowMs <= t) done.shift();
  };

  /** The windows a request counts against: one per matching rule, or none for an undefined key. */
  function windowsOf(request: Request): Window[] {
    const windows: Window[] = [];
    for (const state of states) {
      const { rule } = state;
      if (rule.match && !rule.match(request)) continue;
      if (!rule.key) {
        windows.push(state.window);
        continue;
      }
      const key = rule.key(request);
      if (key === undefined) continue;
      let window = state.byKey.get(key);
      if (!window) {
        // Sweep before adding so that a long-lived limiter keeps only the keys still in a window.
        const t = now();
        for (const [oldKey, old] of state.byKey) {
          prune(old, t);
          if (old.done.length === 0 && old.inFlight === 0) state.byKey.delete(oldKey);
        }
        window = newWindow(rule, `${rule.name}[${key}]`);
        state.byKey.set(key, window);
      }
      windows.push(window);
    }
    return windows;
  }

  function blockerAt(
    windows: readonly Window[],
    names: ReadonlySet<string>,
    t: number,
  ): Blocker | undefined {
    let blocker: Blocker | undefined;
    const consider = (candidate: Blocker) => {
      if (candidate.at > t && (!blocker || candidate.at > blocker.at)) blocker = candidate;
    };
    for (const window of windows) {
      prune(window, t);
      const { done, rule, inFlight } = window;
      const counted = done.length + inFlight;
      if (counted < rule.limit) continue;
      // Slots in time order: the released ones, then those in flight (they finish at t or later).
      // The request may go once the slot `limit` places from the newest has left the window.
      const index = counted - rule.limit;
      // An in-flight slot finishes no earlier than now, so this is the earliest possible time;
      // the wait loop looks again then, and by that time the slot has a real completion time
      // or waits another window.
      const stamp = index < done.length ? done[index]! : t;
      consider({ at: stamp + rule.windowMs, rule: window.id, source: 'rule' });
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

  /**
   * The windows a throttled response speaks for. `X-RateLimit-Limit` names the server's bucket by
   * its size: when it equals some of the request's rules, only those are held (a per-order bucket
   * running out must not stop sends to other orders); otherwise all of them.
   */
  function heldWindows(windows: Window[], response: Response): Window[] {
    const declared = Number(response.headers.get('x-ratelimit-limit')?.trim() || Number.NaN);
    if (!Number.isInteger(declared)) return windows;
    const sameSize = windows.filter((w) => w.rule.limit === declared);
    return sameSize.length > 0 ? sameSize : windows;
  }

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
      const windows = windowsOf(request);
      const names = new Set(windows.map((w) => w.id));
      const t = now();
      const blocker = blockerAt(windows, names, t);
      if (!blocker) {
        for (const window of windows) window.inFlight += 1;
        let released = false;
        return {
          waitedMs: t - started,
          release() {
            if (released) return;
            released = true;
            const finished = now();
            for (const window of windows) {
              window.inFlight -= 1;
              window.done.push(finished);
            }
          },
        };
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
      const names = request
        ? heldWindows(windowsOf(request), response)
            .map((w) => w.id)
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
