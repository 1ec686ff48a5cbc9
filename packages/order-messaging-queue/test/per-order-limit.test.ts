/**
 * One order past its own limit (a keyed rule, e.g. GameBoost's per-order hourly one) delays that
 * order's job alone: the other orders of the account keep sending. A refusal by an account-wide
 * rule still pauses the connection's whole queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { LocalRateLimitError } from '@org/http-runtime';
import { RateLimitedError, type SendRequest, type SendResult } from '@org/order-messaging';
import {
  createSendQueue,
  createSendWorker,
  type QueueMessaging,
  type SendQueue,
  type SendWorker,
} from '../src/index.js';
import { jobIdOf, queueName } from '../src/redis.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();
const HOUR = 3_600_000;
const LIMITS = {
  acct: {
    account: { limit: 100, windowMs: 1000 },
    perOrderHourly: {
      limit: 10,
      windowMs: HOUR,
      key: (request: Request) => new URL(request.url).pathname,
    },
  },
};

/** What the facade throws when its own limiter refuses a send: the rule that was full, named. */
function refusedBy(rule: string, retryAfterMs: number) {
  const local = new LocalRateLimitError(rule, 'rule', retryAfterMs, 30_000);
  return new RateLimitedError(`acct: send failed: ${local.message}`, {
    delivery: 'not_sent',
    retryable: true,
    retryAfterMs,
    // As the runtime names a keyed rule's window: with the key it counted.
    rule: `${rule}[/v2/account-orders/1/messages]`,
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe.skipIf(!enabled)('a per-order rate limit in the worker', () => {
  let redis: TestRedis;
  let queue: SendQueue;
  let worker: SendWorker | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    queue = createSendQueue({ redis: redis.url });
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await redis?.stop();
  });

  function messagingRefusing(orderId: string, rule: string): QueueMessaging {
    let refused = false;
    return {
      connections: [{ name: 'acct' }],
      async send(_connection, request: SendRequest) {
        if (request.orderId === orderId && !refused) {
          refused = true;
          throw refusedBy(rule, HOUR - 1000);
        }
        return { message: { id: `m-${request.orderId}` }, reconciled: false } as SendResult;
      },
      findSent: async () => undefined,
    };
  }

  it("delays only the refused order's job; the next order is sent at once", async () => {
    await redis.flush();
    await queue.enqueue('order-A', { connection: 'acct', request: { orderId: 'A', text: 'a' } });
    await queue.enqueue('order-B', { connection: 'acct', request: { orderId: 'B', text: 'b' } });
    worker = createSendWorker({
      redis: redis.url,
      messaging: messagingRefusing('A', 'perOrderHourly'),
      limits: LIMITS,
    });
    const bSent = await until(async () => (await queue.outcome('order-B'))?.state === 'sent', 5000);
    expect(bSent).toBe(true);
    // A waits in BullMQ's delayed set for its order's window, still `pending` in the ledger.
    expect((await queue.outcome('order-A'))?.state).toBe('pending');
    const bull = new Queue(queueName('acct'), { connection: { url: redis.url }, prefix: 'om' });
    try {
      const job = await bull.getJob(jobIdOf('order-A'));
      expect(await job?.getState()).toBe('delayed');
      expect(job?.delay).toBeGreaterThan(HOUR - 60_000);
      expect(job?.attemptsMade ?? 0).toBe(0);
    } finally {
      await bull.close();
    }
    await worker.close();
    worker = undefined;
  }, 20_000);

  it('an account-wide rule still pauses the whole queue', async () => {
    await redis.flush();
    await queue.enqueue('order-A', { connection: 'acct', request: { orderId: 'A', text: 'a' } });
    await queue.enqueue('order-B', { connection: 'acct', request: { orderId: 'B', text: 'b' } });
    worker = createSendWorker({
      redis: redis.url,
      messaging: messagingRefusing('A', 'account'),
      limits: LIMITS,
    });
    const bSent = await until(async () => (await queue.outcome('order-B'))?.state === 'sent', 2000);
    expect(bSent).toBe(false);
    expect((await queue.outcome('order-A'))?.state).toBe('pending');
    await worker.close();
    worker = undefined;
  }, 20_000);
});
