/**
 * Sync, audit and inbox against the sandbox over real HTTP: Mirakl (M11/M10) and Omnidesk; the
 * sync model against every vendor that syncs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  syncKey,
  ValidationError,
  type SyncCursor,
} from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { VENDORS, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { omnidesk } from '@org/order-messaging/omnidesk';
import {
  addMiraklCustomerMessage,
  addOmnideskCustomerMessage,
  drain,
  wholeSecond,
} from './support/sync-helpers.js';
import { sandboxAdapter } from './support/sandbox.js';

let sb: Sandbox;

beforeAll(async () => {
  // GameBoost's chat limit (5 a minute) would make the model's scans take minutes.
  sb = await startSandbox({ rateLimits: { gameboost: { chat: { limit: 10_000 } } } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const SINCE = new Date('2024-01-01T00:00:00Z');
/** Runs per vendor, each a few dozen HTTP calls; `SYNC_SANDBOX_RUNS=50` for more. */
const SANDBOX_MODEL_RUNS = Number(process.env.SYNC_SANDBOX_RUNS ?? 8);

function facade(pageSize?: number) {
  const vendor = sb.vendors.mirakl;
  const shop = () =>
    mirakl({
      baseUrl: vendor.baseUrl,
      auth: { type: 'apiKey', apiKey: vendor.apiKey },
      shopId: vendor.shopId,
      ...(pageSize ? { pageSize } : {}),
    });
  return createOrderMessaging({
    connections: {
      shop: shop(),
      'other-shop': shop(),
      desk: omnidesk({ baseUrl: sb.vendors.omnidesk.baseUrl, apiKey: sb.vendors.omnidesk.apiKey }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

const threadMessages = () => sb.state.messages('mirakl').filter((m) => m.threadId !== undefined);
const threadMessageIds = () =>
  threadMessages()
    .map((m) => m.id)
    .sort();
const timelineIds = () =>
  sb.state
    .messages('omnidesk')
    .map((m) => m.id)
    .sort();

describe('sync on Mirakl (M11 updated_since, M10 past the cap)', () => {
  it('first sync yields every seeded thread message once; a second sync from its cursor yields nothing', async () => {
    const messaging = facade();
    const first = await drain(messaging.sync('shop', { since: SINCE }));
    expect(first.messages.map((m) => m.id).sort()).toEqual(threadMessageIds());
    expect(first.checkpoints.at(-1)!.complete).toBe(true);
    expect(first.cursor).toMatchObject({ v: 1, vendor: 'mirakl', connection: 'shop' });
    const second = await drain(messaging.sync('shop', { cursor: first.cursor }));
    expect(second.messages).toEqual([]);
  });

  it('after one send, a sync yields exactly that message; the next one nothing', async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('shop', { since: SINCE }));
    const sent = await messaging.send('shop', {
      orderId: sb.seed.mirakl.orderWithThread,
      text: 'On its way.',
    });
    const after = await drain(messaging.sync('shop', { cursor }));
    expect(after.messages.map((m) => m.id)).toEqual([sent.message.id]);
    expect(after.orders).toEqual([{ id: sb.seed.mirakl.orderWithThread, needsReply: null }]);
    // The send lies inside the overlap of the next scan: listed again, not yielded again.
    const again = await drain(messaging.sync('shop', { cursor: after.cursor }));
    expect(again.messages).toEqual([]);
    expect(again.cursor.seen.map(([key]) => key)).toContain(sent.message.id);
  });

  it("a customer message shows up with needsReply from Mirakl's shop_reply_needed_since", async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    const { cursor } = await drain(messaging.sync('shop', { since: SINCE }));
    await messaging.send('shop', { orderId, text: 'Anything else?' });
    const at = new Date();
    const id = addMiraklCustomerMessage(sb, orderId, 'Yes: the invoice address is wrong.', at);
    const after = await drain(messaging.sync('shop', { cursor }));
    const index = after.messages.findIndex((m) => m.id === id);
    expect(after.messages[index]).toMatchObject({ author: { kind: 'customer' }, orderId });
    expect(after.orders[index]).toEqual({ id: orderId, needsReply: { since: at } });
    const waiting = await messaging.inbox('shop');
    expect(waiting.find((entry) => entry.orderId === orderId)?.needsReply).toEqual({ since: at });
    const sinces = waiting.map((entry) => entry.needsReply.since.getTime());
    expect(sinces).toEqual([...sinces].sort((a, b) => a - b));
  });

  it('resumes after a crash mid-scan: nothing lost, nothing repeated', async () => {
    const messaging = facade(1);
    const crashed = await drain(messaging.sync('shop', { since: SINCE }), 2);
    expect(crashed.checkpoints.every((c) => !c.complete)).toBe(true);
    // The mid-scan cursor keeps the old watermark, plus what was delivered.
    expect(crashed.cursor.watermark).toBe(SINCE.toISOString());
    const resumed = await drain(facade(1).sync('shop', { cursor: crashed.cursor }));
    const all = [...crashed.messages, ...resumed.messages].map((m) => m.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(threadMessageIds());
  });

  it('a message stored while a scan runs is seen in this scan or the next, once', async () => {
    const messaging = facade(1);
    const orderId = sb.seed.mirakl.orderWithThread;
    let added: string | undefined;
    const ids: string[] = [];
    let cursor;
    for await (const event of messaging.sync('shop', { since: SINCE })) {
      if (event.type === 'message') ids.push(event.message.id);
      else cursor = event.cursor;
      added ??= addMiraklCustomerMessage(sb, orderId, 'Hello again', new Date());
    }
    const next = await drain(messaging.sync('shop', { cursor: cursor! }));
    const all = [...ids, ...next.messages.map((m) => m.id)];
    expect(all.filter((id) => id === added)).toHaveLength(1);
    expect(new Set(all).size).toBe(all.length);
  });

  it("refuses another connection's cursor, a damaged one, and a start without since", async () => {
    const messaging = facade();
    const { cursor } = await drain(messaging.sync('shop', { since: new Date() }));
    await expect(drain(messaging.sync('other-shop', { cursor }))).rejects.toMatchObject({
      constructor: ValidationError,
      field: 'cursor',
      connection: 'other-shop',
    });
    await expect(drain(messaging.sync('desk', { cursor }))).rejects.toBeInstanceOf(ValidationError);
    await expect(drain(messaging.sync('shop', { cursor: '{"v":2}' }))).rejects.toMatchObject({
      field: 'cursor',
    });
    await expect(drain(messaging.sync('shop', {}))).rejects.toMatchObject({ field: 'since' });
    // The JSON text of a cursor is accepted as well as the object.
    await expect(
      drain(messaging.sync('shop', { cursor: JSON.stringify(cursor) })),
    ).resolves.toBeDefined();
  });

  it('audit: a full listing reports exactly the message the caller dropped', async () => {
    const messaging = facade();
    const { messages } = await drain(messaging.sync('shop', { since: SINCE }));
    const dropped = messages[Math.floor(messages.length / 2)]!;
    const seen = messages.filter((m) => m !== dropped).map(syncKey);
    const report = await messaging.auditSync('shop', { since: SINCE, seen });
    expect(report.missing.map((m) => m.id)).toEqual([dropped.id]);
    expect(report.scannedMessages).toBe(threadMessageIds().length);
    expect(report.scannedOrders).toBeGreaterThan(1);
    const clean = await messaging.auditSync('shop', { since: SINCE, seen: messages.map(syncKey) });
    expect(clean.missing).toEqual([]);
  });
});

describe('sync on Omnidesk (every listed ticket read)', () => {
  it('first sync, second sync, a send, a customer message with needsReply, an audit', async () => {
    const messaging = facade();
    const first = await drain(messaging.sync('desk', { since: SINCE }));
    const notEvents = first.messages.map((m) => m.id).sort();
    expect(notEvents).toEqual(timelineIds());
    expect((await drain(messaging.sync('desk', { cursor: first.cursor }))).messages).toEqual([]);

    const ticket = sb.seed.omnidesk.ticketWithMessages;
    await messaging.send('desk', { orderId: String(ticket), text: 'We are on it.' });
    const afterSend = await drain(messaging.sync('desk', { cursor: first.cursor }));
    expect(afterSend.messages.map((m) => m.text)).toEqual(['We are on it.']);
    expect(afterSend.orders).toEqual([{ id: String(ticket), needsReply: null }]);

    // A second after the send: Omnidesk times have whole seconds, and the send's must come first.
    const at = wholeSecond(new Date(Date.now() + 1000));
    addOmnideskCustomerMessage(sb, ticket, 'Still waiting.', at);
    const afterCustomer = await drain(messaging.sync('desk', { cursor: afterSend.cursor }));
    expect(afterCustomer.messages.map((m) => [m.text, m.author.kind])).toEqual([
      ['Still waiting.', 'customer'],
    ]);
    expect(afterCustomer.orders[0]).toEqual({ id: String(ticket), needsReply: { since: at } });
    const waiting = await messaging.inbox('desk');
    expect(waiting.find((entry) => entry.orderId === String(ticket))?.needsReply).toEqual({
      since: at,
    });

    const seen = [...first.messages, ...afterSend.messages].map(syncKey);
    const until = new Date(Date.now() + 60_000);
    const report = await messaging.auditSync('desk', { since: SINCE, until, seen });
    expect(report.missing.map((m) => m.text)).toEqual(['Still waiting.']);
  });
});

/** Vendors whose capabilities say they sync: each joins the model test by itself. */
const WITH_SYNC = VENDORS.filter((d) => (d.capabilities.sync?.mode ?? 'none') !== 'none');
/** The sandbox's clock runs up to this far from the local one, either way. */
const SKEW = 500;
/** A customer message is dated up to this far before it is stored. */
const LAG = 500;
/**
 * Above SKEW + LAG + 1 s: SPP, Omnidesk and GameBoost show whole seconds, so a message can look
 * up to a second older than it is.
 */
const MODEL_OVERLAP = 2_500;

type During = { order: number; lag: number } | { skew: number } | null;

describe.each(WITH_SYNC.map((d) => [d.name, d] as const))(
  'sync model against the sandbox (smaller): %s',
  (vendor, descriptor) => {
    it('customer messages during scans, clock skew steps, crashes at any event: each delivered once', async () => {
      const during: fc.Arbitrary<During> = fc.oneof(
        { weight: 3, arbitrary: fc.record({ order: fc.nat(3), lag: fc.nat(LAG) }) },
        { weight: 1, arbitrary: fc.record({ skew: fc.integer({ min: -SKEW, max: SKEW }) }) },
        { weight: 1, arbitrary: fc.constant(null) },
      );
      const scan = fc.record({
        crashAfter: fc.option(fc.nat(8), { nil: null }),
        during: fc.array(during, { maxLength: 8 }),
      });
      let skew = 0;
      // The sandbox's clock outlives `reset()`: every run starts and ends without skew.
      const skewTo = (ms: number) => {
        sb.clock.advance(ms - skew);
        skew = ms;
      };
      await fc.assert(
        fc.asyncProperty(fc.array(scan, { minLength: 1, maxLength: 4 }), async (scans) => {
          sb.reset();
          try {
            await runModel(vendor, descriptor, scans, skewTo);
          } finally {
            skewTo(0);
          }
        }),
        { numRuns: SANDBOX_MODEL_RUNS },
      );
    }, 120_000);
  },
);

/** Whether sync delivers this stored message (Mirakl's OR42 order messages live outside threads). */
const synced = (vendor: string, m: { threadId?: string }) =>
  vendor !== 'mirakl' || m.threadId !== undefined;

async function runModel(
  vendor: string,
  descriptor: AnyVendorDescriptor,
  scans: readonly { crashAfter: number | null; during: readonly During[] }[],
  skewTo: (ms: number) => void,
) {
  // Mirakl: one thread a page, so pages shift under the scan; the others list the seed in one.
  const extra = vendor === 'mirakl' ? { pageSize: 1 } : {};
  const messaging = createOrderMessaging({
    connections: {
      [vendor]: { adapter: sandboxAdapter(sb, descriptor, extra), rateLimits: false },
    },
    retry: false,
  });
  const orders = [
    ...new Set(
      sb.state
        .messages(vendor)
        .filter((m) => synced(vendor, m))
        .map((m) => m.orderId),
    ),
  ];
  const since = wholeSecond(new Date(Date.now() - 60_000));
  const committed: string[] = [];
  let cursor: SyncCursor | undefined;
  const run = async (crashAfter: number | null, during: readonly During[]) => {
    let buffer: string[] = [];
    let index = 0;
    const start = cursor ? { cursor } : { since };
    for await (const event of messaging.sync(vendor, { ...start, overlapMs: MODEL_OVERLAP })) {
      if (event.type === 'message') buffer.push(syncKey(event.message));
      else {
        committed.push(...buffer);
        buffer = [];
        cursor = event.cursor;
      }
      const step = during[index];
      if (step && 'skew' in step) skewTo(step.skew);
      else if (step) {
        const at = new Date(sb.clock.now().getTime() - step.lag);
        sb.simulate.customerMessage(vendor, orders[step.order % orders.length]!, 'hi', { at });
      }
      if (crashAfter === index++) return;
    }
  };
  for (const s of scans) await run(s.crashAfter, s.during);
  skewTo(0);
  await run(null, []);
  await run(null, []);
  const due = sb.state
    .messages(vendor)
    .filter((m) => synced(vendor, m) && m.createdAt.getTime() >= since.getTime())
    .map((m) => m.id);
  expect(new Set(committed).size).toBe(committed.length);
  expect([...committed].sort()).toEqual(due.sort());
}
