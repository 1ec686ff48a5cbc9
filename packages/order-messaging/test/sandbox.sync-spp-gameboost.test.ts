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
