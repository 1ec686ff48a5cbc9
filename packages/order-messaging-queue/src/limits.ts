/**
 * One BullMQ limiter per connection. BullMQ's limiter is per queue and kept in Redis, so with one
 * queue per connection every worker process shares the account's budget.
 */
import type { RateLimitRuleSpec } from '@org/order-messaging';
import { QueueError } from './errors.js';

export interface QueueLimiter {
  /** Jobs started per `duration` milliseconds, across every worker. */
  readonly max: number;
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
 * over-throttling costs time, under-throttling costs 429s on a shared account.
 * Undefined when nothing is declared (the facade's own limiter and back-off still apply).
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
    if (!(rule.limit > 0 && rule.windowMs > 0)) continue;
    if (!tightest || rule.limit / rule.windowMs < tightest.max / tightest.duration)
      tightest = { max: rule.limit, duration: rule.windowMs };
  }
  return tightest;
}
