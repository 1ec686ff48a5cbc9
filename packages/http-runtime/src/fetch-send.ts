/**
 * One call of a resilient fetch, from the first attempt to the answer: wait for the rate limiter,
 * attempt, decide, wait, again.
 */
import { attemptOnce, type AttemptOutcome } from './fetch-attempt.js';
import { openCall, type Shared } from './fetch-call.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import { retryAfterFailure, retryAfterResponse } from './fetch-retry.js';
import { takeSlot, waitBeforeRetry } from './fetch-wait.js';
import { silentLogger } from './logger.js';
import type { RateLimitSlot } from './rate-limit.js';

const attemptsByResponse = new WeakMap<Response, number>();

/** How many attempts produced this response (1 = no retry); undefined if it did not come from a resilient fetch. */
export function attemptsOf(response: Response): number | undefined {
  return attemptsByResponse.get(response);
}

export async function send(
  input: Request | string | URL,
  init: RequestInit | undefined,
  policy: ResolvedPolicy,
  shared: Shared,
): Promise<Response> {
  const call = openCall(input, init, policy, shared);
  const { callerSignal, request } = call;
  const { logger, rateLimiter } = shared;
  let attempt = 0;
  try {
    for (;;) {
      attempt += 1;
      if (callerSignal.aborted) throw callerSignal.reason;
      const slot: RateLimitSlot | undefined = rateLimiter
        ? await takeSlot(rateLimiter, call, attempt, policy, shared)
        : undefined;
      let outcome: AttemptOutcome;
      try {
        outcome = await attemptOnce(call, attempt, policy, shared);
      } finally {
        // The server counted this attempt by the time it answered or the attempt failed.
        slot?.release();
      }
      if (outcome.kind === 'failure') {
        await waitBeforeRetry(
          call,
          retryAfterFailure(outcome, call, attempt, policy, shared),
          shared,
        );
        continue;
      }
      const { response, durationMs } = outcome;
      rateLimiter?.observe(response, request);
      if (logger !== silentLogger) {
        logger.debug('response received', call.fields.response(attempt, response, durationMs));
      }
      const delayMs = retryAfterResponse(response, durationMs, call, attempt, policy, shared);
      if (delayMs === undefined) {
        attemptsByResponse.set(response, attempt);
        return response;
      }
      await waitBeforeRetry(call, delayMs, shared);
    }
  } catch (error) {
    if (callerSignal.aborted && error === callerSignal.reason) {
      logger.debug('aborted by the caller', call.fields.attempt(attempt));
    }
    throw error;
  } finally {
    call.unlink();
  }
}
