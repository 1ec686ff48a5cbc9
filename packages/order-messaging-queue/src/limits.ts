/**
 * One BullMQ limiter per connection. BullMQ's limiter is per queue and kept in Redis, so with one
 * queue per connection every worker process shares the account's budget.
 */
import type { RateLimitRuleSpec } from '@org/order-messaging';
import { QueueError } from './errors.js';

/**
 * How fast a connection's jobs start, across every worker: `max` jobs per `duration` milliseconds
 * (BullMQ's limiter).
 */
export interface QueueLimiter {
  /** Jobs started per `duration` milliseconds, across every worker. */
  readonly max: number;
  /** The window, in milliseconds. */
  readonly duration: number;
}

/** An explicit limiter, or an adapter's declared rules (`adapter.rateLimits`). */
export type LimitSource = QueueLimiter | Readonly<Record<string, RateLimitRuleSpec>>;

function isLimiter(source: LimitSource): source is QueueLimiter {
  return typeof (source as QueueLimiter).max === 'number';
}

/**
 * The tightest rule's rate, as a limiter: a job runs one send, so the slowest rule the send may
 * count against bounds the whole queue. Rules that match only some requests are still counted:
 * over-throttling costs time, under-throttling costs 429s on a shared account. Keyed rules (one
 * window per order or other resource, e.g. GameBoost's per-order hourly limit) are not: they bound
 * one order's sends, not the account's, and the facade's limiter keeps each order within them.
 * Undefined when nothing account-wide is declared (the facade's own limiter and back-off still
 * apply).
 */
export function limiterFor(source: LimitSource | undefined): QueueLimiter | undefined {
  if (source === undefined) return undefined;
  if (isLimiter(source)) {
    if (!(source.max > 0 && source.duration > 0))
      throw new QueueError('configuration', 'a limiter needs max > 0 and duration > 0');
    return { max: source.max, duration: source.duration };
  }
  let tightest: QueueLimiter | undefined;
  for (const rule of Object.values(source)) {
    if (rule.key || !(rule.limit > 0 && rule.windowMs > 0)) continue;
    if (!tightest || rule.limit / rule.windowMs < tightest.max / tightest.duration)
      tightest = { max: rule.limit, duration: rule.windowMs };
  }
  return tightest;
}

/** The keyed rules (one window per order or other resource) among declared ones, by name. */
export function keyedRuleNames(source: LimitSource | undefined): ReadonlySet<string> {
  if (source === undefined || isLimiter(source)) return new Set();
  return new Set(
    Object.entries(source)
      .filter(([, rule]) => rule.key)
      .map(([name]) => name),
  );
}

/**
 * Whether a rate-limit refusal came from a keyed rule: one order (or other resource) is past its
 * own limit, while the account still has room for the others.
 */
export function refusedByKeyedRule(
  error: { readonly rule?: string | undefined },
  keyed: ReadonlySet<string>,
): boolean {
  // A keyed rule's window is named with its key: `perOrder[account-orders/1]`.
  const name = error.rule?.replace(/\[.*\]$/, '');
  return name !== undefined && keyed.has(name);
}

/** Sub-windows a vendor window may be cut into, at most; each keeps at least this many jobs. */
const MAX_SLICES = 5;
const MIN_JOBS_PER_SLICE = 4;
/** Added to each sub-window: BullMQ's window and the vendor's never start at the same instant. */
const GUARD_MS = 2;
/** A cut whose rate is within this share of the best cut's counts as good as it. */
const RATE_TOLERANCE = 0.01;

/**
 * The limiter BullMQ runs: the account's window cut into up to five sub-windows, each with an
 * equal share of the jobs. BullMQ starts a window's jobs at once, and its windows do not line up
 * with the vendor's, so a whole window's burst can land in the vendor window the last burst
 * already filled: the vendor answers 429 and every worker waits. Smaller bursts overlap by less.
 * In the chaos run (4 workers, 50 requests/s per account) this took the accounts' own 429s from
 * about 200 to under 10 per 2,000 messages.
 *
 * Each sub-window lasts a little more than its share of the window, so no vendor window holds
 * more than `slices` bursts, whatever their phase. The cut is the one that keeps most of the
 * rate (a share rounded down loses the rest: 50 in four cuts of 12 runs at 48/s, in five cuts of
 * 10 at 49.5/s); among cuts about as fast, the most slices. A window of fewer than eight jobs is
 * left whole: a share would round down to nothing useful.
 */
export function pacedLimiter(limiter: QueueLimiter): QueueLimiter {
  let best = limiter;
  let bestRate = 0;
  for (let slices = MAX_SLICES; slices >= 1; slices--) {
    const max = Math.floor(limiter.max / slices);
    if (slices > 1 && max < MIN_JOBS_PER_SLICE) continue;
    const duration =
      slices === 1 ? limiter.duration : Math.ceil(limiter.duration / slices) + GUARD_MS;
    const rate = max / duration;
    if (rate > bestRate * (1 + RATE_TOLERANCE)) {
      best = { max, duration };
      bestRate = rate;
    }
  }
  return best;
}
