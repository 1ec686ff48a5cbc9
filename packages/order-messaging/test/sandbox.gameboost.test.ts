import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  InvalidOrderStateError,
  NotFoundError,
  RateLimitedError,
} from '@org/order-messaging';
import { gameboost, type GameBoostConnectionOptions } from '@org/order-messaging/gameboost';

let sb: Sandbox;

// GameBoost's real limits (5 chat operations a minute) would make this file take minutes;
// both sides get a wide chat bucket here, and the limits themselves are tested below.
const WIDE = { chat: { limit: 1000, windowMs: 60_000, match: { pathPattern: /\/messages$/ } } };

beforeAll(async () => {
  sb = await startSandbox({ rateLimits: { gameboost: { chat: { limit: 1000 } } } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade(extra: Partial<GameBoostConnectionOptions> = {}) {
  return createOrderMessaging({
    connections: {
      gb: {
        adapter: gameboost({
          baseUrl: sb.vendors.gameboost.baseUrl,
          token: sb.vendors.gameboost.token,
          ...extra,
        }),
        rateLimits: WIDE,
      },
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

const KINDS = ['account', 'item', 'currency'] as const;
const ordersOf = (kind: (typeof KINDS)[number]) => sb.seed.gameboost[`${kind}Orders`];

describe('gameboost against the sandbox', () => {
  it.each(KINDS)('%s orders: list and send', async (kind) => {
    const orderId = ordersOf(kind).processing;
    const messaging = facade();
    const before = await messaging.listAll('gb', {
      orderId,
      vendorOptions: { gameboost: { orderKind: kind } },
    });
    expect(before.map((m) => [m.author.kind, m.text])).toEqual([
      ['system', 'The order has been created.'],
      ['customer', `Hi, any news about my ${kind} order?`],
    ]);
    expect(before[1]!.author).toEqual({
      kind: 'customer',
      id: String(sb.seed.gameboost.buyerId),
      name: 'b***r',
    });

    const result = await messaging.send('gb', {
      orderId,
      vendorOptions: { gameboost: { orderKind: kind } },
      text: `Your ${kind} is ready.`,
      audience: ['customer'],
    });
    const stored = sb.state.messages('gameboost', orderId).at(-1)!;
    expect(stored).toMatchObject({ text: `Your ${kind} is ready.`, author: { kind: 'seller' } });
    expect(result.message).toMatchObject({
      id: stored.id,
      orderId,
      text: `Your ${kind} is ready.`,
      author: { kind: 'seller' },
    });
    expect(result.raw.request!.url).toContain(`/v2/${kind}-orders/${orderId}/messages`);

    const after = await messaging.listAll('gb', {
      orderId,
      vendorOptions: { gameboost: { orderKind: kind } },
    });
    expect(after).toHaveLength(3);
    expect(after.at(-1)).toMatchObject({
      id: stored.id,
      author: { kind: 'seller', id: String(sb.seed.gameboost.sellerId) },
    });
  });

  it('orderKind defaults to account', async () => {
    const orderId = sb.seed.gameboost.accountOrders.processing;
    await facade().send('gb', { orderId, text: 'Credentials are in the order.' });
    expect(sb.state.messages('gameboost', orderId).at(-1)!.text).toBe(
      'Credentials are in the order.',
    );
  });

  it.each(['pending', 'in_delivery', 'delivered', 'refunded'] as const)(
    'a %s order cannot take messages: InvalidOrderStateError, nothing stored',
    async (status) => {
      const orderId = sb.seed.gameboost.itemOrders[status];
      const before = sb.state.messages('gameboost', orderId).length;
      const error = await facade()
        .send('gb', {
          orderId,
          vendorOptions: { gameboost: { orderKind: 'item' } },
          text: 'Hello?',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOrderStateError);
      expect(error).toMatchObject({
        status: 422,
        delivery: 'rejected',
        retryable: false,
        requestId: expect.any(String),
      });
      expect((error as Error).message).toContain('processing status');
      expect(sb.state.messages('gameboost', orderId)).toHaveLength(before);
    },
  );

  it('an unknown order is NotFoundError', async () => {
    const error = await facade()
      .send('gb', {
        orderId: '999999',
        vendorOptions: { gameboost: { orderKind: 'currency' } },
        text: 'Hi',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('leaves no response that breaks the spec', () => {
    expect(sb.responseViolations).toEqual([]);
  });
});

describe('gameboost rate limits, declared by the adapter and enforced before the network', () => {
  it('the sixth chat operation in a minute is not sent', async () => {
    sb.reset();
    // The adapter's own limits (chat 5/min); the sandbox counts the same way, wide open here.
    const messaging = createOrderMessaging({
      connections: {
        gb: gameboost({ baseUrl: sb.vendors.gameboost.baseUrl, token: sb.vendors.gameboost.token }),
      },
      retry: false,
    });
    const orderId = sb.seed.gameboost.accountOrders.processing;
    for (let i = 1; i <= 3; i++) await messaging.send('gb', { orderId, text: `Message ${i}` });
    await messaging.listAll('gb', { orderId }); // order read (reads bucket) + messages read (chat)
    await messaging.send('gb', { orderId, text: 'Message 4' });
    const chatCalls = () =>
      sb.state.requests.filter((r) => /^(list|send)\w+OrderMessages?$/.test(r.operationId ?? ''))
        .length;
    expect(chatCalls()).toBe(5);
    const started = Date.now();
    const error = await messaging
      .send('gb', { orderId, text: 'Message 5' }, { totalTimeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ delivery: 'not_sent', retryable: true });
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    expect(chatCalls()).toBe(5);
    expect(sb.state.requests.some((r) => r.status === 429)).toBe(false);
    expect(
      sb.state.messages('gameboost', orderId).filter((m) => m.text === 'Message 5'),
    ).toHaveLength(0);
  });

  it('a sixth send to the same order in a minute is not sent; other orders go ahead', async () => {
    sb.reset();
    // The adapter's declared limits, with the global chat bucket widened (on both sides) so that
    // only the per-resource writes limit (5 a minute per order) is in play.
    const messaging = createOrderMessaging({
      connections: {
        gb: {
          adapter: gameboost({
            baseUrl: sb.vendors.gameboost.baseUrl,
            token: sb.vendors.gameboost.token,
          }),
          rateLimits: { ...gameboost.rateLimits, ...WIDE },
        },
      },
      retry: false,
    });
    const orderId = sb.seed.gameboost.accountOrders.processing;
    for (let i = 1; i <= 5; i++) await messaging.send('gb', { orderId, text: `Same order ${i}` });
    const error = await messaging
      .send('gb', { orderId, text: 'Same order 6' }, { totalTimeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ delivery: 'not_sent', retryable: true });
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    expect(
      sb.state.messages('gameboost', orderId).filter((m) => m.text === 'Same order 6'),
    ).toEqual([]);

    const other = sb.seed.gameboost.itemOrders.processing;
    const result = await messaging.send('gb', {
      orderId: other,
      vendorOptions: { gameboost: { orderKind: 'item' } },
      text: 'Other',
    });
    expect(result.message).toMatchObject({ orderId: String(other), text: 'Other' });
    expect(sb.state.requests.filter((r) => r.status === 429)).toEqual([]);
  });

  it('connections keep separate limiters: two API keys, two budgets', async () => {
    sb.reset();
    const vendor = sb.vendors.gameboost;
    const messaging = createOrderMessaging({
      connections: {
        'gb-a': {
          adapter: gameboost({ baseUrl: vendor.baseUrl, token: vendor.token }),
          rateLimits: { chat: { limit: 1, windowMs: 60_000 } },
        },
        'gb-b': {
          adapter: gameboost({ baseUrl: vendor.baseUrl, token: vendor.token }),
          rateLimits: { chat: { limit: 1, windowMs: 60_000 } },
        },
      },
      retry: false,
    });
    const orderId = sb.seed.gameboost.accountOrders.processing;
    await messaging.send('gb-a', { orderId, text: 'from a' });
    await messaging.send('gb-b', { orderId, text: 'from b' });
    await expect(
      messaging.send('gb-a', { orderId, text: 'a again' }, { totalTimeoutMs: 200 }),
    ).rejects.toBeInstanceOf(RateLimitedError);
  });
});
