/**
 * The per-call settings of a resilient fetch: what `withPolicy` may change, their defaults, and
 * how an override merges over the settings it refines.
 */
import { ConfigurationError } from './base-url.js';
import { isIdempotentRequest, resolveRetryOptions, type RetryOptions } from './retry.js';

/** What may change per call through `withPolicy`. */
export interface ResilientFetchPolicy {
  /** Retry settings merged over the current ones; `false` sends every request once. */
  readonly retry?: Partial<RetryOptions> | false;
  /** Limit for one attempt, until the response headers arrive. Default 30 000. */
  readonly timeoutMs?: number;
  /** Limit for the whole call: attempts, backoff sleeps and rate-limit waits. Default: none. */
  readonly totalTimeoutMs?: number | undefined;
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
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * A call waits for a free slot until its deadline: a separate fixed bound made the sixth chat
 * message of a minute fail at once, even with the call's deadline minutes away.
 */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = Number.POSITIVE_INFINITY;

/** A policy with every default filled in and every inherited setting merged. */
export interface ResolvedPolicy {
  readonly retry: RetryOptions | false;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number | undefined;
  readonly isIdempotent: (request: Request) => boolean;
  readonly signals: readonly AbortSignal[];
  readonly maxRateLimitWaitMs: number;
  readonly onAttempt: ((request: Request, attempt: number) => void) | undefined;
}

function positive(name: string, value: number | undefined): void {
  // `!(value > 0)` also catches NaN.
  if (value !== undefined && !(value > 0)) {
    throw new ConfigurationError(
      `${name} must be a positive number of milliseconds (got ${value})`,
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
  if (policy.maxRateLimitWaitMs !== undefined && !(policy.maxRateLimitWaitMs >= 0)) {
    throw new ConfigurationError(
      `maxRateLimitWaitMs must be >= 0 (got ${policy.maxRateLimitWaitMs})`,
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
    isIdempotent:
      typeof idempotent === 'boolean'
        ? () => idempotent
        : (idempotent ?? base?.isIdempotent ?? isIdempotentRequest),
    signals: [...(base?.signals ?? []), ...(policy.signal ? [policy.signal] : [])],
    maxRateLimitWaitMs:
      policy.maxRateLimitWaitMs ?? base?.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
    onAttempt: policy.onAttempt ?? base?.onAttempt,
  };
}
