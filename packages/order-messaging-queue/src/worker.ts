/**
 * Workers: one BullMQ worker per connection, each running its jobs through the facade. The facade
 * validates, retries, reconciles and types errors; the worker keeps the ledger so that a job run
 * twice (BullMQ is at-least-once) posts at most once.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import { isOrderMessagingError, RateLimitedError } from '@org/order-messaging';
import { QueueError } from './errors.js';
import { settleFailedJob } from './failed-jobs.js';
import { SendLedger, type LedgerEntry, type LedgerState } from './ledger.js';
import {
  keyedRuleNames,
  limiterFor,
  pacedLimiter,
  refusedByKeyedRule,
  type LimitSource,
  type QueueLimiter,
} from './limits.js';
import type { SendJobData } from './queue.js';
import { DEFAULT_PREFIX, openRedis, queueName, type RedisSettings } from './redis.js';
import type { QueueMessaging } from './messaging.js';

/** Options of {@link createSendWorker}. */
export interface SendWorkerOptions {
  /** The Redis of the queues and the ledger, as the producer's. */
  readonly redis: RedisSettings;
  /** The facade, or a factory called once: workers build connections from their own config. */
  readonly messaging: QueueMessaging | (() => QueueMessaging);
  /** Jobs in flight per connection in this process (default 1). */
  readonly concurrency?: number;
  /** Connections to serve (default: every connection of the facade). */
  readonly connections?: readonly string[];
  /**
   * Per connection: the adapter's declared rules (`adapter.rateLimits`, the tightest account-wide
   * rule applies) or an explicit `{ max, duration }`. Shared through Redis by every worker of the
   * connection. A send refused by one of the keyed rules given here (a per-order limit) delays
   * only its own job, not the connection's queue.
   */
  readonly limits?: Readonly<Record<string, LimitSource>>;
  /** Key prefix in Redis (default `om`); producers and workers must agree on it. */
  readonly prefix?: string;
  /** Back-off after a 429 without `Retry-After` (default 1000 ms). */
  readonly defaultRetryAfterMs?: number;
  /**
   * How long a job's lock lasts without renewal (BullMQ's `lockDuration`, default 30 s): after a
   * worker dies, its jobs wait this long before another worker takes them. Running workers renew
   * their locks, so a long send does not lose its lock.
   */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for (BullMQ's `stalledInterval`, default 30 s). */
  readonly stalledIntervalMs?: number;
  /**
   * How many times a job may stall (its worker died holding it) before BullMQ gives up on it
   * (default 3). A re-run never posts twice (the ledger), so this only bounds a job that kills
   * its worker each time; a job given up on ends `unknown` (a post may have left) or `rejected`.
   */
  readonly maxStalledCount?: number;
}

/** What a finished job returns to BullMQ: the key's ledger state, and the message id when sent. */
export interface SendJobResult {
  /** The key's ledger state after the job. */
  readonly state: LedgerState;
  /** The vendor's id of the stored message (`sent`). */
  readonly messageId?: string;
}

/** The running workers of {@link createSendWorker}. */
export interface SendWorker {
  /** Stops taking jobs and waits for the sends in flight to finish and be written to the ledger. */
  close(): Promise<void>;
}

// BullMQ honours a manual back-off (`worker.rateLimit`) only on a queue with a limiter.
const NO_DECLARED_LIMIT: QueueLimiter = { max: 1_000_000, duration: 1000 };

/**
 * Starts one BullMQ worker per connection, each sending its jobs through the facade and keeping the
 * ledger: a job run twice (BullMQ is at-least-once) posts at most once, and a job whose worker died
 * mid-send is checked with `findSent` before it is called `sent` or `unknown`. Jobs start at the
 * connection's pace (`limits`, shared through Redis by every worker); a `RateLimitedError` puts the
 * job back and pauses that connection's queue for `retryAfterMs`, or, when a keyed rule of
 * `limits` refused it (one order past its own limit), delays that job alone.
 *
 * @throws {@link QueueError} (`configuration`) when there is no connection to serve.
 *
 * @example
 * ```ts
 * const redis = 'redis://127.0.0.1:6379';
 * const adapter = spp({ baseUrl: process.env.SPP_BASE_URL!, token: process.env.SPP_TOKEN! });
 * const accountRules = { account: { limit: 50, windowMs: 1000 } }; // or adapter.rateLimits
 * const worker = createSendWorker({
 *   redis,
 *   // Built here from the worker's own configuration: credentials never reach Redis.
 *   messaging: () =>
 *     createOrderMessaging({
 *       connections: {
 *         'spp-main': {
 *           adapter,
 *           rateLimiter: createAccountRateLimiter({ redis, account: 'spp-main', rules: accountRules }),
 *         },
 *       },
 *     }),
 *   concurrency: 4,
 *   limits: { 'spp-main': accountRules },
 * });
 * closeOnSignals(worker); // SIGTERM/SIGINT: finish the sends in flight, then exit
 * ```
 */
export function createSendWorker(options: SendWorkerOptions): SendWorker {
  const messaging =
    typeof options.messaging === 'function' ? options.messaging() : options.messaging;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const client = openRedis(options.redis);
  const ledger = new SendLedger(client, prefix);
  const names = options.connections ?? messaging.connections.map((c) => c.name);
  if (names.length === 0) throw new QueueError('configuration', 'createSendWorker: no connections');
  const connectionsOpened = names.map(() => openRedis(options.redis));
  const workers = names.map((connection, index) => {
    const keyedRules = keyedRuleNames(options.limits?.[connection]);
    const worker: Worker<SendJobData, SendJobResult> = new Worker(
      queueName(connection),
      (job, token) =>
        processSend(job, {
          messaging,
          ledger,
          rateLimit: (ms) => worker.rateLimit(ms),
          keyedRules,
          delayJob: (ms) => job.moveToDelayed(Date.now() + ms, token),
          defaultRetryAfterMs: options.defaultRetryAfterMs ?? 1000,
        }),
      {
        connection: connectionsOpened[index]!,
        prefix,
        concurrency: options.concurrency ?? 1,
        limiter: pacedLimiter(limiterFor(options.limits?.[connection]) ?? NO_DECLARED_LIMIT),
        ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
        ...(options.stalledIntervalMs !== undefined
          ? { stalledInterval: options.stalledIntervalMs }
          : {}),
        maxStalledCount: options.maxStalledCount ?? 3,
      },
    );
    // Failures are in the ledger and the job; an unhandled 'error' event would crash the process.
    worker.on('error', () => {});
    worker.on('failed', (job, error) => {
      if (job) settleFailedJob(job, error, ledger).catch(() => {});
    });
    return worker;
  });
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([client, ...connectionsOpened].map((c) => c.quit()));
    },
  };
}

/** What a job run needs besides the job; exported with `processSend` for the tests. */
export interface Context {
  readonly messaging: QueueMessaging;
  readonly ledger: SendLedger;
  /** Pauses the connection's whole queue: the account is throttled. */
  readonly rateLimit: (ms: number) => Promise<void>;
  /** The connection's keyed rules (per order): a refusal by one delays its job alone. */
  readonly keyedRules?: ReadonlySet<string>;
  /** Moves this job to BullMQ's delayed set for `ms`; without it every refusal pauses the queue. */
  readonly delayJob?: (ms: number) => Promise<void>;
  readonly defaultRetryAfterMs: number;
}

// Each round follows a write another holder of the job made first, and needs that holder to claim
// and release the post in between; past this, the job goes back to BullMQ and runs again later.
const MAX_ROUNDS = 3;

/**
 * Runs one job. What it does depends only on the key's ledger entry, never on which worker holds
 * the job: BullMQ may hand a job whose worker lost its lock to another one while the first still
 * runs, and both then write the same entry. The ledger's compare-and-set steps decide between them.
 */
export function processSend(job: Job<SendJobData>, ctx: Context): Promise<SendJobResult> {
  return run(job, ctx, 0);
}

async function run(job: Job<SendJobData>, ctx: Context, round: number): Promise<SendJobResult> {
  const { key } = job.data;
  const entry = await ctx.ledger.get(key);
  if (!entry) throw new QueueError('ledger', `job for "${key}" has no ledger entry`);
  switch (entry.state) {
    case 'pending':
      return attempt(job, ctx, round);
    case 'sending':
      if (round === 0) return recover(job, ctx, entry, round);
      // Another holder claimed the post after this run began: it is alive, and its answer will say
      // more than a listing made while its post is in flight. Run again later, and read it then.
      throw new QueueError(
        'ledger',
        `another worker is posting "${key}"; the job runs again later`,
      );
    default:
      // A finished key run again (a stalled job BullMQ re-delivered): the ledger already knows.
      return finished(entry);
  }
}

function finished(entry: LedgerEntry): SendJobResult {
  return { state: entry.state, ...(entry.messageId ? { messageId: entry.messageId } : {}) };
}

/**
 * A ledger write of this run found the entry changed by another holder of the job. The job must end
 * on what the ledger holds: completing it with a state the ledger does not hold once left a key
 * `pending` (the other holder's post was refused) with no job left to post it, and off the review
 * list. So the run reads the entry again and acts on it as a fresh run would.
 */
function afterLostWrite(job: Job<SendJobData>, ctx: Context, round: number) {
  if (round + 1 >= MAX_ROUNDS) {
    throw new QueueError(
      'ledger',
      `the ledger entry of "${job.data.key}" keeps changing; the job runs again later`,
    );
  }
  return run(job, ctx, round + 1);
}

async function attempt(job: Job<SendJobData>, ctx: Context, round: number): Promise<SendJobResult> {
  const { key, connection, request } = job.data;
  const attemptStartedAt = new Date().toISOString();
  if (!(await ctx.ledger.transition(key, ['pending'], 'sending', { attemptStartedAt }))) {
    // Another holder claimed the post: it may be posting still, or its post may be refused again.
    return afterLostWrite(job, ctx, round);
  }
  let result;
  try {
    result = await ctx.messaging.send(connection, request);
  } catch (error) {
    return settleFailure(job, ctx, error, round);
  }
  const messageId = result.message.id;
  // `unknown` too: a re-run that found nothing yet may have flagged the key while this post was in flight.
  const written = await ctx.ledger.transition(key, ['sending', 'unknown'], 'sent', {
    messageId,
    reconciled: result.reconciled,
  });
  // Not written: a listing found this post first, and the ledger has its id.
  return written ? { state: 'sent', messageId } : afterLostWrite(job, ctx, round);
}

/**
 * The post failed. A holder that lost its lock still writes what the answer proves: the ledger, not
 * BullMQ's lock, says who may post, and a proven refusal moved back to `pending` lets the holder
 * that took the job over post it instead of sending it to review. Every write here is from
 * `sending`, the claim this run made: a holder's claim is released only by its own answer, so the
 * entry can only have moved on to what a takeover's listing or a job given up on wrote (`sent`,
 * `unknown`), which the run then reports.
 */
async function settleFailure(
  job: Job<SendJobData>,
  ctx: Context,
  error: unknown,
  round: number,
): Promise<SendJobResult> {
  const { key } = job.data;
  if (!isOrderMessagingError(error) || error.delivery === 'unknown') {
    const written = await ctx.ledger.transition(key, ['sending'], 'unknown', {
      reason: 'the send failed and the facade could not tell whether the vendor stored the message',
      ...(isOrderMessagingError(error)
        ? { error: error.toJSON() }
        : { error: { kind: 'internal' } }),
    });
    return written ? { state: 'unknown' } : afterLostWrite(job, ctx, round);
  }
  // From here the answer proves the vendor stored nothing (`not_sent` or `rejected`).
  if (error instanceof RateLimitedError) {
    const released = await ctx.ledger.transition(key, ['sending'], 'pending');
    const waitMs = error.retryAfterMs ?? ctx.defaultRetryAfterMs;
    // One order past its own limit (a keyed rule): the account has room for the other orders, so
    // only this job waits, and only when it is still this job's to post (the key is `pending`).
    if (ctx.delayJob && ctx.keyedRules && refusedByKeyedRule(error, ctx.keyedRules)) {
      if (!released) return afterLostWrite(job, ctx, round);
      // The key stays `pending` with its job delayed, not finished: the job runs it again later.
      await ctx.delayJob(waitMs);
      throw new DelayedError();
    }
    // Only this connection's queue waits; other accounts have their own queues and limiters. The
    // account is throttled whatever the ledger says, so the queue waits in every case.
    await ctx.rateLimit(waitMs);
    if (!released) return afterLostWrite(job, ctx, round);
    throw Worker.RateLimitError();
  }
  const attemptsLeft = (job.opts.attempts ?? 1) - job.attemptsMade - 1;
  if (error.retryable && attemptsLeft > 0) {
    if (!(await ctx.ledger.transition(key, ['sending'], 'pending'))) {
      return afterLostWrite(job, ctx, round);
    }
    throw error;
  }
  const written = await ctx.ledger.transition(key, ['sending'], 'rejected', {
    error: error.toJSON(),
  });
  return written ? { state: 'rejected' } : afterLostWrite(job, ctx, round);
}

/**
 * The ledger says `sending`: a worker began a post and never wrote how it ended (it crashed, or
 * lost its lock and may still be running). The listing decides; absence is no proof, since the
 * post may have been stored after the listing or be stored still, so it goes to review. If the
 * entry moved while the order was listed, the other worker's answer came meanwhile and decides.
 */
async function recover(
  job: Job<SendJobData>,
  ctx: Context,
  entry: LedgerEntry,
  round: number,
): Promise<SendJobResult> {
  const { key, connection, request } = job.data;
  const since = new Date(entry.attemptStartedAt ?? entry.updatedAt);
  // Every write here is about the interrupted claim: once its post was refused, a third holder
  // may claim the key again, and this run's verdict on the old post must not land on the new one.
  const claim = entry.attemptStartedAt;
  let found;
  try {
    found = await ctx.messaging.findSent(connection, request, { since });
  } catch (error) {
    if (isOrderMessagingError(error) && error.retryable) throw error;
    const written = await ctx.ledger.transition(
      key,
      ['sending'],
      'unknown',
      {
        reason: 'interrupted mid-send, and the order could not be listed to check',
        ...(isOrderMessagingError(error) ? { error: error.toJSON() } : {}),
      },
      claim,
    );
    return written ? { state: 'unknown' } : afterLostWrite(job, ctx, round);
  }
  if (found) {
    const written = await ctx.ledger.transition(
      key,
      ['sending', 'unknown'],
      'sent',
      { messageId: found.id, reconciled: true },
      claim,
    );
    // Not written: the post's own answer came first (`sent`), or proved it was refused (`pending`,
    // `rejected`), and the message listed is another with the same text.
    return written ? { state: 'sent', messageId: found.id } : afterLostWrite(job, ctx, round);
  }
  const written = await ctx.ledger.transition(
    key,
    ['sending'],
    'unknown',
    { reason: 'interrupted mid-send (crash or lost lock) and absent from the listing' },
    claim,
  );
  // Not written: the interrupted post answered while the order was listed. Refused with proof, the
  // entry is `pending` again and this run posts; stored, it is `sent`.
  return written ? { state: 'unknown' } : afterLostWrite(job, ctx, round);
}
