/**
 * After an attempt of a resilient fetch: whether to try again, and after how long. Each decision
 * is logged with its reason.
 */
import { backoffDelay } from './backoff.js';
import type { Call, Shared } from './fetch-call.js';
import type { WaitReason } from './fetch-log.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import type { TransportError } from './network-error.js';
import { isRetryableStatus } from './retry.js';
import { serverRequestedWait } from './retry-after.js';

/** Whether retries are on and attempt `attempt` was not the last allowed. */
function canRetry(call: Call, attempt: number, policy: ResolvedPolicy): boolean {
  return policy.retry !== false && attempt < call.maxAttempts;
}

/** A response that was never awaited further must still release its socket. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

/**
 * After attempt `attempt` failed without a response: the backoff before the next attempt, or
 * `error` thrown when there is to be none. A failure before anything was sent is retried when it
 * is transient; one after (or a timeout) only when repeating the request is harmless.
 */
export function retryAfterFailure(
  failure: { readonly error: TransportError; readonly transient: boolean },
  call: Call,
  attempt: number,
  policy: ResolvedPolicy,
  shared: Shared,
): number {
  const { error } = failure;
  const { retry } = policy;
  const failureFields = {
    ...call.fields.attempt(attempt),
    phase: error.phase,
    code: error.code,
    mayHaveBeenDelivered: error.mayHaveBeenDelivered,
  };
  const retryable =
    error.phase === 'connect'
      ? failure.transient
      : call.idempotent && (error.phase === 'sent' || error.phase === 'timeout');
  const delayMs =
    retry && canRetry(call, attempt, policy) && retryable
      ? backoffDelay(attempt - 1, retry, shared.random)
      : undefined;
  if (delayMs === undefined || shared.now() + delayMs >= call.deadline) {
    shared.logger.warn('request failed without a response', failureFields);
    throw error;
  }
  shared.logger.warn('retrying after transport failure', {
    ...failureFields,
    waitReason: 'backoff' satisfies WaitReason,
    waitMs: delayMs,
  });
  return delayMs;
}

/**
 * After attempt `attempt` got `response`: the wait before the next attempt (and the response
 * discarded), or undefined when the response is the answer. A retryable status is retried after
 * the wait the server asked for, or else a backoff, while the retries and the time last.
 */
export function retryAfterResponse(
  response: Response,
  durationMs: number,
  call: Call,
  attempt: number,
  policy: ResolvedPolicy,
  shared: Shared,
): number | undefined {
  const { retry } = policy;
  const { logger, now } = shared;
  const responseFields = () => call.fields.response(attempt, response, durationMs);
  if (!isRetryableStatus(response.status, call.idempotent)) return undefined;
  if (!retry || !canRetry(call, attempt, policy)) {
    if (retry) logger.warn('giving up: retries exhausted', responseFields());
    return undefined;
  }

  let delayMs: number;
  let waitReason: WaitReason;
  const serverWait = serverRequestedWait(response, now());
  if (serverWait) {
    const budget = Math.min(retry.maxRetryAfterMs, call.deadline - now());
    if (serverWait.ms > budget || now() + serverWait.ms >= call.deadline) {
      logger.warn('server asked to wait longer than allowed; returning its response', {
        ...responseFields(),
        waitReason: 'retry-after' satisfies WaitReason,
        waitSource: serverWait.source,
        waitMs: serverWait.ms,
      });
      return undefined;
    }
    delayMs = serverWait.ms;
    waitReason = 'retry-after';
  } else {
    delayMs = backoffDelay(attempt - 1, retry, shared.random);
    waitReason = 'backoff';
    if (now() + delayMs >= call.deadline) {
      logger.warn('giving up: no time left for another attempt', responseFields());
      return undefined;
    }
  }
  discard(response);
  logger.warn('retrying after response', {
    ...responseFields(),
    waitReason,
    ...(serverWait ? { waitSource: serverWait.source } : {}),
    waitMs: delayMs,
  });
  return delayMs;
}
