/**
 * The delivery rule, as the README's table states it: `not_sent` only when no byte of a post left
 * this process, `rejected` only when the vendor's answer proves it did not apply the post,
 * `unknown` otherwise. Here is what an HTTP answer proves; transport failures and aborts are
 * decided where they are mapped (`error-mapping.ts`), by whether a write had started.
 */
import type { Delivery } from './errors.js';

/** Statuses after which the same request may succeed unchanged. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Server errors that prove nothing was done: the method is not implemented (501) or the HTTP
 * version is refused (505). Any other 5xx can arrive after a message was stored: a gateway lost
 * the vendor's answer (502, 504, and the 503 some gateways give a backend that was too slow) or
 * the vendor failed half-way (500).
 */
const NOTHING_DONE_SERVER_STATUSES: ReadonlySet<number> = new Set([501, 505]);

/**
 * What a post's error answer says about the message: `unknown` unless the answer proves the vendor
 * did not apply it (a 4xx refusal, 429 throttling, 501/505); a read never delivers anything.
 */
export function deliveryForStatus(status: number, write: boolean): Delivery {
  if (!write) return 'rejected';
  if (status >= 500 && !NOTHING_DONE_SERVER_STATUSES.has(status)) return 'unknown';
  if (status >= 300 && status < 400) return 'unknown';
  return 'rejected';
}
