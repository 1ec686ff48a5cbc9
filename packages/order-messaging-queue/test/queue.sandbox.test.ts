/**
 * The queue against real Redis (started by the test) and real HTTP to the sandbox: at-least-once
 * BullMQ jobs become exactly-once messages through the ledger and the facade's reconciliation.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createSendQueue,
  createSendWorker,
  type SendQueue,
  type SendWorker,
} from '../src/index.js';
import { facade, posts, request, settled, stored, type Account } from './support/harness.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();

describe.skipIf(!enabled)('order-messaging-queue on real Redis and the sandbox', () => {
  let redis: TestRedis;
  let sb: Sandbox;
  let queue: SendQueue;
  const workers: SendWorker[] = [];
  const worker = (concurrency = 2) => {
    const w = createSendWorker({ redis: redis.url, messaging: () => facade(sb), concurrency });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    redis = await startRedis();
    sb = await startSandbox();
  });
  afterAll(async () => {
    await sb?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    sb.reset();
    await redis.flush();
    queue = createSendQueue({ redis: redis.url });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await queue.close();
  });

  it('enqueuing a key twice is a no-op that says so; the message is posted once', async () => {
    const text = `dedup ${Date.now()}`;
    const job = { connection: 'spp-main', request: request(sb, 'spp-main', text) };
    expect(await queue.enqueue('order-1:thanks', job)).toEqual({
      enqueued: true,
      state: 'pending',
    });
    expect(await queue.enqueue('order-1:thanks', job)).toEqual({
      enqueued: false,
      state: 'pending',
    });
    worker();
    const [outcome] = await settled(queue, ['order-1:thanks']);
    expect(outcome!.state).toBe('sent');
    expect(await queue.enqueue('order-1:thanks', job)).toEqual({ enqueued: false, state: 'sent' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stored(sb, 'spp-main', text)).toHaveLength(1);
    expect(posts(sb, 'spp-main')).toHaveLength(1);
  });

  it('N sends across two accounts and two workers: each message stored exactly once', async () => {
    const accounts: Account[] = ['spp-main', 'mirakl-fr'];
    const keys: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const account = accounts[i % 2]!;
      const key = `bulk-${i}`;
      keys.push(key);
      await queue.enqueue(key, { connection: account, request: request(sb, account, `bulk ${i}`) });
    }
    worker(3);
    worker(3);
    const outcomes = await settled(queue, keys, 30_000);
    expect(outcomes.map((o) => o.state)).toEqual(keys.map(() => 'sent'));
    for (let i = 0; i < 12; i += 1) {
      const copies = stored(sb, accounts[i % 2]!, `bulk ${i}`);
      expect(copies).toHaveLength(1);
      expect(outcomes[i]!.messageId).toBe(copies[0]!.id);
    }
    expect(posts(sb, 'spp-main')).toHaveLength(6);
    expect(posts(sb, 'mirakl-fr')).toHaveLength(6);
  });

  it('a job re-run after a crash mid-send (ledger `sending`, message stored) is found, never posted again', async () => {
    const text = `crash ${Date.now()}`;
    const req = request(sb, 'spp-main', text);
    await queue.enqueue('crash-1', { connection: 'spp-main', request: req });
    // The crashed worker's view: the ledger says `sending` and its post reached the vendor.
    const before = new Date(Date.now() - 1000).toISOString();
    const ledger = new Redis(redis.url);
    await ledger.hset('om:ledger:crash-1', { state: 'sending', attemptStartedAt: before });
    await facade(sb).send('spp-main', req);
    await ledger.quit();
    worker();
    const [outcome] = await settled(queue, ['crash-1']);
    expect(outcome).toMatchObject({ state: 'sent', reconciled: true });
    expect(outcome!.messageId).toBe(stored(sb, 'spp-main', text)[0]!.id);
    expect(stored(sb, 'spp-main', text)).toHaveLength(1);
    expect(posts(sb, 'spp-main')).toHaveLength(1);
  });

  it('a job re-run after a crash mid-send with nothing stored goes to review, not posted', async () => {
    const text = `crash-absent ${Date.now()}`;
    await queue.enqueue('crash-2', {
      connection: 'spp-main',
      request: request(sb, 'spp-main', text),
    });
    const ledger = new Redis(redis.url);
    await ledger.hset('om:ledger:crash-2', {
      state: 'sending',
      attemptStartedAt: new Date().toISOString(),
    });
    await ledger.quit();
    worker();
    const [outcome] = await settled(queue, ['crash-2']);
    expect(outcome!.state).toBe('unknown');
    expect(outcome!.reason).toMatch(/absent from the listing/);
    expect((await queue.reviewList()).map((e) => e.key)).toEqual(['crash-2']);
    expect(posts(sb, 'spp-main')).toHaveLength(0);
  });

  it("a 429 on one account backs off that account only; the other's jobs keep going", async () => {
    sb.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      status: 429,
      retryAfter: 2,
    });
    for (let i = 0; i < 3; i += 1) {
      await queue.enqueue(`spp-${i}`, {
        connection: 'spp-main',
        request: request(sb, 'spp-main', `throttled ${i}`),
      });
      await queue.enqueue(`mirakl-${i}`, {
        connection: 'mirakl-fr',
        request: request(sb, 'mirakl-fr', `flowing ${i}`),
      });
    }
    const started = Date.now();
    worker(1);
    await settled(queue, ['mirakl-0', 'mirakl-1', 'mirakl-2']);
    const miraklDoneMs = Date.now() - started;
    expect(miraklDoneMs).toBeLessThan(1500);
    // SPP is still waiting out its Retry-After: nothing of it stored past the refused post.
    expect(posts(sb, 'spp-main')).toHaveLength(1);
    const spp = await settled(queue, ['spp-0', 'spp-1', 'spp-2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(spp.map((o) => o.state)).toEqual(['sent', 'sent', 'sent']);
    for (let i = 0; i < 3; i += 1) expect(stored(sb, 'spp-main', `throttled ${i}`)).toHaveLength(1);
    expect(posts(sb, 'spp-main')).toHaveLength(4);
  });

  it('an ambiguous failure ends `unknown` in the review list and is not retried', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', drop: 'before-apply' });
    const text = `ambiguous ${Date.now()}`;
    await queue.enqueue('amb-1', {
      connection: 'spp-main',
      request: request(sb, 'spp-main', text),
    });
    worker();
    const [outcome] = await settled(queue, ['amb-1']);
    expect(outcome).toMatchObject({ state: 'unknown', error: { delivery: 'unknown' } });
    expect((await queue.reviewList()).map((e) => e.key)).toEqual(['amb-1']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(posts(sb, 'spp-main')).toHaveLength(1);
    expect((await queue.outcome('amb-1'))!.state).toBe('unknown');
  });

  it('outcomes per key: sent with the message id, rejected with the typed error and no secret', async () => {
    await queue.enqueue('ok', {
      connection: 'mirakl-fr',
      request: request(sb, 'mirakl-fr', `fine ${Date.now()}`),
    });
    await queue.enqueue('bad', { connection: 'mirakl-fr', request: request(sb, 'mirakl-fr', '') });
    worker();
    const [ok, bad] = await settled(queue, ['ok', 'bad']);
    expect(ok).toMatchObject({ state: 'sent', connection: 'mirakl-fr', reconciled: false });
    expect(ok!.messageId).toEqual(expect.any(String));
    expect(bad).toMatchObject({
      state: 'rejected',
      error: { kind: 'validation', delivery: 'not_sent' },
    });
    expect(await queue.outcome('never-enqueued')).toBeUndefined();
    expect(await queue.reviewList()).toEqual([]);
    const everything = JSON.stringify(await dumpRedis(redis.url));
    expect(everything).not.toContain(sb.vendors.mirakl.apiKey);
    expect(everything).not.toContain(sb.vendors.spp.token);
  });
});

async function dumpRedis(url: string): Promise<Record<string, unknown>> {
  const client = new Redis(url);
  const out: Record<string, unknown> = {};
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    if (type === 'hash') out[key] = await client.hgetall(key);
    else if (type === 'string') out[key] = await client.get(key);
    else if (type === 'list') out[key] = await client.lrange(key, 0, -1);
  }
  await client.quit();
  return out;
}
