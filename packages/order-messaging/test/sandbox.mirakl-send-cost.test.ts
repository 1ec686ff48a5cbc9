/**
 * What a Mirakl send costs: M11 once per order and connection, then M12 alone; M10 only when the
 * caller asks for Mirakl's stored copy. And a remembered thread never causes a duplicate: a
 * refusal of it (unknown thread, full thread) drops it and the order is looked up again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, NotFoundError, ValidationError } from '@org/order-messaging';
import { mirakl, type MiraklConnectionOptions } from '@org/order-messaging/mirakl';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ rateLimits: false });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade(extra: Partial<MiraklConnectionOptions> = {}) {
  const vendor = sb.vendors.mirakl;
  return createOrderMessaging({
    connections: {
      shop: mirakl({
        baseUrl: vendor.baseUrl,
        auth: { type: 'apiKey', apiKey: vendor.apiKey },
        shopId: vendor.shopId,
        ...extra,
      }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

/** The operations the sandbox saw while `run` ran. */
async function operations(run: () => Promise<unknown>): Promise<string[]> {
  const before = sb.state.requests.length;
  await run();
  return sb.state.requests.slice(before).map((r) => r.operationId ?? r.path);
}

const threadMessages = (orderId: string) =>
  sb.state.messages('mirakl', orderId).filter((m) => m.threadId !== undefined);

interface RawThread {
  id: string;
  entity: { id: string };
}
const rawThreads = () => (sb.state.raw('mirakl') as { threads: RawThread[] }).threads;

describe('mirakl send cost', () => {
  it('looks the thread up once (M11), then posts with M12 alone; no read-back', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    const first = await operations(() => messaging.send('shop', { orderId, text: 'One.' }));
    const second = await operations(() => messaging.send('shop', { orderId, text: 'Two.' }));
    expect(first).toEqual(['listThreads', 'replyToThread']);
    expect(second).toEqual(['replyToThread']);
    expect(
      threadMessages(orderId)
        .map((m) => m.text)
        .slice(-2),
    ).toEqual(['One.', 'Two.']);
  });

  it('builds the message from M12’s answer and the request', async () => {
    const orderId = sb.seed.mirakl.orderWithThread;
    const started = Date.now();
    const { message } = await facade().send('shop', { orderId, text: 'Built, not read.' });
    const stored = threadMessages(orderId).at(-1)!;
    expect(message).toMatchObject({
      id: stored.id,
      threadId: sb.seed.mirakl.threadId,
      orderId,
      text: 'Built, not read.',
      author: { kind: 'seller' },
      internal: false,
      attachments: [],
      vendor: 'mirakl',
      connection: 'shop',
    });
    expect(message.sentAt.getTime()).toBeGreaterThanOrEqual(started);
  });

  it('readBack: true reads Mirakl’s stored copy with M10', async () => {
    const orderId = sb.seed.mirakl.orderWithThread;
    let result: Awaited<ReturnType<ReturnType<typeof facade>['send']>> | undefined;
    const ops = await operations(async () => {
      result = await facade().send('shop', {
        orderId,
        text: 'Read me back.',
        vendorOptions: { mirakl: { readBack: true } },
      });
    });
    expect(ops).toEqual(['listThreads', 'replyToThread', 'getThread']);
    const stored = threadMessages(orderId).at(-1)!;
    expect(result!.message.id).toBe(stored.id);
    expect(result!.message.sentAt.toISOString()).toBe(stored.createdAt.toISOString());
    expect(result!.message.author.name).toBeDefined();
  });

  it('readBack must be a boolean', async () => {
    const error = await facade()
      .send('shop', {
        orderId: sb.seed.mirakl.orderWithThread,
        text: 'x',
        vendorOptions: { mirakl: { readBack: 'yes' as unknown as boolean } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'vendorOptions.mirakl.readBack' });
  });

  it('a named thread costs M11 + M12, then M12 alone', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    const request = {
      orderId,
      text: 'In the named thread.',
      vendorOptions: { mirakl: { threadId: sb.seed.mirakl.threadId } },
    };
    expect(await operations(() => messaging.send('shop', request))).toEqual([
      'listThreads',
      'replyToThread',
    ]);
    expect(await operations(() => messaging.send('shop', request))).toEqual(['replyToThread']);
  });

  it('a remembered thread that is gone (404) is dropped; the order is looked up again, the message stored once', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    await messaging.send('shop', { orderId, text: 'Before the thread went away.' });
    const threads = rawThreads();
    const index = threads.findIndex((t) => t.id === sb.seed.mirakl.threadId);
    threads.splice(index, 1);
    let result: Awaited<ReturnType<typeof messaging.send>> | undefined;
    const ops = await operations(async () => {
      result = await messaging.send('shop', { orderId, text: 'After it went away.' });
    });
    expect(ops).toEqual(['replyToThread', 'listThreads', 'createOrderThread']);
    expect(sb.state.requests.at(-3)!.status).toBe(404);
    const stored = threadMessages(orderId).filter((m) => m.text === 'After it went away.');
    expect(stored).toHaveLength(1);
    expect(result!.message.threadId).toBe(stored[0]!.threadId);
    // No thread of the order named the customer's id when OR43 opened this one, so it is not
    // remembered with a guessed `to`: the next send finds it with M11, and remembers it then.
    expect(await operations(() => messaging.send('shop', { orderId, text: 'Again.' }))).toEqual([
      'listThreads',
      'replyToThread',
    ]);
    expect(await operations(() => messaging.send('shop', { orderId, text: 'Again.' }))).toEqual([
      'replyToThread',
    ]);
  });

  it('a remembered named thread that is gone is the 404 itself: no other thread stands in', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    const request = {
      orderId,
      text: 'Named.',
      vendorOptions: { mirakl: { threadId: sb.seed.mirakl.threadId } },
    };
    await messaging.send('shop', request);
    const threads = rawThreads();
    threads.splice(
      threads.findIndex((t) => t.id === sb.seed.mirakl.threadId),
      1,
    );
    const error = await messaging.send('shop', request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, delivery: 'rejected' });
    expect(sb.state.requests.at(-1)!.operationId).toBe('replyToThread');
  });

  it('a full thread is skipped by the lookup; a remembered one that fills up is dropped, once', async () => {
    const messaging = facade();
    const [orderId] = sb.simulate.populate({ vendor: 'mirakl', orders: 1, messagesPerOrder: 998 });
    // 998 + ours = 999: remembered, one below Mirakl's 1,000.
    await messaging.send('shop', { orderId: orderId!, text: 'Reply 999.' });
    sb.simulate.customerMessage('mirakl', orderId!, 'Message 1000 fills the thread.');
    const ops = await operations(() =>
      messaging.send('shop', { orderId: orderId!, text: 'In a new thread.' }),
    );
    expect(ops).toEqual(['replyToThread', 'listThreads', 'createOrderThread']);
    expect(sb.state.requests.at(-3)!.status).toBe(400);
    expect(threadMessages(orderId!).filter((m) => m.text === 'In a new thread.')).toHaveLength(1);

    // A fresh connection never posts to the full thread: M11's count rules it out.
    const [full] = sb.simulate.populate({ vendor: 'mirakl', orders: 1, messagesPerOrder: 1000 });
    expect(
      await operations(() => facade().send('shop', { orderId: full!, text: 'Fresh lookup.' })),
    ).toEqual(['listThreads', 'createOrderThread']);
  });

  it('after a refused remembered thread, a lookup that fails reports the refusal, not `not_sent`', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    await messaging.send('shop', { orderId, text: 'Remember this thread.' });
    const stored = threadMessages(orderId).length;
    sb.faults.inject({ vendor: 'mirakl', operationId: 'replyToThread', status: 404 });
    sb.faults.inject({ vendor: 'mirakl', operationId: 'listThreads', drop: 'before-apply' });
    const error = await messaging
      .send('shop', { orderId, text: 'Refused, then the lookup fails.' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, delivery: 'rejected' });
    expect(threadMessages(orderId)).toHaveLength(stored);
  });

  it('threadCacheSize: 0 looks every send up', async () => {
    const messaging = facade({ threadCacheSize: 0 });
    const orderId = sb.seed.mirakl.orderWithThread;
    await messaging.send('shop', { orderId, text: 'One.' });
    expect(await operations(() => messaging.send('shop', { orderId, text: 'Two.' }))).toEqual([
      'listThreads',
      'replyToThread',
    ]);
  });
});
