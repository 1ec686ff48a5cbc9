import { ConfigurationError } from './base-url.js';

/**
 * How failed attempts are retried. Only what is safe is retried: a failure before any byte was
 * sent, 408 and 429 for any request; 425, 500, 502, 503 and 504 for idempotent methods only (a post
 * answered 5xx may have been stored). The defaults: 2 retries, 500 ms first delay, 8 s at most,
 * jitter on, `Retry-After` honoured up to 60 s.
 */
export interface RetryOptions {
  /** Retries after the first attempt; 0 sends once. */
  readonly maxRetries: number;
  /** Delay before the first retry; it doubles on each retry up to `maxDelayMs` (default 500). */
  readonly initialDelayMs: number;
  /** The longest delay between attempts (default 8000). */
  readonly maxDelayMs: number;
  /**
   * Full jitter: each delay is drawn uniformly below its ceiling, so clients that failed together
   * spread out (default true).
   */
  readonly jitter: boolean;
  /**
   * The longest server-requested wait (`Retry-After`, reset headers) the runtime sleeps through.
   * A longer request returns the 429 (or, for a read, 503) to the caller instead, who can read the wait with
   * `retryAfterMsOf(response)`.
   */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  jitter: true,
  maxRetryAfterMs: 60_000,
});

/** Statuses worth another attempt when repeating the request cannot do harm. */
export const IDEMPOTENT_RETRY_STATUSES: ReadonlySet<number> = new Set([
  408, 425, 429, 500, 502, 503, 504,
]);

/**
 * Statuses that prove the server did not act on the request, so even a message post can be sent
 * again: it timed out before reading the whole request (408) or throttled it (429). A 500, 502, 503 or 504 may come after the message was stored (a 503 is
 * also what some gateways answer when the backend was too slow, after it ran): the caller has to
 * reconcile, never blindly resend.
 */
export const NON_IDEMPOTENT_RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429]);

/** RFC 9110 idempotent methods. POST and PATCH are not: posting a message twice sends it twice. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
]);

export function isIdempotentRequest(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method.toUpperCase());
}

export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  return (idempotent ? IDEMPOTENT_RETRY_STATUSES : NON_IDEMPOTENT_RETRY_STATUSES).has(status);
}

function nonNegative(name: string, value: number, integer = false): void {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigurationError(
      `${name} must be a finite ${integer ? 'integer' : 'number'} >= 0 (got ${value})`,
    );
  }
}

/** Fills defaults and rejects settings that would loop forever or sleep for NaN. */
export function resolveRetryOptions(
  retry: Partial<RetryOptions> | false | undefined,
  base: Readonly<RetryOptions> = DEFAULT_RETRY,
): RetryOptions | false {
  if (retry === false) return false;
  const resolved: RetryOptions = { ...base, ...retry };
  nonNegative('retry.maxRetries', resolved.maxRetries, true);
  nonNegative('retry.initialDelayMs', resolved.initialDelayMs);
  nonNegative('retry.maxDelayMs', resolved.maxDelayMs);
  nonNegative('retry.maxRetryAfterMs', resolved.maxRetryAfterMs);
  return resolved;
}
