/**
 * Two holders of one job. BullMQ hands a job whose worker lost its lock (a frozen event loop, a
 * long pause) to another worker while the first still runs, so both write the same ledger entry.
 * A job must complete only on a final state the ledger holds: completing it with another once left
 * a key `pending` with no job to post it and off the review list, a message silently never sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  NetworkError,
  RateLimitedError,
  type OrderMessage,
  type SendRequest,
  type SendResult,
} from '@org/order-messaging';
import { createSendQueue, createSendWorker, type QueueMessaging } from '../src/index.js';
import { SendLedger, type LedgerState } from '../src/ledger.js';
import { jobIdOf, queueName } from '../src/redis.js';
import type { SendJobData } from '../src/queue.js';
import { processSend, type Context } from '../src/worker.js';
import { settled } from './support/harness.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();
const KEY = 'order-1:shipped';
const REQUEST: SendRequest = { orderId: 'o-1', text: 'Your order has shipped.' };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const stored = (id: string) => ({ message: { id }, reconciled: false, attempts: 1 }) as SendResult;
const refused429 = () =>
  new RateLimitedError('HTTP 429', { delivery: 'rejected', retryable: true, retryAfterMs: 10 });

/** A vendor whose post answers and listings are held until the test lets them through. */
function heldVendor(postAnswer: Promise<SendResult>) {
  const posted = deferred<void>();
  const listing = deferred<void>();
  const listAnswer = deferred<OrderMessage | undefined>();
  const posts: SendRequest[] = [];
  const messaging: QueueMessaging = {
    connections: [{ name: 'acct' }],
    async send(_connection, request) {
      posts.push(request);
      posted.resolve();
      return postAnswer;
    },
    async findSent() {
      listing.resolve();
      return listAnswer.promise;
    },
  };
  return { messaging, posts, posted: posted.promise, listing: listing.promise, listAnswer };
}

type Races = Readonly<Record<number, { before?: LedgerState; after?: LedgerState }>>;

/**
 * One run of a job, with another holder's write landing right before (or right after) one of this
 * run's ledger writes, numbered in the order the run makes them.
 */
interface Interleaving {
  readonly name: string;
  readonly start: 'pending' | 'sending';
  readonly post?: () => Promise<SendResult>;
  readonly races: Races;
  /** The run's result (which is the ledger's state then), or `throws` to run again later. */
  readonly expected: { state: LedgerState; messageId?: string } | 'throws';
  readonly posts: number;
}

describe.skipIf(!enabled)('a job held by two workers at once', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });
  beforeEach(async () => {
    await redis.flush();
  });

  it("the stalled worker's post is refused (429) while the takeover lists the order: the takeover posts it", async () => {
    const queue = createSendQueue({ redis: redis.url });
    const jobs = new Queue<SendJobData>(queueName('acct'), { connection: client, prefix: 'om' });
    const answerA = deferred<SendResult>();
    const a = heldVendor(answerA.promise);
    const b = heldVendor(Promise.resolve(stored('m-b')));
    const fast = { redis: redis.url, stalledIntervalMs: 100 };
    const workers = [createSendWorker({ ...fast, messaging: a.messaging })];
    try {
      await queue.enqueue(KEY, { connection: 'acct', request: REQUEST });
      await a.posted; // A claimed the post (`sending`); its answer is held.
      // A freezes past its lock: the lock is gone as if A had not renewed it in time.
      await client.del(`om:${queueName('acct')}:${jobIdOf(KEY)}:lock`);
      workers.push(createSendWorker({ ...fast, messaging: b.messaging }));
      await b.listing; // B took the stalled job over, found `sending`, and lists the order.
      answerA.reject(refused429()); // A wakes up: its post was refused, nothing stored.
      await until(async () => (await queue.outcome(KEY))?.state === 'pending');
      b.listAnswer.resolve(undefined); // B's listing: absent.
      const [outcome] = await settled(queue, [KEY], 5000);
      expect(outcome).toMatchObject({ state: 'sent', messageId: 'm-b' });
      expect(a.posts).toHaveLength(1);
      expect(b.posts).toHaveLength(1);
      expect(await queue.reviewList()).toEqual([]);
      const job = await jobs.getJob(jobIdOf(KEY));
      await until(async () => (await job!.getState()) === 'completed');
      expect((await jobs.getJob(jobIdOf(KEY)))!.returnvalue).toEqual({
        state: 'sent',
        messageId: 'm-b',
      });
    } finally {
      answerA.resolve(stored('never'));
      b.listAnswer.resolve(undefined);
      await Promise.all(workers.map((w) => w.close()));
      await jobs.close();
      await queue.close();
    }
  }, 20_000);

  it('a key left pending behind a completed job (as workers before this fix left it) is sent when enqueued again', async () => {
    const queue = createSendQueue({ redis: redis.url });
    const jobs = new Queue<SendJobData>(queueName('acct'), { connection: client, prefix: 'om' });
    // A worker of the old kind: it completes the job and leaves the ledger `pending`.
    const old = new Worker(queueName('acct'), async () => ({ state: 'unknown' }), {
      connection: client.duplicate({ maxRetriesPerRequest: null }),
      prefix: 'om',
    });
    const vendor = heldVendor(Promise.resolve(stored('m-late')));
    let worker: ReturnType<typeof createSendWorker> | undefined;
    try {
      await queue.enqueue(KEY, { connection: 'acct', request: REQUEST });
      await until(async () => (await jobs.getJob(jobIdOf(KEY)))?.finishedOn !== undefined);
      await old.close();
      expect((await queue.outcome(KEY))?.state).toBe('pending');
      expect(await queue.enqueue(KEY, { connection: 'acct', request: REQUEST })).toEqual({
        enqueued: false,
        state: 'pending',
      });
      worker = createSendWorker({ redis: redis.url, messaging: vendor.messaging });
      const [outcome] = await settled(queue, [KEY], 5000);
      expect(outcome).toMatchObject({ state: 'sent', messageId: 'm-late' });
      expect(vendor.posts).toHaveLength(1);
    } finally {
      await old.close();
      await worker?.close();
      await jobs.close();
      await queue.close();
    }
  }, 20_000);

  const interleavings: Interleaving[] = [
    {
      name: "the listing finds nothing; the stalled post's 429 came meanwhile: post again",
      start: 'sending',
      races: { 0: { before: 'pending' } },
      expected: { state: 'sent', messageId: 'm-2' },
      posts: 1,
    },
    {
      name: 'the listing finds nothing; the stalled post was stored meanwhile: sent',
      start: 'sending',
      races: { 0: { before: 'sent' } },
      expected: { state: 'sent', messageId: 'm-1' },
      posts: 0,
    },
    {
      name: "the listing finds nothing; a third holder claimed the key after the stalled post's 429: its post is not flagged, run again later",
      start: 'sending',
      races: { 0: { before: 'sending' } },
      expected: 'throws',
      posts: 0,
    },
    {
      name: 'the claim is lost to a holder still posting: run again later, no post',
      start: 'pending',
      races: { 0: { before: 'sending' } },
      expected: 'throws',
      posts: 0,
    },
    {
      name: "the claim is lost, then the other holder's post is refused: post",
      start: 'pending',
      races: { 0: { before: 'sending', after: 'pending' } },
      expected: { state: 'sent', messageId: 'm-2' },
      posts: 1,
    },
    {
      name: 'the post is ambiguous; a takeover found it meanwhile: sent',
      start: 'pending',
      post: () => Promise.reject(new NetworkError('reset', { delivery: 'unknown' })),
      races: { 1: { before: 'sent' } },
      expected: { state: 'sent', messageId: 'm-1' },
      posts: 1,
    },
    {
      name: "the post is refused (429); a takeover's listing flagged it meanwhile: on review",
      start: 'pending',
      post: () => Promise.reject(refused429()),
      races: { 1: { before: 'unknown' } },
      expected: { state: 'unknown' },
      posts: 1,
    },
  ];

  for (const c of interleavings)
    it(c.name, async () => {
      const posts: SendRequest[] = [];
      const setup = new SendLedger(client, 'om');
      await setup.create(KEY, 'acct');
      if (c.start === 'sending') {
        const attemptStartedAt = new Date().toISOString();
        await setup.transition(KEY, ['pending'], 'sending', { attemptStartedAt });
      }
      const ledger = new RacingLedger(client, c.races);
      const ctx: Context = {
        ledger,
        rateLimit: async () => {},
        defaultRetryAfterMs: 10,
        messaging: {
          connections: [{ name: 'acct' }],
          async send(_connection, request) {
            posts.push(request);
            return c.post ? c.post() : stored('m-2');
          },
          findSent: async () => undefined, // the listing: absent
        },
      };
      const job = {
        data: { key: KEY, connection: 'acct', request: REQUEST },
        opts: { attempts: 5 },
        attemptsMade: 0,
      };
      const ran = processSend(job as unknown as Job<SendJobData>, ctx);
      const entry = async () => (await ledger.get(KEY))!;
      if (c.expected === 'throws') {
        await expect(ran).rejects.toThrow(/runs again later/);
      } else {
        const result = await ran;
        expect(result).toEqual(c.expected);
        expect((await entry()).state).toBe(result.state);
      }
      expect(posts).toHaveLength(c.posts);
      expect((await ledger.review()).map((e) => e.key)).toEqual(
        (await entry()).state === 'unknown' ? [KEY] : [],
      );
    });
});

const ANY: readonly LedgerState[] = ['pending', 'sending', 'sent', 'rejected', 'unknown'];

/** Lands another holder's write next to this run's n-th ledger write. */
class RacingLedger extends SendLedger {
  private calls = 0;
  constructor(
    redis: Redis,
    private readonly races: Races,
  ) {
    super(redis, 'om');
  }
  private other(state: LedgerState | undefined) {
    if (!state) return;
    // A claim is a post of its own: it carries its start, as `attempt` writes it.
    const fields =
      state === 'sent'
        ? { messageId: 'm-1', reconciled: true }
        : state === 'sending'
          ? { attemptStartedAt: new Date(Date.now() + 1000).toISOString() }
          : {};
    return super.transition(KEY, ANY, state, fields);
  }
  override async transition(...args: Parameters<SendLedger['transition']>) {
    const race = this.races[this.calls++];
    await this.other(race?.before);
    const done = await super.transition(...args);
    await this.other(race?.after);
    return done;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
