/**
 * The sync cursor under steady traffic, against the sandbox (SPP and Mirakl): 300 orders, and a
 * customer writing on an order the scan has passed after every page. An engine that keeps its
 * watermark whenever an order is listed twice never moves it here: every scan re-reads all 300
 * orders and the cursor's `seen` list grows. The watermark must move, later scans cost a few
 * requests, and a quiet scan after the traffic one list request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, type SyncCursor } from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { spp } from '@org/order-messaging/spp';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ rateLimits: false });
});
afterAll(() => sb.close());
afterEach(() => {
  vi.useRealTimers();
  sb.reset();
});

const ORDERS = 300;
const OVERLAP = 1000;

function facade() {
  const { mirakl: mk, spp: sp } = sb.vendors;
  return createOrderMessaging({
    connections: {
      mirakl: {
        adapter: mirakl({
          baseUrl: mk.baseUrl,
          auth: { type: 'apiKey', apiKey: mk.apiKey },
          shopId: mk.shopId,
          pageSize: 50,
        }),
        rateLimits: false,
      },
      spp: { adapter: spp({ baseUrl: sp.baseUrl, token: sp.token }), rateLimits: false },
    },
    retry: false,
  });
}

interface Scan {
  requests: number;
  delivered: string[];
  cursor: SyncCursor;
}

describe.each(['spp', 'mirakl'] as const)('%s', (vendor) => {
  it('the watermark moves while customers write during every scan; a quiet scan is one request', async () => {
    // Local and sandbox time stand still inside a scan and jump between scans: no waiting.
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const since = new Date(start - 7_200_000);
    const ids = sb.simulate.populate({
      vendor,
      orders: ORDERS,
      messagesPerOrder: 2,
      spacingMs: 10,
      from: new Date(start - 3_600_000),
    });
    const messaging = facade();
    let cursor: SyncCursor | undefined;
    let written = 0;
    const scan = async (traffic: boolean): Promise<Scan> => {
      vi.setSystemTime(Date.now() + 3_500);
      const before = sb.state.requests.length;
      const delivered: string[] = [];
      const position = cursor ? { cursor } : { since };
      for await (const event of messaging.sync(vendor, { ...position, overlapMs: OVERLAP })) {
        if (event.type === 'message') delivered.push(event.message.id);
        else {
          cursor = JSON.parse(JSON.stringify(event.cursor)) as SyncCursor;
          // A customer on an order the listing has passed (the first ones listed, oldest first).
          if (traffic && !event.complete) {
            const orderId = ids[(written++ * 13) % ids.length]!;
            sb.simulate.customerMessage(vendor, orderId, `during scan ${written}`);
          }
        }
      }
      return { requests: sb.state.requests.length - before, delivered, cursor: cursor! };
    };

    const busy: Scan[] = [];
    for (let i = 0; i < 4; i++) busy.push(await scan(true));
    const quiet = [await scan(false), await scan(false)];

    for (const [i, s] of busy.entries()) {
      expect(Date.parse(s.cursor.watermark), `scan ${i + 1}`).toBeGreaterThan(since.getTime());
      expect(s.cursor.seen.length, `scan ${i + 1}`).toBeLessThan(20);
    }
    // After the first scan, only the orders written to are listed and read.
    for (const s of busy.slice(1)) expect(s.requests).toBeLessThanOrEqual(12);
    expect(quiet[1]!.requests).toBe(1);
    expect(quiet[1]!.delivered).toEqual([]);
    const all = [...busy, ...quiet].flatMap((s) => s.delivered);
    expect(new Set(all).size).toBe(all.length);
    const stored = sb.state
      .messages(vendor)
      .filter((m) => m.createdAt.getTime() >= since.getTime())
      .map((m) => m.id);
    expect(all.sort()).toEqual(stored.sort());
  }, 60_000);
});
