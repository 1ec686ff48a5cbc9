/**
 * The per-call settings of a resilient fetch: what `withPolicy` may change, their defaults, and
 * how an override merges over the settings it refines.
 */
import { ConfigurationError } from './base-url.js';
import { isIdempotentRequest, resolveRetryOptions, type RetryOptions } from './retry.js';
import { MAX_TIMER_MS } from './timeout.js';

export { MAX_TIMER_MS } from './timeout.js';

/** What may change per call through `withPolicy`. */
export interface ResilientFetchPolicy {
  /** Retry settings merged over the current ones; `false` sends every request once. */
  readonly retry?: Partial<RetryOptions> | false;
  /** Limit for one attempt, from sending until the last byte of the response body. Default 30 000. */
  readonly timeoutMs?: number;
  /**
   * Limit for the whole call: attempts, response bodies, backoff sleeps and rate-limit waits.
   * Default: none.
   */
  readonly totalTimeoutMs?: number | undefined;
  /**
   * An absolute deadline (on the fetch's clock, `Date.now()` by default) for every call of this
   * fetch: how calls made for one larger operation share a single time budget. A call stops at
   * the earlier of this and its own `totalTimeoutMs`. Default: none.
   */
  readonly deadline?: number | undefined;
  /**
   * Most bytes of one response body read (after decompression) before the body fails with
   * `ResponseTooLargeError` and the connection is closed. Default 8 MiB; `Infinity` for none.
   */
  readonly maxResponseBytes?: number;
  /**
   * Whether repeating the request is harmless. Default: GET, HEAD, OPTIONS, PUT and DELETE are;
   * POST and PATCH are not. Pass `true` for a POST that carries an idempotency key.
   */
  readonly isIdempotent?: boolean | ((request: Request) => boolean);
  /** Aborts the call. In `withPolicy`, added to the connection's signal rather than replacing it. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Longest total wait for the rate limiter before failing with `LocalRateLimitError`. Default:
   * no bound of its own, only the call's `totalTimeoutMs` (a wait that would pass the deadline
   * fails at once).
   */
  readonly maxRateLimitWaitMs?: number;
  /**
   * Sees each attempt's request as it leaves (after any rate-limit wait): how a caller learns
   * whether, how often and where a request went out. In `withPolicy`, replaces the current one.
   */
  readonly onAttempt?: ((request: Request, attempt: number) => void) | undefined;
  /**
   * Sees how each attempt ended: the response's status and headers once they arrived, or the error
   * that ended it (a `TransportError`, or the caller's abort reason), with the time it took.
   * In `withPolicy`, replaces the current one.
   */
  readonly onAttemptEnd?:
    ((request: Request, attempt: number, end: AttemptEnd) => void) | undefined;
}

/** How one attempt ended, for `onAttemptEnd`. */
export type AttemptEnd =
  | {
      /** The response's status (any: a 4xx or 5xx is an answer too). */
      readonly status: number;
      /** The response's headers. */
      readonly headers: Headers;
      /** From sending until the response headers arrived. */
      readonly durationMs: number;
    }
  | {
      /** A `TransportError` (network, timeout), or the caller's abort reason. */
      readonly error: unknown;
      /** From sending until the attempt failed. */
      readonly durationMs: number;
    };

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * A call waits for a free slot until its deadline: a separate fixed bound made the sixth chat
 * message of a minute fail at once, even with the call's deadline minutes away.
 */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = Number.POSITIVE_INFINITY;
/**
 * The largest documented answer is a Mirakl thread of up to 1,000 messages (`maxMessagesPerThread`);
 * 8 MiB gives each of them 8 KiB of JSON, room for a few thousand characters of text with its
 * metadata. Reading a body costs a few times its size at peak (chunks, the joined buffer, the
 * decoded string), so 8 MiB keeps a hostile answer (100 MB, a gzip bomb) under 64 MB of growth.
 * A connection with larger threads raises `maxResponseBytes`.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A policy with every default filled in and every inherited setting merged. */
export interface ResolvedPolicy {
  readonly retry: RetryOptions | false;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number | undefined;
  readonly deadline: number | undefined;
  readonly maxResponseBytes: number;
  readonly isIdempotent: (request: Request) => boolean;
  readonly signals: readonly AbortSignal[];
  readonly maxRateLimitWaitMs: number;
  readonly onAttempt: ((request: Request, attempt: number) => void) | undefined;
  readonly onAttemptEnd: ((request: Request, attempt: number, end: AttemptEnd) => void) | undefined;
}

function positive(name: string, value: number | undefined): void {
  // `!(value > 0)` also catches NaN; a string would add to a time instead of counting.
  if (value !== undefined && (typeof value !== 'number' || !(value > 0) || value > MAX_TIMER_MS)) {
    throw new ConfigurationError(
      `${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS} (about 24.8 days; got ${String(value)})`,
    );
  }
}

/**
 * `policy` over `base` (the connection's settings, or those of the variant `withPolicy` was
 * called on); over the defaults when there is no base. Throws `ConfigurationError` for
 * settings that would never send or never stop.
 */
export function resolvePolicy(
  policy: ResilientFetchPolicy,
  base: ResolvedPolicy | undefined,
): ResolvedPolicy {
  positive('timeoutMs', policy.timeoutMs);
  positive('totalTimeoutMs', policy.totalTimeoutMs);
  if (
    policy.maxResponseBytes !== undefined &&
    (typeof policy.maxResponseBytes !== 'number' || !(policy.maxResponseBytes > 0))
  ) {
    throw new ConfigurationError(
      `maxResponseBytes must be a positive number of bytes (got ${policy.maxResponseBytes})`,
    );
  }
  if (policy.deadline !== undefined && Number.isNaN(policy.deadline)) {
    throw new ConfigurationError('deadline must be a time, not NaN');
  }
  const { maxRateLimitWaitMs } = policy;
  // A bound, not a timer (the wait itself is the limiter's, cut to the deadline): `Infinity` is fine.
  if (
    maxRateLimitWaitMs !== undefined &&
    (typeof maxRateLimitWaitMs !== 'number' || !(maxRateLimitWaitMs >= 0))
  ) {
    throw new ConfigurationError(
      `maxRateLimitWaitMs must be a number of milliseconds >= 0 (got ${String(maxRateLimitWaitMs)})`,
    );
  }
  const idempotent = policy.isIdempotent;
  const baseRetry = base?.retry === false ? undefined : base?.retry;
  return {
    retry:
      policy.retry === undefined && base
        ? base.retry
        : resolveRetryOptions(policy.retry, baseRetry),
    timeoutMs: policy.timeoutMs ?? base?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    totalTimeoutMs: 'totalTimeoutMs' in policy ? policy.totalTimeoutMs : base?.totalTimeoutMs,
    deadline: 'deadline' in policy ? policy.deadline : base?.deadline,
    maxResponseBytes:
      policy.maxResponseBytes ?? base?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    isIdempotent:
      typeof idempotent === 'boolean'
        ? () => idempotent
        : (idempotent ?? base?.isIdempotent ?? isIdempotentRequest),
    signals: [...(base?.signals ?? []), ...(policy.signal ? [policy.signal] : [])],
    maxRateLimitWaitMs:
      policy.maxRateLimitWaitMs ?? base?.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
    onAttempt: policy.onAttempt ?? base?.onAttempt,
    onAttemptEnd: policy.onAttemptEnd ?? base?.onAttemptEnd,
  };
}
