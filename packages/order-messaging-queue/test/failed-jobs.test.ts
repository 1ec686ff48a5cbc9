/**
 * A job BullMQ gives up on still ends in a final ledger state: a key left `sending` (a post may
 * have left) whose re-runs cannot list the order becomes `unknown`, on the review list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { NetworkError, type SendRequest } from '@org/order-messaging';
import { createSendQueue, createSendWorker, type QueueMessaging } from '../src/index.js';
import { settled } from './support/harness.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();

/** A vendor that cannot be listed (findSent) and must never be posted to here. */
function unreachableVendor(posts: SendRequest[]): QueueMessaging {
  return {
    connections: [{ name: 'acct' }],
    async send(_connection, request) {
      posts.push(request);
      throw new NetworkError('connection refused', { retryable: true, delivery: 'not_sent' });
    },
    async findSent() {
      throw new NetworkError('connection refused', { retryable: true, delivery: 'rejected' });
    },
  };
}

describe.skipIf(!enabled)('jobs the queue gives up on', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a re-run that cannot list ends `unknown` on the review list, never posted again', async () => {
    const queue = createSendQueue({ redis: redis.url, attempts: 2 });
    const posts: SendRequest[] = [];
    const request = { orderId: 'o-1', text: 'hello' };
    await queue.enqueue('interrupted', { connection: 'acct', request });
    await queue.enqueue('never-posted', { connection: 'acct', request });
    // The first key's last worker died mid-post: a re-run may only list, and listing fails.
    const client = new Redis(redis.url);
    await client.hset('om:ledger:interrupted', {
      state: 'sending',
      attemptStartedAt: new Date().toISOString(),
    });
    await client.quit();
    const worker = createSendWorker({
      redis: redis.url,
      messaging: unreachableVendor(posts),
    });
    try {
      const [interrupted, neverPosted] = await settled(
        queue,
        ['interrupted', 'never-posted'],
        20_000,
      );
      expect(interrupted).toMatchObject({ state: 'unknown' });
      expect(interrupted!.reason).toMatch(/gave up on the job after 2 attempt\(s\).*may have left/);
      expect(neverPosted).toMatchObject({
        state: 'rejected',
        error: { kind: 'network', delivery: 'not_sent' },
      });
      expect((await queue.reviewList()).map((e) => e.key)).toEqual(['interrupted']);
      // Only the key that never began a post was tried, once per attempt.
      expect(posts).toHaveLength(2);
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 30_000);
});
