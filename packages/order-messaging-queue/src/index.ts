export {
  createAccountRateLimiter,
  type AccountRateLimiter,
  type AccountRateLimiterOptions,
} from './account-limiter.js';
export { QueueError } from './errors.js';
export type { LedgerEntry, LedgerState, LedgerStatus } from './ledger.js';
export { limiterFor, pacedLimiter, type LimitSource, type QueueLimiter } from './limits.js';
export type { QueueMessaging } from './messaging.js';
export {
  createSendQueue,
  type EnqueueResult,
  type SendJobData,
  type SendQueue,
  type SendQueueOptions,
} from './queue.js';
export { DEFAULT_PREFIX, type RedisSettings } from './redis.js';
export { closeOnSignals } from './shutdown.js';
export {
  createSendWorker,
  type SendJobResult,
  type SendWorker,
  type SendWorkerOptions,
} from './worker.js';
