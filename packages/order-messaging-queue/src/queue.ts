/**
 * The producer side: `enqueue` records the key in the ledger and adds one job per key to the
 * connection's queue; `outcome` and `reviewList` read the ledger.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { SendRequest } from '@org/order-messaging';
import { QueueError } from './errors.js';
import { SendLedger, type LedgerEntry, type LedgerState, type LedgerStatus } from './ledger.js';
import { DEFAULT_PREFIX, jobIdOf, openRedis, queueName, type RedisSettings } from './redis.js';

/** The data of one job in a connection's queue: no credentials, only what to send. */
export interface SendJobData {
  /** The caller's key: one job, and one ledger entry, per key. */
  readonly key: string;
  /** The facade connection to send through. */
  readonly connection: string;
  /** The message to send. */
  readonly request: SendRequest;
}

/** Options of {@link createSendQueue}. */
export interface SendQueueOptions {
  /** The Redis holding the queues and the ledger: a `redis://` URL or ioredis options. */
  readonly redis: RedisSettings;
  /** Key prefix in Redis (default `om`); producers and workers must agree on it. */
  readonly prefix?: string;
  /**
   * How many times a job may run after failures that prove nothing was stored (network before a
   * byte left, refusals marked retryable). Default 5, with exponential back-off from 1 s.
   */
  readonly attempts?: number;
}

/** What `enqueue` did with a key. */
export interface EnqueueResult {
  /** False when the key was already known: nothing was added. */
  readonly enqueued: boolean;
  /** The key's ledger state after the call. */
  readonly state: LedgerState;
}

/** The producer side of the queue: enqueue keyed sends, read their outcomes. */
export interface SendQueue {
  /**
   * Records `key` in the ledger and queues one job to send `request` through `connection`. A key
   * already known adds nothing (`enqueued: false`): enqueuing the same key again is safe.
   *
   * @throws {@link QueueError} (`configuration`) for an empty key; Redis errors as they come.
   */
  enqueue(key: string, job: { connection: string; request: SendRequest }): Promise<EnqueueResult>;
  /** The key's ledger entry: `sent` with the message id, `rejected` with the error, `unknown` with why. */
  outcome(key: string): Promise<LedgerEntry | undefined>;
  /** Keys whose outcome is `unknown`: never retried, waiting for a person to check the order. */
  reviewList(): Promise<LedgerEntry[]>;
  /** Counts per state and per connection, reading at most `limit` entries (default 1,000,000). */
  status(options?: { limit?: number }): Promise<LedgerStatus>;
  /** Closes the queues and the Redis connection. */
  close(): Promise<void>;
}

/**
 * A finished job whose key is `pending` again holds the job id, so adding the key anew would be a
 * no-op and the key would never be sent: a worker from before the takeover fix completed such
 * jobs. The ledger says the key still needs its post, so the finished job makes way.
 */
async function dropFinishedJob(queue: Queue<SendJobData>, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId);
  if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
}

/**
 * The producer of a durable send queue on BullMQ and Redis: one queue per connection, one job and
 * one ledger entry per caller key, so a key is posted at most once however often it is enqueued or
 * a job is run. Workers ({@link createSendWorker}) do the sending.
 *
 * @example
 * ```ts
 * const queue = createSendQueue({ redis: 'redis://127.0.0.1:6379' });
 * // The key is yours (order + purpose); enqueuing it again is a no-op.
 * const { enqueued, state } = await queue.enqueue('order-1042:shipped', {
 *   connection: 'spp-main',
 *   request: { orderId: '1042', text: 'Your order has shipped.' },
 * });
 * await queue.outcome('order-1042:shipped'); // { state: 'sent', messageId, ... } once a worker sent it
 * await queue.reviewList(); // keys whose outcome is unknown, for a person to check
 * ```
 */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const client = openRedis(options.redis);
  // Each call rejects with the connection's error; ioredis would also print every failed
  // reconnect as an "unhandled error event" on stderr.
  client.on('error', () => {});
  const ledger = new SendLedger(client, prefix);
  const queues = new Map<string, Queue<SendJobData>>();
  const jobOptions: JobsOptions = {
    attempts: options.attempts ?? 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 10_000 },
    removeOnFail: false,
  };
  const queueOf = (connection: string) => {
    let queue = queues.get(connection);
    if (!queue) {
      queue = new Queue<SendJobData>(queueName(connection), {
        connection: client,
        prefix,
        defaultJobOptions: jobOptions,
      });
      queues.set(connection, queue);
    }
    return queue;
  };

  return {
    async enqueue(key, { connection, request }) {
      if (typeof key !== 'string' || key.length === 0)
        throw new QueueError('configuration', 'enqueue: the key must be a non-empty string');
      const created = await ledger.create(key, connection);
      const entry = await ledger.get(key);
      if (!entry) throw new QueueError('ledger', `enqueue: the ledger lost key "${key}"`);
      // A producer that crashed between the ledger write and the add left a `pending` key without
      // a job: adding again with the same job id is a no-op in BullMQ when the job exists.
      if (entry.state === 'pending' && entry.connection === connection) {
        const queue = queueOf(connection);
        if (!created) await dropFinishedJob(queue, jobIdOf(key));
        await queue.add('send', { key, connection, request }, { jobId: jobIdOf(key) });
      }
      return { enqueued: created, state: entry.state };
    },
    outcome: (key) => ledger.get(key),
    reviewList: () => ledger.review(),
    status: (statusOptions) => ledger.status(statusOptions?.limit ?? 1_000_000),
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await client.quit();
    },
  };
}
