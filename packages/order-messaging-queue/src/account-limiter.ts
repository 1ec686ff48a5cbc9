/**
 * An account's request budget shared by every process that sends for it, kept in Redis: the
 * limiter a connection of the facade takes as `rateLimiter`. The queue's own limiter paces jobs;
 * a job is more than one request when it retries, reads a message back or reconciles, and those
 * extra requests, unpaced, overflow the account's window into 429s.
 */
import { randomUUID } from 'node:crypto';
import {
  abortableSleep,
  createRateLimiter,
  LocalRateLimitError,
  rateLimitRules,
  quotaSpent,
  retryAfterMsOf,
  DEFAULT_MAX_SERVER_HOLD_MS,
  type AcquireOptions,
  type RateLimiter,
  type RateLimitRule,
  type RateLimitRuleSpec,
  type RateLimitSlot,
} from '@org/http-runtime';
import type { Redis } from 'ioredis';
import { QueueError } from './errors.js';
import { DEFAULT_PREFIX, digest, openRedis, type RedisSettings } from './redis.js';

/** Options of {@link createAccountRateLimiter}. */
export interface AccountRateLimiterOptions {
  /**
   * Where the shared windows live: a `redis://` URL or ioredis options (the limiter opens its own
   * connection).
   */
  readonly redis: RedisSettings;
  /** The account: processes that give the same name (and prefix) share its budget. */
  readonly account: string;
  /**
   * The account's limits, shared by every process: the adapter's declared rules
   * (`adapter.rateLimits`) or your own, e.g. `{ account: { limit: 50, windowMs: 1000 } }`.
   */
  readonly rules: Readonly<Record<string, RateLimitRuleSpec>>;
  /** Key prefix in Redis (default `om`, as the queue's). */
  readonly prefix?: string;
  /** See the facade's `maxServerHoldMs` (default 60 s). */
  readonly maxServerHoldMs?: number;
}

/**
 * A {@link RateLimiter} whose windows are shared through Redis by every process of the account:
 * give it to the facade's connection as `rateLimiter`.
 */
export interface AccountRateLimiter extends RateLimiter {
  /** Closes its Redis connection (at once when Redis is away). */
  close(): Promise<void>;
}

/** A wait is re-checked at least this often: a slot may free early when a request finishes. */
const MAX_POLL_MS = 250;
/** The hold of a 429 for a request no rule covers: it holds every request. */
const ALL = '*';
/**
 * Redis gets at least this long to answer, even when the caller has less time left: a healthy
 * Redis answers in a millisecond, and a caller with no time left must still learn whether a slot
 * is free now.
 */
const MIN_REDIS_WAIT_MS = 50;
/** The wait a refused request is told to make when Redis was away or answered with an error. */
const REDIS_RETRY_AFTER_MS = 1000;
/** The rule an {@link AccountLimiterUnavailableError} names: no rule of the account was full. */
const REDIS_RULE = 'account-limiter-redis';

/**
 * Redis did not answer within the time the caller had left, or answered with an error (a
 * read-only replica during a failover): the request was not sent. A `LocalRateLimitError`, so the
 * facade reports it typed, as a retryable `RateLimitedError` with `delivery: 'not_sent'`, and the
 * queue puts the job back instead of sending it to review.
 */
class AccountLimiterUnavailableError extends LocalRateLimitError {
  constructor(reason: string, maxWaitMs: number, cause?: unknown) {
    super(REDIS_RULE, 'rule', REDIS_RETRY_AFTER_MS, maxWaitMs);
    this.message = `the account limiter's Redis ${reason}; the request was not sent`;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * One sorted set per window, scored by when each request was counted (Redis's clock, the same
 * for every process). Either every matching window has room and the request is counted in all
 * of them, or nothing is counted and the reply says how long until the fullest frees a slot.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait, blocker = 0, 0
for i, key in ipairs(KEYS) do
  local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = math.max(1, tonumber(oldest[2]) + window - now)
    if w > wait then wait, blocker = w, i end
  end
end
if wait > 0 then return { wait, blocker } end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]) + 1000)
end
return { 0, 0 }`;

/** Servers count a request when it arrives: a finished request counts from now, not its start. */
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now, ARGV[1]) end
return 0`;

/** Gives back a slot TAKE granted to a caller that had stopped waiting for the answer. */
const UNTAKE = `for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
return 0`;

interface SharedWindow {
  readonly key: string;
  readonly rule: RateLimitRule;
}

/**
 * The account's rules, shared through Redis, and in this process the server's holds (a 429's
 * `Retry-After` holds the requests that share a rule with the refused one). It learns no limit
 * of its own from 429s: the requests one process saw accepted are its share of the account, not
 * the account's budget. A hold stays in the process that was told: the others hear it from their
 * own answers, one 429 each, and a 429 that was no sign of the account's state (a gateway's
 * hiccup) stops one process, not all.
 */
export function createAccountRateLimiter(options: AccountRateLimiterOptions): AccountRateLimiter {
  if (!options.account)
    throw new QueueError('configuration', 'createAccountRateLimiter: no account');
  const rules = rateLimitRules(options.rules);
  createRateLimiter({ rules }); // the runtime's checks: names, limits, windows
  const maxHoldMs = options.maxServerHoldMs ?? DEFAULT_MAX_SERVER_HOLD_MS;
  const holds = new Map<string, number>();
  const redis: Redis = openRedis(options.redis);
  // Connection errors while Redis is away reach the caller as typed errors; unheard, ioredis
  // prints each one as an unhandled 'error' event.
  redis.on('error', () => {});
  const base = `${options.prefix ?? DEFAULT_PREFIX}:limit:${digest(options.account).slice(0, 16)}`;

  function windowsOf(request: Request): SharedWindow[] {
    const windows: SharedWindow[] = [];
    for (const rule of rules) {
      if (rule.match && !rule.match(request)) continue;
      const key = rule.key ? rule.key(request) : '';
      if (key === undefined) continue;
      windows.push({ rule, key: `${base}:${digest(`${rule.name}\n${key}`).slice(0, 16)}` });
    }
    return windows;
  }

  /** The latest hold over any of these windows (all requests when the 429 matched no rule). */
  function heldFor(windows: readonly SharedWindow[], now: number) {
    let until = holds.get(ALL) ?? 0;
    let rule = ALL;
    for (const w of windows) {
      const held = holds.get(w.rule.name) ?? 0;
      if (held > until) [until, rule] = [held, w.rule.name];
    }
    return until > now ? { waitMs: until - now, rule } : undefined;
  }

  async function reserve(
    request: Request,
    signal?: AbortSignal,
    acquire: AcquireOptions = {},
  ): Promise<RateLimitSlot> {
    const started = Date.now();
    const maxWaitMs = acquire.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const windows = windowsOf(request);
    const member = randomUUID();
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const held = heldFor(windows, Date.now());
      const timeLeftMs = maxWaitMs - (Date.now() - started);
      const blocked =
        held ??
        (windows.length > 0
          ? await take(redis, windows, member, timeLeftMs, maxWaitMs, signal)
          : undefined);
      if (!blocked || blocked.waitMs === 0) {
        return sharedSlot(windows, member, Date.now() - started);
      }
      const source = held ? 'server' : 'rule';
      if (Date.now() - started + blocked.waitMs > maxWaitMs) {
        throw new LocalRateLimitError(blocked.rule, source, blocked.waitMs, maxWaitMs);
      }
      acquire.onWait?.({ waitMs: blocked.waitMs, rule: blocked.rule, source });
      await abortableSleep(Math.min(blocked.waitMs, MAX_POLL_MS), signal);
    }
  }

  function sharedSlot(
    windows: readonly SharedWindow[],
    member: string,
    waitedMs: number,
  ): RateLimitSlot {
    let released = windows.length === 0;
    return {
      waitedMs,
      release() {
        if (released) return;
        released = true;
        // A lost release leaves the request counted from its start: a little early, never over.
        redis.eval(RELEASE, windows.length, ...windows.map((w) => w.key), member).catch(() => {});
      },
    };
  }

  return {
    rules,
    reserve,
    async acquire(request, signal, acquire) {
      const slot = await reserve(request, signal, acquire);
      slot.release();
      return slot.waitedMs;
    },
    observe(response, request) {
      if (response.status !== 429 && !quotaSpent(response.headers)) return;
      const now = Date.now();
      const waitMs = Math.min(retryAfterMsOf(response, now) ?? 0, maxHoldMs);
      if (waitMs <= 0) return;
      const windows = request ? windowsOf(request) : [];
      for (const name of windows.length > 0 ? windows.map((w) => w.rule.name) : [ALL]) {
        holds.set(name, Math.max(holds.get(name) ?? 0, now + waitMs));
      }
    },
    async close() {
      // A Redis that is away would hold QUIT until it returned: then the connection just closes.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}

/**
 * One TAKE, for no longer than `timeLeftMs` (ioredis holds commands while Redis is away, for as
 * long as it is away). A late answer that granted the slot gives it back.
 */
async function take(
  redis: Redis,
  windows: readonly SharedWindow[],
  member: string,
  timeLeftMs: number,
  maxWaitMs: number,
  signal?: AbortSignal,
) {
  const keys = windows.map((w) => w.key);
  const args = windows.flatMap((w) => [w.rule.limit, w.rule.windowMs]);
  const reply = redis.eval(TAKE, windows.length, ...keys, member, ...args) as Promise<
    [number, number]
  >;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    if (!Number.isFinite(timeLeftMs)) return;
    timer = setTimeout(
      () => {
        gaveUp = true;
        reject(new AccountLimiterUnavailableError('did not answer in time', maxWaitMs));
      },
      Math.max(timeLeftMs, MIN_REDIS_WAIT_MS),
    );
  });
  reply.then(
    ([waitMs]) => {
      // Answered after the caller gave up: a slot it took is nobody's, so it is handed back.
      if (gaveUp && waitMs === 0) {
        redis.eval(UNTAKE, keys.length, ...keys, member).catch(() => {});
      }
    },
    () => {}, // the caller already has its error (or gave up)
  );
  try {
    const [waitMs, blocker] = await untilAborted(Promise.race([reply, late]), signal);
    return { waitMs, rule: windows[blocker - 1]?.rule.name ?? '' };
  } catch (error) {
    gaveUp = true;
    if (error instanceof LocalRateLimitError || signal?.aborted) throw error;
    // A Redis error reply (READONLY, OOM, NOSCRIPT...) or a lost connection: nothing was sent.
    throw new AccountLimiterUnavailableError(`failed (${describe(error)})`, maxWaitMs, error);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Redis may be away (ioredis then waits for it): the caller's signal still ends the wait. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
