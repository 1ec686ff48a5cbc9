/**
 * An account's request budget shared by several processes through Redis: limiters that do not
 * share an object, only Redis, together stay within the account's window; a 429 holds the
 * process it reached; waits end at the caller's bound and signal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRateLimitError } from '@org/http-runtime';
import { createAccountRateLimiter, type AccountRateLimiter } from '../src/index.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();
const request = (path = '/messages', method = 'POST') =>
  new Request(`http://127.0.0.1${path}`, { method });

describe.skipIf(!enabled)('createAccountRateLimiter', () => {
  let redis: TestRedis;
  const open: AccountRateLimiter[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
    await redis?.stop();
  });
  function limiter(
    account: string,
    rules: Parameters<typeof createAccountRateLimiter>[0]['rules'],
  ) {
    const l = createAccountRateLimiter({ redis: redis.url, account, rules });
    open.push(l);
    return l;
  }

  it('three limiters of one account let through only the account window between them', async () => {
    const rules = { account: { limit: 10, windowMs: 400 } };
    const processes = [
      limiter('shared', rules),
      limiter('shared', rules),
      limiter('shared', rules),
    ];
    const granted: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const slot = await processes[i % 3]!.reserve!(request());
        granted.push(Date.now() - started);
        slot.release();
      }),
    );
    granted.sort((a, b) => a - b);
    // Any 400 ms holds at most 10 grants (a few ms of slack for the release's own clock read).
    for (let i = 10; i < granted.length; i++) {
      expect(granted[i]! - granted[i - 10]!).toBeGreaterThanOrEqual(390);
    }
    // Another account is not held up by this one.
    const other = limiter('other', rules);
    expect(await other.acquire(request())).toBeLessThan(200);
  });

  it('counts a request in every rule it matches, per key for keyed rules', async () => {
    const l = limiter('keyed', {
      perOrder: { limit: 1, windowMs: 60_000, key: (r) => new URL(r.url).pathname },
      writes: { limit: 3, windowMs: 60_000, match: { methods: ['POST'] } },
    });
    await l.acquire(request('/orders/1'));
    await l.acquire(request('/orders/2'));
    const waitFor = (r: Request) => l.acquire(r, undefined, { maxWaitMs: 0 }).catch((e) => e);
    const sameOrder = await waitFor(request('/orders/1'));
    expect(sameOrder).toBeInstanceOf(LocalRateLimitError);
    expect((sameOrder as LocalRateLimitError).rule).toBe('perOrder');
    await l.acquire(request('/orders/3'));
    const fourthWrite = await waitFor(request('/orders/4'));
    expect((fourthWrite as LocalRateLimitError).rule).toBe('writes');
    // A read matches neither the write rule's methods nor a used key.
    expect(await l.acquire(request('/orders/5', 'GET'), undefined, { maxWaitMs: 0 })).toBeLessThan(
      100,
    );
  });

  it("a 429 holds this process's requests that share its rule, not another process", async () => {
    const rules = { account: { limit: 100, windowMs: 1000 } };
    const told = limiter('held', rules);
    const notTold = limiter('held', rules);
    told.observe(new Response(null, { status: 429, headers: { 'retry-after': '30' } }), request());
    const refused = await told.acquire(request(), undefined, { maxWaitMs: 1000 }).catch((e) => e);
    expect(refused).toBeInstanceOf(LocalRateLimitError);
    expect((refused as LocalRateLimitError).source).toBe('server');
    expect(await notTold.acquire(request(), undefined, { maxWaitMs: 0 })).toBeLessThan(100);
  });

  it("a wait ends with the caller's signal", async () => {
    const l = limiter('aborted', { account: { limit: 1, windowMs: 60_000 } });
    await l.acquire(request());
    const controller = new AbortController();
    const waiting = l.acquire(request(), controller.signal).catch((e) => e);
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(((await waiting) as Error).message).toBe('stop');
  });
});
