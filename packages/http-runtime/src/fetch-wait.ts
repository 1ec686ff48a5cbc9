/**
 * The waits of a resilient fetch before an attempt: for the rate limiter's slot, and the sleep
 * before a retry. Both end at once, with the caller's reason, when the caller gives up.
 */
import type { Call, Shared } from './fetch-call.js';
import type { WaitReason } from './fetch-log.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import { silentLogger } from './logger.js';
import {
  LocalRateLimitError,
  type AcquireOptions,
  type RateLimiter,
  type RateLimitSlot,
} from './rate-limit.js';

/**
 * Waits until the rate limiter lets attempt `attempt` go, for no longer than the policy's
 * `maxRateLimitWaitMs` or the call's time left. The slot, when the limiter hands out slots,
 * must be released once the attempt is over. Throws `LocalRateLimitError` rather than wait longer.
 */
export async function takeSlot(
  rateLimiter: RateLimiter,
  call: Call,
  attempt: number,
  policy: ResolvedPolicy,
  shared: Shared,
): Promise<RateLimitSlot | undefined> {
  const { callerSignal, fields } = call;
  const { logger } = shared;
  const maxWaitMs = Math.max(0, Math.min(policy.maxRateLimitWaitMs, call.deadline - shared.now()));
  // A silent logger writes nothing, so no line is built for it.
  const acquireOptions: AcquireOptions =
    logger === silentLogger
      ? { maxWaitMs }
      : {
          maxWaitMs,
          onWait: (wait) =>
            logger.info('waiting for rate limit', {
              ...fields.attempt(attempt),
              waitReason: 'rate-limit' satisfies WaitReason,
              waitMs: wait.waitMs,
              rule: wait.rule,
              limitSource: wait.source,
            }),
        };
  try {
    if (rateLimiter.reserve) {
      return await rateLimiter.reserve(call.request, callerSignal, acquireOptions);
    }
    await rateLimiter.acquire(call.request, callerSignal, acquireOptions);
    return undefined;
  } catch (error) {
    if (callerSignal.aborted) throw callerSignal.reason;
    if (error instanceof LocalRateLimitError) {
      logger.warn('rate limit wait too long; request not sent', {
        ...fields.attempt(attempt),
        waitReason: 'rate-limit' satisfies WaitReason,
        waitMs: error.retryAfterMs,
        rule: error.rule,
        limitSource: error.source,
      });
    }
    throw error;
  }
}

/** Sleeps `ms` before the next attempt; throws the caller's reason if the caller gave up meanwhile. */
export async function waitBeforeRetry(call: Call, ms: number, shared: Shared): Promise<void> {
  await shared.sleep(ms, call.callerSignal);
  if (call.callerSignal.aborted) throw call.callerSignal.reason;
}
