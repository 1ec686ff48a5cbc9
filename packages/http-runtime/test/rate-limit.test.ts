import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createRateLimiter,
  createResilientFetch,
  LocalRateLimitError,
  rateLimitRules,
  type RateLimitWait,
} from '../src/index.js';
import {
  capturingLogger,
  fakeClock,
  ok,
  scriptedFetch,
  status,
  steppedClock,
} from './support/fakes.js';

const ORIGIN = 'https://api.gameboost.test/v2';
const chatGet = () => new Request(`${ORIGIN}/item-orders/7/messages`);
const chatPost = () =>
  new Request(`${ORIGIN}/item-orders/7/messages`, { method: 'POST', body: '{}' });
const ordersGet = () => new Request(`${ORIGIN}/item-orders`);

/** GameBoost's documented limits, as the facade adapter declares them. */
const gameboostRules = () =>
  rateLimitRules({
    chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
    writes: {
      limit: 500,
      windowMs: 60_000,
      match: { methods: ['POST', 'PUT', 'PATCH', 'DELETE'] },
    },
    reads: { limit: 1000, windowMs: 60_000, match: { methods: ['get'] } },
  });

function limiterWithClock(rules = gameboostRules()) {
  const clock = fakeClock();
  const limiter = createRateLimiter({ rules, now: clock.now, sleep: clock.sleep });
  return { clock, limiter };
}

describe('sliding-window rules', () => {
  it('lets 5 chat calls through at once and holds the 6th until the first leaves the window', async () => {
    const { clock, limiter } = limiterWithClock();
    for (let i = 0; i < 5; i++)
      expect(await limiter.acquire(i % 2 ? chatPost() : chatGet())).toBe(0);
    const waits: RateLimitWait[] = [];
    expect(await limiter.acquire(chatGet(), undefined, { onWait: (w) => waits.push(w) })).toBe(
      60_000,
    );
    expect(waits).toEqual([{ waitMs: 60_000, rule: 'chat', source: 'rule' }]);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('slides: a call waits only until the oldest call in the window expires', async () => {
    const { clock, limiter } = limiterWithClock();
    for (let i = 0; i < 5; i++) {
      await limiter.acquire(chatGet());
      clock.advance(10_000);
    }
    // Calls at 0, 10, 20, 30, 40 s; now 50 s: the call at 0 s leaves the window at 60 s.
    expect(await limiter.acquire(chatGet())).toBe(10_000);
  });

  it('counts only the requests a rule matches', async () => {
    const { limiter } = limiterWithClock();
    for (let i = 0; i < 5; i++) await limiter.acquire(chatGet());
    for (let i = 0; i < 20; i++) expect(await limiter.acquire(ordersGet())).toBe(0);
  });

  it('applies every matching rule: a message POST counts as chat and as a write', async () => {
    const { limiter } = limiterWithClock(
      rateLimitRules({
        chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
        writes: { limit: 2, windowMs: 10_000, match: { methods: ['POST'] } },
      }),
    );
    const waits: RateLimitWait[] = [];
    for (let i = 0; i < 3; i++)
      await limiter.acquire(chatPost(), undefined, { onWait: (w) => waits.push(w) });
    expect(waits).toEqual([{ waitMs: 10_000, rule: 'writes', source: 'rule' }]);
  });

  it('fails fast with LocalRateLimitError rather than wait past maxWaitMs, and does not count the request', async () => {
    const { clock, limiter } = limiterWithClock();
    for (let i = 0; i < 5; i++) await limiter.acquire(chatGet());
    clock.advance(15_000);
    const error = await limiter
      .acquire(chatGet(), undefined, { maxWaitMs: 30_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRateLimitError);
    expect(error).toMatchObject({
      rule: 'chat',
      source: 'rule',
      retryAfterMs: 45_000,
      mayHaveBeenDelivered: false,
    });
    expect(clock.sleeps).toEqual([]);
    clock.advance(45_000);
    expect(await limiter.acquire(chatGet())).toBe(0);
  });

  it('matches a global RegExp on every request, not every other one', async () => {
    const { limiter } = limiterWithClock(
      rateLimitRules({ chat: { limit: 2, windowMs: 1_000, match: { pathPattern: /messages/g } } }),
    );
    await limiter.acquire(chatGet());
    await limiter.acquire(chatGet());
    expect(await limiter.acquire(chatGet())).toBe(1_000);
  });

  it('rejects rules that cannot work', () => {
    expect(() => createRateLimiter({ rules: [{ name: 'x', limit: 0, windowMs: 1000 }] })).toThrow(
      ConfigurationError,
    );
    expect(() => createRateLimiter({ rules: [{ name: 'x', limit: 1, windowMs: 0 }] })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      createRateLimiter({
        rules: [
          { name: 'x', limit: 1, windowMs: 1 },
          { name: 'x', limit: 2, windowMs: 1 },
        ],
      }),
    ).toThrow(/declared twice/);
  });
});

describe('learning from response headers', () => {
  it('holds requests until X-Ratelimit-Reset once X-RateLimit-Remaining reaches 0', async () => {
    const { clock, limiter } = limiterWithClock([]);
    const reset = String(clock.now() / 1000 + 30);
    limiter.observe(
      ok(
        {},
        { 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0', 'X-Ratelimit-Reset': reset },
      ),
      chatGet(),
    );
    const waits: RateLimitWait[] = [];
    expect(await limiter.acquire(ordersGet(), undefined, { onWait: (w) => waits.push(w) })).toBe(
      30_000,
    );
    expect(waits).toEqual([{ waitMs: 30_000, rule: '*', source: 'server' }]);
    expect(await limiter.acquire(ordersGet())).toBe(0);
  });

  it('does not hold while requests remain', async () => {
    const { clock, limiter } = limiterWithClock([]);
    const reset = String(clock.now() / 1000 + 30);
    limiter.observe(ok({}, { 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': reset }));
    expect(await limiter.acquire(ordersGet())).toBe(0);
  });

  it('holds after a 429 for its Retry-After, only for requests sharing a rule with the throttled one', async () => {
    const { limiter } = limiterWithClock(
      rateLimitRules({
        chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
      }),
    );
    limiter.observe(status(429, { 'Retry-After': '12' }), chatPost());
    expect(await limiter.acquire(ordersGet())).toBe(0);
    expect(await limiter.acquire(chatGet())).toBe(12_000);
  });

  it('can be told to ignore headers', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      learnFromHeaders: false,
      now: clock.now,
      sleep: clock.sleep,
    });
    limiter.observe(status(429, { 'Retry-After': '12' }));
    expect(await limiter.acquire(ordersGet())).toBe(0);
  });
});

describe('through the resilient fetch', () => {
  it('makes the 6th chat call wait a minute instead of drawing a 429, and logs why', async () => {
    const clock = fakeClock();
    const recorder = scriptedFetch(...Array.from({ length: 6 }, () => ok()));
    const { logger, lines } = capturingLogger();
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: createRateLimiter({
        rules: gameboostRules(),
        now: clock.now,
        sleep: clock.sleep,
      }),
      logger,
      vendor: 'gameboost',
      connection: 'shop-eu',
    });
    for (let i = 0; i < 6; i++) expect((await resilient(chatGet())).status).toBe(200);
    expect(recorder.requests).toHaveLength(6);
    expect(clock.sleeps).toEqual([60_000]);
    const waits = lines.filter((l) => l.fields?.waitReason === 'rate-limit');
    expect(waits).toEqual([
      {
        level: 'info',
        message: 'waiting for rate limit',
        fields: {
          vendor: 'gameboost',
          connection: 'shop-eu',
          method: 'GET',
          url: `${ORIGIN}/item-orders/7/messages`,
          attempt: 1,
          waitReason: 'rate-limit',
          waitMs: 60_000,
          rule: 'chat',
          limitSource: 'rule',
        },
      },
    ]);
  });

  it('counts each retry against the limit, since each one reaches the server', async () => {
    const clock = fakeClock();
    const recorder = scriptedFetch(status(503), ok());
    const limiter = createRateLimiter({
      rules: [{ name: 'all', limit: 1, windowMs: 10_000 }],
      now: clock.now,
      sleep: clock.sleep,
    });
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: limiter,
      retry: { jitter: false },
    });
    await resilient(chatGet());
    // 500 ms backoff, then 9 500 ms more for the window to free the single slot.
    expect(clock.sleeps).toEqual([500, 9_500]);
  });

  it('throws LocalRateLimitError when the wait exceeds maxRateLimitWaitMs, sending nothing', async () => {
    const clock = fakeClock();
    const recorder = scriptedFetch(ok());
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      maxRateLimitWaitMs: 5_000,
      rateLimiter: createRateLimiter({
        rules: [{ name: 'chat', limit: 1, windowMs: 60_000 }],
        now: clock.now,
        sleep: clock.sleep,
      }),
    });
    await resilient(chatPost());
    await expect(resilient(chatPost())).rejects.toMatchObject({
      name: 'LocalRateLimitError',
      retryAfterMs: 60_000,
      mayHaveBeenDelivered: false,
    });
    expect(recorder.requests).toHaveLength(1);
  });

  it('feeds responses to the limiter: a spent quota holds the next call on the connection', async () => {
    const clock = fakeClock();
    const reset = String(clock.now() / 1000 + 20);
    const recorder = scriptedFetch(
      ok({}, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset }),
      ok(),
    );
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: createRateLimiter({ now: clock.now, sleep: clock.sleep }),
    });
    await resilient(ordersGet());
    await resilient(ordersGet());
    expect(clock.sleeps).toEqual([20_000]);
  });
});

describe('windows counted from completion', () => {
  const T0 = 1_700_000_000_000;
  const one = () => [{ name: 'pair', limit: 2, windowMs: 1_000 }];

  it('keeps the N+1th request out until the first of N in flight has finished plus the window', async () => {
    const clock = steppedClock(T0);
    const limiter = createRateLimiter({ rules: one(), now: clock.now, sleep: clock.sleep });
    const first = await limiter.reserve(chatGet());
    const second = await limiter.reserve(chatGet());
    expect([first.waitedMs, second.waitedMs]).toEqual([0, 0]);

    await clock.advanceTo(T0 + 999); // the window's edge, both still in flight
    let sentAt: number | undefined;
    const third = limiter.reserve(chatGet()).then((slot) => {
      sentAt = clock.now();
      return slot;
    });
    await clock.advanceTo(T0 + 1_500);
    first.release(); // answered at 1.5 s: its window ends at 2.5 s
    await clock.advanceTo(T0 + 2_499);
    expect(sentAt).toBeUndefined(); // counting from the send would have let it go at 1 s
    await clock.advanceTo(T0 + 2_500);
    expect(sentAt).toBe(T0 + 2_500);
    expect((await third).waitedMs).toBe(1_501);
    second.release();
  });

  it('counts a slot from its release, and releasing twice counts it once', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ rules: one(), now: clock.now, sleep: clock.sleep });
    const slow = await limiter.reserve(chatGet());
    await limiter.acquire(chatGet());
    clock.advance(4_000);
    slow.release();
    slow.release();
    // The acquire at 0 s has left the window; the slow one counts from 4 s, and one slot is free.
    expect(await limiter.acquire(chatGet())).toBe(0);
    expect(await limiter.acquire(chatGet())).toBe(1_000);
  });

  it('fails fast when a full window is still in flight and the window alone exceeds maxWaitMs', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      rules: [{ name: 'solo', limit: 1, windowMs: 60_000 }],
      now: clock.now,
      sleep: clock.sleep,
    });
    await limiter.reserve(chatGet());
    await expect(
      limiter.reserve(chatGet(), undefined, { maxWaitMs: 30_000 }),
    ).rejects.toMatchObject({ name: 'LocalRateLimitError', rule: 'solo', retryAfterMs: 60_000 });
    expect(clock.sleeps).toEqual([]);
  });

  it('createResilientFetch releases the slot when the response arrives, not when it was sent', async () => {
    const clock = fakeClock();
    const slowOk = () => {
      clock.advance(3_000); // the server takes 3 s to answer
      return ok();
    };
    const recorder = scriptedFetch(slowOk, ok());
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: createRateLimiter({
        rules: [{ name: 'solo', limit: 1, windowMs: 10_000 }],
        now: clock.now,
        sleep: clock.sleep,
      }),
    });
    await resilient(chatGet());
    await resilient(chatGet());
    // Sent at 0 s, answered at 3 s: the next may go at 13 s, 10 s after the answer.
    expect(clock.sleeps).toEqual([10_000]);
  });

  it('createResilientFetch releases the slot of an attempt that failed without a response', async () => {
    const clock = fakeClock();
    const recorder = scriptedFetch(new TypeError('fetch failed'), ok());
    const limiter = createRateLimiter({
      rules: [{ name: 'solo', limit: 1, windowMs: 10_000 }],
      now: clock.now,
      sleep: clock.sleep,
    });
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: limiter,
      retry: false,
    });
    await expect(resilient(chatPost())).rejects.toMatchObject({ name: 'TransportError' });
    // Released at 0 s: a later call waits out the window, it does not hang on a slot left in flight.
    expect(await limiter.acquire(chatGet(), undefined, { maxWaitMs: 10_000 })).toBe(10_000);
  });

  it('createResilientFetch still works with a limiter that has only acquire/observe', async () => {
    const clock = fakeClock();
    const calls: string[] = [];
    const recorder = scriptedFetch(ok());
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimiter: {
        rules: [],
        acquire: async () => {
          calls.push('acquire');
          return 0;
        },
        observe: () => {
          calls.push('observe');
        },
      },
    });
    expect((await resilient(chatGet())).status).toBe(200);
    expect(calls).toEqual(['acquire', 'observe']);
  });
});

describe('keyed rules', () => {
  const orderKey = (request: Request) =>
    request.method === 'POST'
      ? /\/(item-orders\/[^/]+)\/messages$/.exec(new URL(request.url).pathname)?.[1]
      : undefined;
  const postTo = (order: string) =>
    new Request(`${ORIGIN}/item-orders/${order}/messages`, { method: 'POST', body: '{}' });
  const keyedLimiter = () =>
    limiterWithClock(
      rateLimitRules({
        perOrder: { limit: 2, windowMs: 60_000, key: orderKey },
        perOrderHourly: { limit: 3, windowMs: 3_600_000, key: orderKey },
      }),
    );

  it('gives each key its own window', async () => {
    const { limiter } = keyedLimiter();
    expect(await limiter.acquire(postTo('7'))).toBe(0);
    expect(await limiter.acquire(postTo('7'))).toBe(0);
    expect(await limiter.acquire(postTo('8'))).toBe(0);
    expect(await limiter.acquire(postTo('8'))).toBe(0);
    const waits: RateLimitWait[] = [];
    expect(await limiter.acquire(postTo('7'), undefined, { onWait: (w) => waits.push(w) })).toBe(
      60_000,
    );
    expect(waits).toEqual([{ waitMs: 60_000, rule: 'perOrder[item-orders/7]', source: 'rule' }]);
  });

  it('does not count requests whose key is undefined', async () => {
    const { limiter } = keyedLimiter();
    for (let i = 0; i < 10; i++) expect(await limiter.acquire(chatGet())).toBe(0);
  });

  it('applies the longer keyed window too, and reports it', async () => {
    const { clock, limiter } = keyedLimiter();
    for (let i = 0; i < 3; i++) {
      await limiter.acquire(postTo('7'));
      clock.advance(60_000);
    }
    // Sends at 0, 60 and 120 s; now 180 s: the hourly window is full until 3 600 s.
    const error = await limiter
      .acquire(postTo('7'), undefined, { maxWaitMs: 60_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRateLimitError);
    expect(error).toMatchObject({
      rule: 'perOrderHourly[item-orders/7]',
      retryAfterMs: 3_600_000 - 180_000,
    });
    expect(await limiter.acquire(postTo('8'))).toBe(0);
  });

  it('holds only the rules whose size X-RateLimit-Limit names when a quota runs out', async () => {
    const { clock, limiter } = limiterWithClock(
      rateLimitRules({
        writes: { limit: 500, windowMs: 60_000, match: { methods: ['POST'] } },
        perOrder: { limit: 2, windowMs: 60_000, key: orderKey },
      }),
    );
    const reset = String(clock.now() / 1000 + 40);
    const spent = {
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': reset,
    };
    limiter.observe(ok({}, spent), postTo('7'));
    // The per-order bucket of order 7 ran out: order 8 shares only the global writes rule.
    expect(await limiter.acquire(postTo('8'))).toBe(0);
    const waits: RateLimitWait[] = [];
    expect(await limiter.acquire(postTo('7'), undefined, { onWait: (w) => waits.push(w) })).toBe(
      40_000,
    );
    expect(waits).toEqual([{ waitMs: 40_000, rule: 'perOrder[item-orders/7]', source: 'server' }]);
    // A size that names no rule holds every rule of the request, as before.
    const later = String(clock.now() / 1000 + 30);
    const unknownSize = { ...spent, 'X-RateLimit-Limit': '77', 'X-RateLimit-Reset': later };
    limiter.observe(ok({}, unknownSize), postTo('7'));
    expect(await limiter.acquire(postTo('9'), undefined, { maxWaitMs: 60_000 })).toBe(30_000);
  });

  it('scopes a 429 on one key to requests sharing that window', async () => {
    const { limiter } = keyedLimiter();
    limiter.observe(status(429, { 'Retry-After': '30' }), postTo('7'));
    expect(await limiter.acquire(postTo('8'))).toBe(0);
    expect(await limiter.acquire(postTo('7'), undefined, { maxWaitMs: 60_000 })).toBe(30_000);
  });
});
