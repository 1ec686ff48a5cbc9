/**
 * The facade's rate-limit settings: a call waits for a slot up to its deadline, the wait can be
 * bounded from the facade, the connection or the call, and a server's long wait holds the
 * connection no longer than `maxServerHoldMs`. Timers are faked: a minute's wait takes no time.
 */
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import {
  ConfigurationError,
  createOrderMessaging,
  RateLimitedError,
  type ConnectionSettings,
  type CreateOrderMessagingOptions,
  type RateLimiter,
} from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adapterFor, ORDER, sendScript } from './helpers.js';

const OTHER_ORDER = '654321';
// Only the per-order limit (5 sends a minute to one order) in play: the global chat bucket wide.
const PER_ORDER_ONLY = {
  ...gameboost.rateLimits,
  chat: { limit: 1_000, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
};
type FacadeSettings = Omit<CreateOrderMessagingOptions<Record<string, never>>, 'connections'>;
/** The facade's settings, and the connection's own under `connection`. */
type Settings = FacadeSettings & { connection?: ConnectionSettings };

/** A GameBoost connection whose server takes 163 ms to answer a send, or answers `onPost`. */
function gameboostFacade(
  { connection, ...settings }: Settings = {},
  onPost?: (request: Request) => Response | undefined,
) {
  const recorder = recordingFetch(
    sendScript('gameboost', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 163));
      return (
        onPost?.(request) ??
        jsonResponse(201, { data: { id: `m${Date.now()}`, message: 'hi', sent_at: 1_700_000_000 } })
      );
    }),
  );
  const messaging = createOrderMessaging({
    connections: {
      gb: { adapter: adapterFor('gameboost'), rateLimits: PER_ORDER_ONLY, ...connection },
    },
    fetch: recorder.fetch,
    retry: false,
    ...settings,
  });
  const posts = () => recorder.requests.filter((r) => r.method === 'POST');
  return { messaging, posts };
}

type Outcome = { ok: true; at: number } | { ok: false; error: unknown; at: number };

/** Six sends to one order at once, settled with the time each took. */
function sixSends(
  messaging: ReturnType<typeof gameboostFacade>['messaging'],
  options?: { maxRateLimitWaitMs?: number },
): Promise<Outcome[]> {
  const started = Date.now();
  return Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      messaging.send('gb', { orderId: ORDER.gameboost, text: `Message ${i + 1}` }, options).then(
        (): Outcome => ({ ok: true, at: Date.now() - started }),
        (error: unknown): Outcome => ({ ok: false, error, at: Date.now() - started }),
      ),
    ),
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a send waits for a rate-limit slot up to its deadline', () => {
  it('the 6th send to one order within a minute waits about a minute and is sent', async () => {
    const { messaging, posts } = gameboostFacade();
    const sends = sixSends(messaging);
    await vi.advanceTimersByTimeAsync(61_000);
    const outcomes = await sends;
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true]);
    // The five answers came at 163 ms: the order's window frees a minute later.
    expect(outcomes[5]!.at).toBe(60_163 + 163);
    expect(posts()).toHaveLength(6);
  });

  it.each([
    ['the call', {}, { maxRateLimitWaitMs: 10_000 }],
    ['the facade', { maxRateLimitWaitMs: 10_000 }, undefined],
    ['the connection', { connection: { maxRateLimitWaitMs: 10_000 } }, undefined],
    ['the deadline', { totalTimeoutMs: 30_000 }, undefined],
  ])(
    'fails at once, not sent, naming this order’s rule, when the wait passes what %s allows',
    async (_, settings, callSettings) => {
      const { messaging, posts } = gameboostFacade(settings as Settings);
      const sends = sixSends(messaging, callSettings);
      await vi.advanceTimersByTimeAsync(1_000);
      const sixth = (await sends)[5]!;
      expect(sixth).toMatchObject({ ok: false, at: 0 });
      const error = (sixth as { error: unknown }).error;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ delivery: 'not_sent', retryable: true });
      expect((error as RateLimitedError).retryAfterMs).toBe(60_000);
      expect((error as Error).message).toContain(
        `writesSameResource[account-orders/${ORDER.gameboost}]`,
      );
      // The rule as data, for a queue that delays only this order's job.
      const rule = `writesSameResource[account-orders/${ORDER.gameboost}]`;
      expect((error as RateLimitedError).rule).toBe(rule);
      expect((error as RateLimitedError).toJSON()).toMatchObject({ rule });
      expect(posts()).toHaveLength(5);
    },
  );
});

describe('a server’s long wait holds the connection no longer than maxServerHoldMs', () => {
  const throttleOnce = () => {
    let throttled = false;
    return () => {
      if (throttled) return undefined;
      throttled = true;
      return jsonResponse(429, { message: 'Too Many Attempts.' }, { 'Retry-After': '999999' });
    };
  };
  const sendTo = (messaging: ReturnType<typeof gameboostFacade>['messaging'], orderId: string) =>
    messaging.send('gb', { orderId, text: 'hello' }).then(
      () => Date.now(),
      (error: unknown) => error,
    );

  it.each([
    ['by default, 60 s', {}, 60_000],
    ['as set on the facade', { maxServerHoldMs: 5_000 }, 5_000],
    ['as set on the connection', { connection: { maxServerHoldMs: 2_000 } }, 2_000],
  ])('%s', async (_, settings, holdMs) => {
    const { messaging, posts } = gameboostFacade(settings as Settings, throttleOnce());
    const first = sendTo(messaging, ORDER.gameboost);
    await vi.advanceTimersByTimeAsync(200);
    const error = await first;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(999_999_000);
    const started = Date.now();
    const next = sendTo(messaging, OTHER_ORDER);
    await vi.advanceTimersByTimeAsync(holdMs + 1_000);
    expect(await next).toBeTypeOf('number');
    expect((await next) as number).toBeLessThanOrEqual(started + holdMs + 163);
    expect(posts()).toHaveLength(2);
  });
});

describe('a connection given its own rateLimiter (an account shared by several processes)', () => {
  /** A limiter that lets everything through and records what it was asked. */
  function recordingLimiter() {
    const asked: string[] = [];
    const observed: number[] = [];
    const limiter: RateLimiter = {
      rules: [],
      async acquire(request) {
        asked.push(`${request.method} ${new URL(request.url).pathname}`);
        return 0;
      },
      observe(response) {
        observed.push(response.status);
      },
    };
    return { limiter, asked, observed };
  }

  it('every request of a send goes through it, and every answer is shown to it', async () => {
    const { limiter, asked, observed } = recordingLimiter();
    const { messaging, posts } = gameboostFacade({
      connection: { rateLimits: undefined, rateLimiter: limiter },
    });
    const sent = messaging.send('gb', {
      orderId: ORDER.gameboost,
      text: 'through the shared limiter',
    });
    await vi.advanceTimersByTimeAsync(1_000);
    await sent;
    expect(posts()).toHaveLength(1);
    expect(asked.filter((a) => a.startsWith('POST'))).toHaveLength(1);
    expect(observed.length).toBe(asked.length);
  });

  it('replaces the declared limits: the 6th send to one order is not held by them', async () => {
    const { limiter } = recordingLimiter();
    const { messaging, posts } = gameboostFacade({
      connection: { rateLimits: undefined, rateLimiter: limiter },
    });
    const sends = sixSends(messaging, { maxRateLimitWaitMs: 0 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await sends).every((o) => o.ok)).toBe(true);
    expect(posts()).toHaveLength(6);
  });

  it('is refused beside rateLimits or maxServerHoldMs, and when it is not a limiter', () => {
    const { limiter } = recordingLimiter();
    const open = (connection: ConnectionSettings) => () =>
      createOrderMessaging({
        connections: { gb: { adapter: adapterFor('gameboost'), ...connection } },
      });
    expect(open({ rateLimiter: limiter, rateLimits: PER_ORDER_ONLY })).toThrow(
      /rateLimits configures the connection's own limiter/,
    );
    expect(open({ rateLimiter: limiter, maxServerHoldMs: 1000 })).toThrow(/maxServerHoldMs/);
    expect(open({ rateLimiter: {} as RateLimiter })).toThrow(ConfigurationError);
  });
});
