/** `status()`: the ledger counted per state and per connection with SCAN, on a test-started Redis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createSendQueue } from '../src/index.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();

describe.skipIf(!enabled)('SendQueue.status', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('counts entries per state and per connection, and the review list', async () => {
    const queue = createSendQueue({ redis: redis.url });
    try {
      const request = { orderId: 'o-1', text: 'hello' };
      await queue.enqueue('a', { connection: 'spp', request });
      await queue.enqueue('b', { connection: 'spp', request });
      await queue.enqueue('c', { connection: 'mirakl', request });
      // No worker runs here: outcomes are written as a worker would leave them.
      const client = new Redis(redis.url);
      await client.hset('om:ledger:b', { state: 'sent' });
      await client.hset('om:ledger:c', { state: 'unknown' });
      await client.zadd('om:review', Date.now(), 'c');
      await client.quit();

      expect(await queue.status()).toEqual({
        total: 3,
        byState: { pending: 1, sending: 0, sent: 1, rejected: 0, unknown: 1 },
        byConnection: {
          spp: { pending: 1, sending: 0, sent: 1, rejected: 0, unknown: 0 },
          mirakl: { pending: 0, sending: 0, sent: 0, rejected: 0, unknown: 1 },
        },
        review: 1,
        truncated: false,
      });
      const bounded = await queue.status({ limit: 2 });
      expect(bounded.total).toBe(2);
      expect(bounded.truncated).toBe(true);
    } finally {
      await queue.close();
    }
  });
});
