/**
 * What tests of incremental sync need from the sandbox: a clock they move, customer messages
 * on any vendor's order that move the order's change times, and thousands of orders fast.
 */
import { createGameBoostClient } from '@org/gameboost-client';
import { createMiraklClient } from '@org/mirakl-client';
import { createSppClient } from '@org/spp-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';

const START = new Date('2025-03-01T10:00:00Z');
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ clock: () => START, rateLimits: false });
});

beforeEach(() => {
  sb.reset();
  sb.clock.set(START);
});

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

describe('clock', () => {
  it('set stops time, advance moves it, resume lets it run from there', async () => {
    expect(sb.clock.now()).toEqual(START);
    sb.clock.advance(90_000);
    expect(sb.clock.now().toISOString()).toBe('2025-03-01T10:01:30.000Z');
    sb.clock.set('2025-06-01T00:00:00Z');
    expect(sb.clock.now().toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(() => sb.clock.set('not a time')).toThrow(RangeError);

    const spp = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token });
    const { data } = await spp.POST('/api/order_messages/{order}', {
      params: { path: { order: sb.seed.spp.orderWithoutMessages.id } },
      body: { message: 'Stamped by the sandbox clock' },
    });
    expect(data?.created_at).toBe('2025-06-01T00:00:00+00:00');
  });

  it('resume keeps the offset of a real-time base clock', async () => {
    const live = await startSandbox({ rateLimits: false });
    try {
      live.clock.advance(3_600_000);
      const ahead = live.clock.now().getTime() - Date.now();
      expect(ahead).toBeGreaterThan(3_590_000);
      live.clock.set(START);
      live.clock.resume();
      expect(Math.abs(live.clock.now().getTime() - START.getTime())).toBeLessThan(5_000);
    } finally {
      await live.close();
    }
  });
});

describe('customer messages', () => {
  it('SPP: by order number or id, from the client user, moving last_message_at and updated_at', async () => {
    sb.clock.advance(5_000);
    const order = sb.seed.spp.orderWithoutMessages;
    const stored = sb.simulate.customerMessage('spp', order.number, 'Any news?');
    expect(stored).toMatchObject({
      vendor: 'spp',
      orderId: order.id,
      text: 'Any news?',
      author: { kind: 'customer', id: String(sb.seed.spp.clientUserId) },
      createdAt: new Date('2025-03-01T10:00:05Z'),
    });
    const spp = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token });
    const { data } = await spp.GET('/api/orders', {
      params: { query: { sort: 'last_message_at:desc', limit: 1 } },
    });
    expect(data!.data[0]).toMatchObject({
      id: Number(order.id),
      last_message_at: '2025-03-01T10:00:05+00:00',
      updated_at: '2025-03-01T10:00:05+00:00',
    });
  });

  it('SPP: an explicit earlier time does not move last_message_at back', () => {
    const order = sb.seed.spp.orderWithManyMessages.id;
    const raw = sb.state.raw('spp') as { orders: { id: number; last_message_at: Date }[] };
    const before = raw.orders.find((o) => String(o.id) === order)!.last_message_at;
    sb.simulate.customerMessage('spp', order, 'Late delivery of an old mail', {
      at: new Date('2020-01-01T00:00:00Z'),
    });
    expect(raw.orders.find((o) => String(o.id) === order)!.last_message_at).toEqual(before);
  });

  it('GameBoost: the buyer writes in any status; the order moves to the top of -updated_at', async () => {
    const id = sb.seed.gameboost.itemOrders.delivered;
    const stored = sb.simulate.customerMessage('gameboost', id, 'Thanks!');
    expect(stored).toMatchObject({ orderId: id, author: { kind: 'buyer' } });
    const gb = createGameBoostClient({
      baseUrl: sb.vendors.gameboost.baseUrl,
      token: sb.vendors.gameboost.token,
    });
    const { data } = await gb.GET('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: id } },
    });
    expect(data?.data?.at(-1)).toMatchObject({
      text: 'Thanks!',
      sender: { id: sb.seed.gameboost.buyerId },
      sent_at: START.getTime() / 1000,
    });
    const order = await gb.GET('/v2/item-orders/{itemOrder}', {
      params: { path: { itemOrder: id } },
    });
    expect(order.data?.data?.updated_at).toBe(START.getTime() / 1000);
  });

  it("Mirakl: into the order's newest thread (or a given one), moving date_updated and the last sender", async () => {
    const order = sb.seed.mirakl.orderWithThread;
    const stored = sb.simulate.customerMessage('mirakl', order, 'Where is it?');
    expect(stored).toMatchObject({ orderId: order, author: { kind: 'customer' } });
    const mirakl = createMiraklClient({
      baseUrl: sb.vendors.mirakl.baseUrl,
      auth: { type: 'apiKey', apiKey: sb.vendors.mirakl.apiKey },
    });
    const { data } = await mirakl.GET('/api/inbox/threads', {
      params: { query: { updated_since: '2025-03-01T09:59:59Z' } },
    });
    expect(data?.data).toHaveLength(1);
    expect(data?.data[0]).toMatchObject({
      id: stored.threadId,
      date_updated: START.toISOString(),
      metadata: { last_sender: { type: 'CUSTOMER' } },
    });
    const fresh = sb.simulate.customerMessage('mirakl', order, 'Same thread', {
      threadId: stored.threadId!,
    });
    expect(fresh.threadId).toBe(stored.threadId);
    expect(() =>
      sb.simulate.customerMessage('mirakl', order, 'x', { threadId: 'no-such-thread' }),
    ).toThrow(RangeError);
  });

  it('Omnidesk: an incoming message on the ticket; unknown orders and vendors throw', () => {
    const ticket = String(sb.seed.omnidesk.solvedTicket);
    const stored = sb.simulate.customerMessage('omnidesk', ticket, 'It broke again');
    expect(stored).toMatchObject({ orderId: ticket, author: { kind: 'customer' } });
    expect(sb.state.messages('omnidesk', ticket).at(-1)?.text).toBe('It broke again');
    expect(() => sb.simulate.customerMessage('omnidesk', '999999', 'x')).toThrow(RangeError);
    expect(() => sb.simulate.customerMessage('spp', 'NOPE', 'x')).toThrow(RangeError);
    expect(() => sb.simulate.customerMessage('nobody', '1', 'x')).toThrow(RangeError);
  });
});

describe('populate', () => {
  it('adds 2,000 orders with 10,000 messages in well under a second per vendor', () => {
    for (const vendor of ['spp', 'gameboost', 'mirakl', 'omnidesk'] as const) {
      const before = sb.state.messages(vendor).length;
      const started = performance.now();
      const ids = sb.simulate.populate({ vendor, orders: 2000, messagesPerOrder: 5 });
      const elapsed = performance.now() - started;
      expect(ids, vendor).toHaveLength(2000);
      expect(new Set(ids).size, vendor).toBe(2000);
      expect(sb.state.messages(vendor).length - before, vendor).toBe(10_000);
      expect(elapsed, vendor).toBeLessThan(1000);
    }
  });

  it('spaces messages by spacingMs so the last lands on now, and serves the result', async () => {
    const ids = sb.simulate.populate({
      vendor: 'spp',
      orders: 3,
      messagesPerOrder: 2,
      spacingMs: 60_000,
    });
    const last = sb.state.messages('spp', ids[2]).at(-1)!;
    expect(last.createdAt).toEqual(START);
    expect(sb.state.messages('spp', ids[0])[0]!.createdAt).toEqual(
      new Date(START.getTime() - 300_000),
    );
    const spp = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token });
    const { data } = await spp.GET('/api/orders', {
      params: { query: { 'filters[last_message_at][$gt]': '2025-03-01T09:57:00+00:00' } },
    });
    expect(data!.data.map((o) => String(o.id))).toEqual([ids[1], ids[2]]);
  });

  it('GameBoost: kind and status; populated orders are listed and their chats readable', async () => {
    const ids = sb.simulate.populate({
      vendor: 'gameboost',
      orders: 60,
      messagesPerOrder: 2,
      kind: 'currency',
      status: 'in_delivery',
    });
    const gb = createGameBoostClient({
      baseUrl: sb.vendors.gameboost.baseUrl,
      token: sb.vendors.gameboost.token,
    });
    const { data } = await gb.GET('/v2/currency-orders', {
      params: { query: { 'filter[status]': 'in_delivery', per_page: 50, page: 2 } },
    });
    expect(data!.meta!.total).toBe(61);
    expect(data!.data).toHaveLength(11);
    const chat = await gb.GET('/v2/currency-orders/{currencyOrder}/messages', {
      params: { path: { currencyOrder: ids[0]! } },
    });
    expect(chat.data?.data?.map((m) => m.sender?.id)).toEqual([
      sb.seed.gameboost.buyerId,
      sb.seed.gameboost.sellerId,
    ]);
    expect(() => sb.simulate.populate({ vendor: 'gameboost', orders: 1, kind: 'gift' })).toThrow(
      RangeError,
    );
  });
});
