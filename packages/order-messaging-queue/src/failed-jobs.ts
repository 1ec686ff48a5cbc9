/**
 * A job BullMQ gives up on (attempts used up after a retryable failure, or stalled more often than
 * `maxStalledCount`, e.g. its worker was killed each time) must still end in a final ledger
 * state: otherwise the key stays `pending` or `sending` forever and nobody reviews it.
 */
import type { Job } from 'bullmq';
import type { SendLedger } from './ledger.js';
import type { SendJobData } from './queue.js';

/**
 * Whether BullMQ will not run the job again: an `UnrecoverableError` (how BullMQ fails a job that
 * stalled too often) or the last attempt (`attemptsMade` already counts the one that failed).
 */
export function failedForGood(job: Job<SendJobData>, error: Error): boolean {
  return error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * `sending`: a post may have left, so `unknown` (the review list); `pending`: no post began, or
 * the last one was refused with proof, so nothing is stored: `rejected`. Finished keys stay.
 */
export async function settleFailedJob(
  job: Job<SendJobData>,
  error: Error,
  ledger: SendLedger,
): Promise<void> {
  if (!failedForGood(job, error)) return;
  const { key } = job.data;
  const why = `the queue gave up on the job after ${job.attemptsMade} attempt(s): ${error.message}`;
  await ledger.transition(key, ['sending'], 'unknown', {
    reason: `${why}; a post may have left before`,
  });
  await ledger.transition(key, ['pending'], 'rejected', {
    error: { kind: 'queue', delivery: 'not_sent', message: why },
  });
}
