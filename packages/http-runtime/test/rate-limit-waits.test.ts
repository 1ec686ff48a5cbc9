/**
 * How long a call waits for the limiter, and how long a server may hold a connection: a call
 * waits up to its own deadline, and a server's wait holds others no longer than `maxServerHoldMs`.
 */
import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  createResilientFetch,
  LocalRateLimitError,
  rateLimitRules,
  retryAfterMsOf,
  type RateLimitWait,
} from '../src/index.js';
import { jsonResponse, recordingFetch } from '../src/testing.js';
import { fakeClock, ok, scriptedFetch, status, steppedClock } from './support/fakes.js';

const T0 = 1_700_000_000_000;
const ORIGIN = 'https://api.gameboost.test/v2';
const ORDER_PATH = /\/v2\/(account-orders\/[^/]+)\/messages$/;
const postTo = (order: string) =>
  new Request(`${ORIGIN}/account-orders/${order}/messages`, { method: 'POST', body: '{}' });
const ordersGet = () => new Request(`${ORIGIN}/account-orders`);

/** GameBoost's chat bucket and its per-order write limit, both 5 a minute. */
const gameboostLike = () =>
  rateLimitRules({
    chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
    writesSameResource: {
      limit: 5,
      windowMs: 60_000,
      key: (request) =>
        request.method === 'POST' ? ORDER_PATH.exec(new URL(request.url).pathname)?.[1] : undefined,
    },
  });

/** A GameBoost-like connection whose server takes 163 ms to answer each send. */
function slowServerConnection(policy: { totalTimeoutMs?: number; maxRateLimitWaitMs?: number }) {
  const clock = steppedClock(T0);
  const recorder = recordingFetch(async () => {
    await clock.sleep(163);
    return jsonResponse(201, { data: { id: 'm' } });
  });
  const resilient = createResilientFetch({
    fetch: recorder.fetch,
    now: clock.now,
    sleep: clock.sleep,
    rateLimiter: createRateLimiter({ rules: gameboostLike(), now: clock.now, sleep: clock.sleep }),
    ...policy,
  });
  /** Six sends to order A at once: five fill the order's minute, the sixth has to wait for it. */
  const sixSends = () =>
    Array.from({ length: 6 }, () =>
      resilient(postTo('A')).then(
        (response) => ({ status: response.status, at: clock.now() - T0 }),
        (error: unknown) => ({ error, at: clock.now() - T0 }),
      ),
    );
  return { clock, recorder, sixSends };
}

describe('a call waits for a slot up to its deadline', () => {
  it('the 6th send to one order in a minute waits past 60 s and is sent when the deadline allows', async () => {
    const { clock, recorder, sixSends } = slowServerConnection({ totalTimeoutMs: 120_000 });
    const sends = sixSends();
    // The five answers arrive at 163 ms; the order's window frees at 60 163 ms, a wait longer
    // than the fixed 60 000 ms bound that used to fail this send at once.
    await clock.advanceTo(T0 + 61_000);
    const outcomes = await Promise.all(sends);
    expect(outcomes.map((o) => ('status' in o ? o.status : o.error))).toEqual(
      Array.from({ length: 6 }, () => 201),
    );
    expect(outcomes[5]!.at).toBe(60_163 + 163);
    expect(recorder.requests).toHaveLength(6);
  });

  it('waits past a minute with no deadline at all', async () => {
    const { clock, recorder, sixSends } = slowServerConnection({});
    const sends = sixSends();
    await clock.advanceTo(T0 + 61_000);
    await Promise.all(sends);
    expect(recorder.requests).toHaveLength(6);
  });

  it('fails at once, naming that order’s rule, when the wait would pass the deadline', async () => {
    const { clock, recorder, sixSends } = slowServerConnection({ totalTimeoutMs: 30_000 });
    const sends = sixSends();
    await clock.advanceTo(T0 + 1_000);
    const sixth = (await Promise.all(sends))[5]!;
    expect(sixth.at).toBe(0);
    expect('error' in sixth && sixth.error).toBeInstanceOf(LocalRateLimitError);
    expect(sixth).toMatchObject({
      error: { rule: 'writesSameResource[account-orders/A]', source: 'rule', maxWaitMs: 30_000 },
    });
    expect(recorder.requests).toHaveLength(5);
  });

  it('fails at once when the wait passes an explicit maxRateLimitWaitMs', async () => {
    const { clock, recorder, sixSends } = slowServerConnection({
      totalTimeoutMs: 300_000,
      maxRateLimitWaitMs: 10_000,
    });
    const sends = sixSends();
    await clock.advanceTo(T0 + 1_000);
    const sixth = (await Promise.all(sends))[5]!;
    expect(sixth).toMatchObject({
      at: 0,
      error: { name: 'LocalRateLimitError', maxWaitMs: 10_000 },
    });
    expect(recorder.requests).toHaveLength(5);
  });
});

describe('errors and waits name this request’s rules, never another order’s', () => {
  it('a 429 for order A that holds the chat bucket names `chat` to a send for order B', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      rules: gameboostLike(),
      now: clock.now,
      sleep: clock.sleep,
    });
    // GameBoost's 429 names the bucket by its size: 5, the size of chat and of the per-order rule.
    limiter.observe(status(429, { 'Retry-After': '40', 'X-RateLimit-Limit': '5' }), postTo('A'));
    const error = await limiter
      .acquire(postTo('B'), undefined, { maxWaitMs: 1_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRateLimitError);
    expect(error).toMatchObject({ rule: 'chat', source: 'server', retryAfterMs: 40_000 });
    expect((error as Error).message).not.toContain('account-orders/A');
    const waits: RateLimitWait[] = [];
    await limiter.acquire(postTo('A'), undefined, { onWait: (w) => waits.push(w) });
    expect(waits).toEqual([
      { waitMs: 40_000, rule: 'chat+writesSameResource[account-orders/A]', source: 'server' },
    ]);
  });
});

describe('a server hold is capped', () => {
  it('Retry-After: 999999 holds later requests at most maxServerHoldMs (default 60 s)', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep });
    limiter.observe(status(429, { 'Retry-After': '999999' }), ordersGet());
    expect(await limiter.acquire(ordersGet())).toBe(60_000);
  });

  it('takes its cap from maxServerHoldMs, for reset headers too', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      now: clock.now,
      sleep: clock.sleep,
      maxServerHoldMs: 5_000,
    });
    const inAYear = String(Math.floor(clock.now() / 1000) + 365 * 86_400);
    limiter.observe(
      ok({}, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': inAYear }),
      ordersGet(),
    );
    expect(await limiter.acquire(ordersGet())).toBe(5_000);
  });

  it('rejects a cap that is not a finite number >= 0', () => {
    expect(() => createRateLimiter({ maxServerHoldMs: -1 })).toThrow(/maxServerHoldMs/);
    expect(() => createRateLimiter({ maxServerHoldMs: Number.NaN })).toThrow(/maxServerHoldMs/);
  });

  it('through the resilient fetch: the call gets the 429 back with the server’s wait, the next goes within a minute', async () => {
    const clock = fakeClock();
    const recorder = scriptedFetch(status(429, { 'Retry-After': '999999' }), ok());
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      totalTimeoutMs: 120_000,
      rateLimiter: createRateLimiter({ now: clock.now, sleep: clock.sleep }),
    });
    const throttled = await resilient(postTo('A'));
    expect(throttled.status).toBe(429);
    expect(retryAfterMsOf(throttled, clock.now())).toBe(999_999_000);
    expect((await resilient(postTo('B'))).status).toBe(200);
    expect(clock.sleeps).toEqual([60_000]);
  });
});

describe('waiters queue in order', () => {
  it('a full window hands its slots out first come, first served, without waking every waiter', async () => {
    const clock = steppedClock(T0);
    const limiter = createRateLimiter({
      rules: [{ name: 'pair', limit: 2, windowMs: 1_000 }],
      now: clock.now,
      sleep: clock.sleep,
    });
    await limiter.acquire(ordersGet());
    await limiter.acquire(ordersGet());
    // Five more at once: two go after one window, the fifth after two more.
    const waits: number[][] = [[], [], [], [], []];
    const order: number[] = [];
    const sentAt: number[] = [];
    const all = Promise.all(
      waits.map((own, i) =>
        limiter.acquire(ordersGet(), undefined, { onWait: (w) => own.push(w.waitMs) }).then(() => {
          order.push(i);
          sentAt[i] = clock.now() - T0;
        }),
      ),
    );
    await clock.advanceTo(T0 + 3_000);
    await all;
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(sentAt).toEqual([1_000, 1_000, 2_000, 2_000, 3_000]);
    // Each slept once, until its own turn, instead of waking at every slot that freed.
    expect(waits).toEqual([[1_000], [1_000], [2_000], [2_000], [3_000]]);
  });
});
