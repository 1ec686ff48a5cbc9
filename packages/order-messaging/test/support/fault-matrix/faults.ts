/**
 * The rows of the fault matrix: every transport and server fault the provider sandbox can
 * script on a send, with the outcome the delivery guarantees promise and why.
 */
import {
  absentUnknown,
  RECONCILED,
  RETRY,
  SENT_AGAIN,
  SLOW_VENDOR,
  type FaultCase,
} from './model.js';

/** A vendor that drips its answer past the attempt's timeout. */
const DRIP = { intervalMs: 100, timeoutMs: 400 } as const;
/** Above the default `maxResponseBytes` (8 MiB). */
const HUGE_ANSWER_MB = 100;
/** Decoded size of the gzip bomb (about 1 MB on the wire were it sent whole). */
const GZIP_BOMB_GIB = 1;
/** A vendor that stores the post long after the client gave up: after its reconciliation check. */
const LATE_STORE = { latencyMs: 1_500, timeoutMs: 120 } as const;
/** 429s in a row before the vendor takes the post, each with `Retry-After: 1`. */
const STORM_429S = 3;

/** An HTTP date at least `ms` ahead, on a whole second (HTTP dates have no fractions). */
function httpDateIn(ms: number): Date {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);
}

export const FAULTS: readonly FaultCase[] = [
  {
    id: '429-seconds',
    label: '429 with `Retry-After: 1` (seconds)',
    why: 'the vendor did not act: the runtime waits the Retry-After and posts again',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 429, retryAfter: 1 }),
    minElapsedMs: 900,
  },
  {
    id: '429-date',
    label: '429 with `Retry-After: <HTTP date>`',
    why: 'same, with the wait given as a date',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 429, retryAfter: httpDateIn(1_000) }),
    minElapsedMs: 900,
  },
  {
    id: '408',
    label: '408 (the vendor timed out reading the request)',
    why: 'the vendor did not act: the runtime posts again after a backoff',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 408 }),
  },
  {
    id: '500',
    label: '500 (vendor JSON error)',
    why: 'may have been stored: the order is listed; absent is no proof, so delivery unknown and no resend (the default)',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 500 }),
  },
  {
    id: '500-resend-opted-in',
    label: '500, with `reconcile.maxResends: 1`',
    why: 'opted in: listed, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 500 }),
    maxResends: 1,
  },
  {
    id: '502-html',
    label: '502 with an HTML proxy page',
    why: 'the gateway may have lost the answer: listed, absent, delivery unknown',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 502, bodyKind: 'html' }),
  },
  {
    id: '503',
    label: '503',
    why: 'no proof the vendor did not act (gateways answer 503 for a backend that ran too long): listed, absent, delivery unknown',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 503 }),
  },
  {
    id: '504',
    label: '504',
    why: 'the gateway timed out, the vendor may have stored it: listed, absent, delivery unknown',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 504 }),
  },
  {
    id: '500-malformed-json',
    label: '500 with malformed JSON',
    why: 'as a 500; the unreadable body is kept as text',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 500, bodyKind: 'malformed-json' }),
  },
  {
    id: '200-malformed-json-not-stored',
    label: '200 with malformed JSON, nothing stored, `maxResends: 1`',
    why: 'a 2xx says the vendor took the post: listed, absent, never posted again even when resends are on',
    expected: absentUnknown('vendor_server'),
    arrange: (a) => a.inject({ status: 200, bodyKind: 'malformed-json' }),
    maxResends: 1,
  },
  {
    id: '2xx-malformed-json-stored',
    label: '2xx with malformed JSON, message stored',
    why: 'never posted blindly again: the listing finds the stored message',
    expected: RECONCILED,
    arrange: (a) => a.garbleNextPost('malformed-json'),
  },
  {
    id: '2xx-html-stored',
    label: '2xx with an HTML page, message stored',
    why: 'same, with an HTML body in place of JSON',
    expected: RECONCILED,
    arrange: (a) => a.garbleNextPost('html'),
  },
  {
    id: '2xx-wrong-shape-stored',
    label: '2xx with JSON of the wrong shape, message stored',
    why: 'no message in the answer: reconciled by listing',
    expected: RECONCILED,
    arrange: (a) => a.garbleNextPost('wrong-shape'),
  },
  {
    id: 'latency-applied-late',
    label: `latency past the timeout (${SLOW_VENDOR.latencyMs} ms > ${SLOW_VENDOR.timeoutMs} ms), applied late`,
    why: 'timed out after writing: after the settle delay the listing finds what the slow vendor stored',
    expected: RECONCILED,
    arrange: (a) => a.inject({ latencyMs: SLOW_VENDOR.latencyMs }),
    call: { timeoutMs: SLOW_VENDOR.timeoutMs },
    settleDelayMs: SLOW_VENDOR.settleDelayMs,
    lingerMs: SLOW_VENDOR.latencyMs,
  },
  {
    id: 'drop-before-apply',
    label: 'connection dropped before the write',
    why: 'reset after sending: listed, absent, delivery unknown (bytes left)',
    expected: absentUnknown('network'),
    arrange: (a) => a.inject({ drop: 'before-apply' }),
  },
  {
    id: 'drop-before-apply-resend-opted-in',
    label: 'connection dropped before the write, `maxResends: 1`',
    why: 'opted in: listed, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ drop: 'before-apply' }),
    maxResends: 1,
  },
  {
    id: 'drop-after-apply',
    label: 'connection dropped after the message was stored',
    why: 'reset after sending: the listing finds it, no second post',
    expected: RECONCILED,
    arrange: (a) => a.inject({ drop: 'after-apply' }),
  },
  {
    id: '429-storm',
    label: '429 with `Retry-After: 1` on every attempt',
    why: 'each answer proved the vendor did not act: waited each time, retries spent, RateLimitedError',
    expected: {
      outcome: 'rate_limited',
      delivery: 'rejected',
      stored: 0,
      posts: RETRY.maxRetries + 1,
    },
    arrange: (a) => a.inject({ status: 429, retryAfter: 1, times: Number.POSITIVE_INFINITY }),
    minElapsedMs: 1_900,
  },
  {
    id: 'redirect-307',
    label: '307 to another origin',
    why: 'never followed (the credential would go with it); a redirect is no proof: listed, absent, delivery unknown, never resent',
    expected: absentUnknown('vendor_server'),
    arrange: (a) =>
      a.inject({ status: 307, headers: { Location: 'http://127.0.0.1:9/elsewhere?copy=1' } }),
    maxResends: 1,
  },
  {
    id: 'drip-after-apply',
    label: `message stored, answer dripped one byte every ${DRIP.intervalMs} ms`,
    why: `the attempt's timeout (${DRIP.timeoutMs} ms) covers the body: TimeoutError mid-body, the listing finds the stored message`,
    expected: RECONCILED,
    arrange: (a) => a.inject({ dripMs: DRIP.intervalMs }),
    call: { timeoutMs: DRIP.timeoutMs },
  },
  {
    id: 'huge-after-apply',
    label: `message stored, answer padded to ${HUGE_ANSWER_MB} MB`,
    why: 'reading stops at maxResponseBytes (8 MiB): a typed error, the listing finds the stored message',
    expected: RECONCILED,
    arrange: (a) => a.inject({ padToBytes: HUGE_ANSWER_MB * 1024 * 1024 }),
  },
  {
    id: 'gzip-bomb-after-apply',
    label: `message stored, answer a gzip bomb (${GZIP_BOMB_GIB} GiB once decoded)`,
    why: 'decompression stops at maxResponseBytes (8 MiB, counted after decoding): a typed error, the listing finds the stored message',
    expected: RECONCILED,
    arrange: (a) => a.inject({ padToBytes: GZIP_BOMB_GIB * 1024 ** 3, contentEncoding: 'gzip' }),
  },
  {
    id: 'html-escaping-store',
    label:
      'answer lost after the store; the vendor shows the text HTML-escaped (`It&#039;s d&eacute;j&agrave; vu`, in `<p>`)',
    why: 'reconciliation compares the displayed text (entities decoded, markup stripped): the listing finds the stored message, no second post',
    expected: RECONCILED,
    textTail: ` — It's déjà vu & 5 < 6 "quoted"`,
    arrange: (a) => {
      a.inject({ drop: 'after-apply' });
      a.escapeReads();
    },
  },
  {
    id: 'stored-after-check',
    label: `stored after the reconciliation check (latency ${LATE_STORE.latencyMs} ms, timeout ${LATE_STORE.timeoutMs} ms)`,
    why: 'timed out; the listing ran before the slow vendor stored it, and absence is no proof: delivery unknown (never `not_sent`), no second post',
    expected: { outcome: 'timeout', delivery: 'unknown', stored: 1, posts: 1 },
    arrange: (a) => a.inject({ latencyMs: LATE_STORE.latencyMs }),
    call: { timeoutMs: LATE_STORE.timeoutMs },
    lingerMs: LATE_STORE.latencyMs,
  },
  {
    id: '429-storm-then-ok',
    label: `429 with \`Retry-After: 1\` on ${STORM_429S} posts in a row, then OK (\`maxRetries: ${STORM_429S}\`)`,
    why: 'each 429 proved the vendor did not act: each Retry-After waited, posted again until it went through, one copy',
    expected: { outcome: 'sent', delivery: 'delivered', stored: 1, posts: STORM_429S + 1 },
    arrange: (a) => a.inject({ status: 429, retryAfter: 1, times: STORM_429S }),
    call: { retry: { ...RETRY, maxRetries: STORM_429S } },
    minElapsedMs: STORM_429S * 1_000 - 100,
  },
  {
    id: '429-too-long',
    label: '429 with `Retry-After: 3600` (longer than allowed)',
    why: 'not waited for: RateLimitedError with retryAfterMs, nothing stored',
    expected: { outcome: 'rate_limited', delivery: 'rejected', stored: 0, posts: 1 },
    arrange: (a) => a.inject({ status: 429, retryAfter: 3600 }),
  },
  {
    id: '408-every-attempt',
    label: '408 on every attempt',
    why: 'retries spent; each answer proved the vendor did not act',
    expected: {
      outcome: 'timeout',
      delivery: 'rejected',
      stored: 0,
      posts: RETRY.maxRetries + 1,
    },
    arrange: (a) => a.inject({ status: 408, times: Number.POSITIVE_INFINITY }),
  },
  {
    id: '500-every-attempt',
    label: '500 on every attempt, `maxResends: 1`',
    why: 'listed after each 500, absent both times: the resend budget is spent, delivery unknown',
    expected: absentUnknown('vendor_server', 2),
    arrange: (a) => a.inject({ status: 500, times: Number.POSITIVE_INFINITY }),
    maxResends: 1,
  },
  {
    id: 'drop-before-apply-every-attempt',
    label: 'connection dropped before the write, every attempt, `maxResends: 1`',
    why: 'listed after each drop, absent both times: delivery unknown',
    expected: absentUnknown('network', 2),
    arrange: (a) => a.inject({ drop: 'before-apply', times: Number.POSITIVE_INFINITY }),
    maxResends: 1,
  },
  {
    id: 'latency-never-applied',
    label: 'latency past the timeout, never applied, every attempt, `maxResends: 1`',
    why: 'timed out twice, absent from the listing twice: delivery unknown',
    expected: absentUnknown('timeout', 2),
    maxResends: 1,
    arrange: (a) =>
      a.inject({
        latencyMs: SLOW_VENDOR.latencyMs,
        drop: 'before-apply',
        times: Number.POSITIVE_INFINITY,
      }),
    call: { timeoutMs: SLOW_VENDOR.timeoutMs },
    settleDelayMs: SLOW_VENDOR.settleDelayMs,
    lingerMs: SLOW_VENDOR.latencyMs,
  },
  {
    id: 'drop-after-apply-check-fails',
    label: 'dropped after the message was stored, then every read fails (503)',
    why: 'the facade cannot tell: delivery unknown, nothing posted again',
    expected: { outcome: 'network', delivery: 'unknown', stored: 1, posts: 1 },
    vendorWide: true,
    arrange: (a) => {
      a.inject({ drop: 'after-apply' });
      a.afterFirstPost(() => a.inject({ status: 503, times: Number.POSITIVE_INFINITY }, null));
    },
  },
];
