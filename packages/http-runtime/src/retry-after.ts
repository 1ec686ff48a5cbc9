/** Where a server-requested wait came from. */
export type ServerWaitSource = 'retry-after-ms' | 'retry-after' | 'rate-limit-reset';

export interface ServerWait {
  readonly ms: number;
  readonly source: ServerWaitSource;
}

/** What every HTTP-date form has (IMF-fixdate, RFC 850, asctime): a month name and hh:mm:ss. */
const HTTP_DATE = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b.*\b\d{2}:\d{2}:\d{2}\b/;

/** A non-negative decimal number, surrounding whitespace allowed. */
const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;

/** `X-RateLimit-Remaining: 0`: the server's quota is spent until its reset time. */
export function quotaSpent(headers: Headers): boolean {
  return headers.get('x-ratelimit-remaining')?.trim() === '0';
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // The header sent twice, joined by `Headers` ("5, 10"): the longest wait is the safe one.
  if (/^\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)+$/.test(text)) {
    return Math.ceil(Math.max(...text.split(',').map(Number)) * 1000);
  }
  // An HTTP-date has a month and a time of day; `Date.parse` alone reads "1 2" or "Fri 5" as
  // dates in 2001, a wait of zero.
  if (!HTTP_DATE.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Seconds below this are a delta rather than an epoch (1e9 s is September 2001). */
const EPOCH_SECONDS_FLOOR = 1e9;
const EPOCH_MILLISECONDS_FLOOR = 1e12;

/**
 * `X-RateLimit-Reset` is documented by GameBoost (as `X-Ratelimit-Reset`) as a unix timestamp in
 * seconds; other APIs send seconds-until-reset or epoch milliseconds, told apart by magnitude.
 */
export function parseRateLimitReset(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null || !DECIMAL.test(value)) return undefined;
  const number = Number(value);
  if (number >= EPOCH_MILLISECONDS_FLOOR) return Math.max(0, Math.ceil(number - nowMs));
  if (number >= EPOCH_SECONDS_FLOOR) return Math.max(0, Math.ceil(number * 1000 - nowMs));
  return Math.ceil(number * 1000);
}

/**
 * The wait the server asked for, in the order of precision: `retry-after-ms`, `Retry-After`,
 * then the rate-limit reset time when `X-RateLimit-Remaining` is 0. Undefined when the
 * response asks for nothing. Header lookups are case-insensitive, so `X-Ratelimit-Reset`
 * and `X-RateLimit-Reset` are the same header.
 */
export function serverRequestedWait(
  response: Response,
  nowMs: number = Date.now(),
): ServerWait | undefined {
  const headers = response.headers;
  const retryAfterMs = headers.get('retry-after-ms');
  if (retryAfterMs !== null && DECIMAL.test(retryAfterMs)) {
    return { ms: Math.ceil(Number(retryAfterMs)), source: 'retry-after-ms' };
  }
  const retryAfter = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (retryAfter !== undefined) return { ms: retryAfter, source: 'retry-after' };
  if (quotaSpent(headers)) {
    const reset = parseRateLimitReset(headers.get('x-ratelimit-reset'), nowMs);
    if (reset !== undefined) return { ms: reset, source: 'rate-limit-reset' };
  }
  return undefined;
}

/** Milliseconds the server asked the client to wait before the next call, if it asked. */
export function retryAfterMsOf(response: Response, nowMs: number = Date.now()): number | undefined {
  return serverRequestedWait(response, nowMs)?.ms;
}
