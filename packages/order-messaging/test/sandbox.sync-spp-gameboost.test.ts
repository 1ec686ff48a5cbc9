/** Sync, audit and inbox against the sandbox over real HTTP: SPP (listOrders) and GameBoost (order scans). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, syncKey } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';
import { gameboost } from '@org/order-messaging/gameboost';
import { drain, wholeSecond } from './support/sync-helpers.js';

let sb: Sandbox;

// GameBoost's real chat limit (5 a minute) would make a scan of the seed take minutes; both
// sides get a wide chat bucket here.
const WIDE_CHAT = {
  chat: { limit: 1000, windowMs: 60_000, match: { pathPattern: /\/messages$/ } },
};

beforeAll(async () => {
  sb = await startSandbox({ rateLimits: { gameboost: { chat: { limit: 1000 } } } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const SINCE = new Date('2024-01-01T00:00:00Z');

function facade() {
  return createOrderMessaging({
    connections: {
      spp: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }),
      gb: {
        adapter: gameboost({
          baseUrl: sb.vendors.gameboost.baseUrl,
          token: sb.vendors.gameboost.token,
        }),
        rateLimits: WIDE_CHAT,
      },
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

const storedIds = (vendor: string) =>
  sb.state
    .messages(vendor)
    .map((m) => m.id)
    .sort();

/** Requests of `vendor` since `from` (an index into the log), counted by operationId. */
function requestCounts(vendor: string, from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of sb.state.requests.slice(from)) {
    if (entry.vendor !== vendor) continue;
    const id = entry.operationId ?? '?';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('sync on SPP (listOrders by last_message_at)', () => {
  it('first sync yields every seeded message once; a second sync from its cursor yields nothing', async () => {
    const messaging = facade();
    const first = await drain(messaging.sync('spp', { since: SINCE }));
    expect(first.messages.map((m) => m.id).sort()).toEqual(storedIds('spp'));
    expect(first.checkpoints.at(-1)!.complete).toBe(true);
    const second = await drain(messaging.sync('spp', { cursor: first.cursor }));
    expect(second.messages).toEqual([]);
  });

  it('a since at the very second of a message includes it (the filter asks from a second before)', async () => {
    const newest = sb.state
      .messages('spp')
      .reduce((a, b) => (b.createdAt.getTime() > a.createdAt.getTime() ? b : a));
    const { messages } = await drain(facade().sync('spp', { since: newest.createdAt }));
    expect(messages.map((m) => m.id)).toEqual([newest.id]);
  });

  it('after one send, a sync yields exactly that message, under the id list and send accept', async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('spp', { since: SINCE }));
    const orderId = sb.seed.spp.orderWithManyMessages.id;
    const sent = await messaging.send('spp', { orderId, text: 'Draft attached tomorrow.' });
    const after = await drain(messaging.sync('spp', { cursor }));
    expect(after.messages.map((m) => m.id)).toEqual([sent.message.id]);
    expect(after.orders).toEqual([{ id: orderId, needsReply: null }]);
    expect((await drain(messaging.sync('spp', { cursor: after.cursor }))).messages).toEqual([]);
  });

  it('a customer message shows up with needsReply, and in the inbox', async () => {
    const messaging = facade();
    const orderId = sb.seed.spp.orderWithManyMessages.id;
    const { cursor } = await drain(messaging.sync('spp', { since: SINCE }));
    await messaging.send('spp', { orderId, text: 'Anything else?' });
    // A second later: SPP times have whole seconds, and the answer must come first.
    const at = wholeSecond(new Date(Date.now() + 1000));
    const stored = sb.simulate.customerMessage('spp', orderId, 'Yes, the colours.', { at });
    const after = await drain(messaging.sync('spp', { cursor }));
    const index = after.messages.findIndex((m) => m.id === stored.id);
    expect(after.messages[index]).toMatchObject({ author: { kind: 'customer' }, orderId });
    expect(after.orders[index]).toEqual({ id: orderId, needsReply: { since: at } });
    const waiting = await messaging.inbox('spp');
    expect(waiting.find((entry) => entry.orderId === orderId)?.needsReply).toEqual({ since: at });
  });

  it('resumes after a crash mid-scan (two pages of orders): nothing lost, nothing repeated', async () => {
    sb.simulate.populate({ vendor: 'spp', orders: 150, messagesPerOrder: 1 });
    const crashed = await drain(facade().sync('spp', { since: SINCE }), 1);
    expect(crashed.checkpoints.every((c) => !c.complete)).toBe(true);
    expect(crashed.cursor.watermark).toBe(SINCE.toISOString());
    const resumed = await drain(facade().sync('spp', { cursor: crashed.cursor }));
    const all = [...crashed.messages, ...resumed.messages].map((m) => m.id);
    expect(crashed.messages.length).toBeGreaterThan(0);
    expect(resumed.messages.length).toBeGreaterThan(0);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(storedIds('spp'));
  });

  it('more orders in one second than a page holds: that second is paged by id, each order once', async () => {
    // 250 orders whose newest message shares one second: a page asked from that second would
    // come back the same; the adapter pages that second by id, then goes on after it.
    const from = wholeSecond(new Date(Date.now() - 3_600_000));
    sb.simulate.populate({ vendor: 'spp', orders: 250, messagesPerOrder: 1, spacingMs: 0, from });
    const start = sb.state.requests.length;
    const { messages } = await drain(facade().sync('spp', { since: SINCE }));
    expect(messages.map((m) => m.id).sort()).toEqual(storedIds('spp'));
    // From the start, from that second, its three pages by id, after it.
    expect(requestCounts('spp', start).listOrders).toBeLessThanOrEqual(7);
  });

  it('after 200 quiet orders, one new message costs one list page and one message read', async () => {
    // An hour ago: outside the next scan's overlap, so only the new message's order changed.
    const from = new Date(Date.now() - 3_600_000);
    sb.simulate.populate({ vendor: 'spp', orders: 200, messagesPerOrder: 2, from });
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('spp', { since: SINCE }));
    const orderId = sb.seed.spp.orderWithFewMessages.id;
    const stored = sb.simulate.customerMessage('spp', orderId, 'Any update?');
    const start = sb.state.requests.length;
    const after = await drain(messaging.sync('spp', { cursor }));
    expect(after.messages.map((m) => m.id)).toEqual([stored.id]);
    expect(requestCounts('spp', start)).toEqual({ listOrders: 1, listOrderMessages: 1 });
  });

  it('audit: a full listing reports exactly the message the caller dropped', async () => {
    const messaging = facade();
    const { messages } = await drain(messaging.sync('spp', { since: SINCE }));
    const dropped = messages[3]!;
    const seen = messages.filter((m) => m !== dropped).map(syncKey);
    const report = await messaging.auditSync('spp', { since: SINCE, seen });
    expect(report.missing.map((m) => m.id)).toEqual([dropped.id]);
    expect(report.scannedMessages).toBe(storedIds('spp').length);
  });
});

interface RawGameBoost {
  orders: Map<
    string,
    { kind: string; id: number; fields: Record<string, unknown>; messages: unknown[] }
  >;
}

const kindOf = (orderKind: 'account' | 'item' | 'currency') => ({ gameboost: { orderKind } });
const OPEN_ORDERS = 9; // processing, pending and in_delivery, of each of the three kinds

describe('sync on GameBoost (three order lists scanned, open orders always read)', () => {
  it('first sync yields every seeded message once; a second yields nothing and reads only open orders', async () => {
    const messaging = facade();
    const first = await drain(messaging.sync('gb', { since: SINCE }));
    expect(first.messages.map((m) => m.id).sort()).toEqual(storedIds('gameboost'));
    const start = sb.state.requests.length;
    const second = await drain(messaging.sync('gb', { cursor: first.cursor }));
    expect(second.messages).toEqual([]);
    // One page of each list, one chat read per open order, no order reads (the list has the buyer).
    const counts = requestCounts('gameboost', start);
    expect(counts).toEqual({
      listAccountOrders: 1,
      listItemOrders: 1,
      listCurrencyOrders: 1,
      listAccountOrderMessages: OPEN_ORDERS / 3,
      listItemOrderMessages: OPEN_ORDERS / 3,
      listCurrencyOrderMessages: OPEN_ORDERS / 3,
    });
  });

  it('after one send, a sync yields exactly that message, with the order kind to answer it', async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('gb', { since: SINCE }));
    const orderId = sb.seed.gameboost.itemOrders.processing;
    const sent = await messaging.send('gb', {
      orderId,
      text: 'Delivered to your stash.',
      vendorOptions: kindOf('item'),
    });
    const after = await drain(messaging.sync('gb', { cursor }));
    expect(after.messages.map((m) => m.id)).toEqual([sent.message.id]);
    expect(after.orders).toEqual([
      { id: orderId, vendorOptions: kindOf('item'), needsReply: null },
    ]);
    expect((await drain(messaging.sync('gb', { cursor: after.cursor }))).messages).toEqual([]);
  });

  it('a customer message shows up with needsReply and its kind, and in the inbox', async () => {
    const messaging = facade();
    const orderId = sb.seed.gameboost.accountOrders.processing;
    const { cursor } = await drain(messaging.sync('gb', { since: SINCE }));
    await messaging.send('gb', { orderId, text: 'Credentials sent.' });
    const at = wholeSecond(new Date(Date.now() + 1000));
    const stored = sb.simulate.customerMessage('gameboost', orderId, 'They do not work.', { at });
    const after = await drain(messaging.sync('gb', { cursor }));
    expect(after.messages.map((m) => [m.id, m.author.kind])).toEqual([
      [expect.any(String), 'seller'],
      [stored.id, 'customer'],
    ]);
    expect(after.orders[1]).toEqual({
      id: orderId,
      vendorOptions: kindOf('account'),
      needsReply: { since: at },
    });
    const waiting = await messaging.inbox('gb');
    const entry = waiting.find((e) => e.orderId === orderId && e.vendorOptions?.gameboost);
    expect(entry).toMatchObject({ vendorOptions: kindOf('account'), needsReply: { since: at } });
    // The seed's other open orders wait on the buyer's first question, each under its own kind.
    expect(new Set(waiting.map((e) => JSON.stringify(e.vendorOptions))).size).toBe(3);
  });

  it("finds a message on an open order even when GameBoost leaves the order's updated_at alone", async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('gb', { since: SINCE }));
    const orderId = sb.seed.gameboost.currencyOrders.pending;
    const raw = sb.state.raw('gameboost') as RawGameBoost;
    const order = raw.orders.get(`currency:${orderId}`)!;
    const updatedAt = order.fields.updated_at;
    sb.simulate.customerMessage('gameboost', orderId, 'Still pending?');
    order.fields.updated_at = updatedAt;
    const after = await drain(messaging.sync('gb', { cursor }));
    expect(after.messages.map((m) => m.text)).toEqual(['Still pending?']);
    expect(after.orders[0]).toMatchObject({ id: orderId, vendorOptions: kindOf('currency') });
  });

  it('a message on a closed order is found when it moves updated_at', async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('gb', { since: SINCE }));
    const orderId = sb.seed.gameboost.itemOrders.delivered;
    sb.simulate.customerMessage('gameboost', orderId, 'Thanks!');
    const after = await drain(messaging.sync('gb', { cursor }));
    expect(after.messages.map((m) => m.text)).toEqual(['Thanks!']);
    expect(after.orders[0]).toMatchObject({ id: orderId, vendorOptions: kindOf('item') });
  });

  it('resumes after a crash mid-scan (after the account orders): nothing lost, nothing repeated', async () => {
    const crashed = await drain(facade().sync('gb', { since: SINCE }), 1);
    expect(crashed.checkpoints.every((c) => !c.complete)).toBe(true);
    const resumed = await drain(facade().sync('gb', { cursor: crashed.cursor }));
    const all = [...crashed.messages, ...resumed.messages].map((m) => m.id);
    expect(crashed.messages.length).toBeGreaterThan(0);
    expect(resumed.messages.length).toBeGreaterThan(0);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(storedIds('gameboost'));
  });

  it('audit: lists every order of every kind and reports the dropped message', async () => {
    const messaging = facade();
    const { messages } = await drain(messaging.sync('gb', { since: SINCE }));
    const dropped = messages.find((m) => m.author.kind === 'customer')!;
    const seen = messages.filter((m) => m !== dropped).map(syncKey);
    const report = await messaging.auditSync('gb', { since: SINCE, seen });
    expect(report.missing.map((m) => m.id)).toEqual([dropped.id]);
    expect(report.scannedOrders).toBe(15);
  });
});
