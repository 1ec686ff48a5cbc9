/**
 * A connection with `rateLimits: false` against a sandbox that allows 20 requests a second and
 * answers 429 with `Retry-After` beyond: the facade's limiter learns the limit from the 429s, and
 * a burst of concurrent sends is delivered, each once, instead of burning its retries on 429s.
 */
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';
import { VENDORS } from '@org/order-messaging/vendors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LIMIT = 20;
const SENDS = 100;
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({
    validateResponses: false,
    rateLimits: {
      ...Object.fromEntries(VENDORS.map((vendor) => [vendor.name, false] as const)),
      spp: { all: { limit: LIMIT, windowMs: 1_000 } },
    },
  });
});
afterAll(() => sb.close());

describe('a limit the connection was not told about', () => {
  it(`${SENDS} concurrent sends against a ${LIMIT}/s vendor: all delivered, none twice`, async () => {
    const messaging = createOrderMessaging({
      connections: {
        spp: {
          adapter: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }),
          rateLimits: false,
        },
      },
      totalTimeoutMs: 30_000,
    });
    const order = sb.seed.spp.orderWithoutMessages;
    const prefix = `undeclared ${Date.now()}`;
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: SENDS }, (_, i) =>
        messaging.send('spp', { orderId: String(order.number), text: `${prefix} #${i}` }),
      ),
    );
    const elapsedMs = performance.now() - started;
    const stored = sb.state
      .messages('spp', order.id)
      .map((message) => message.text)
      .filter((text) => text.startsWith(prefix));
    const delivered = new Set(stored).size;
    const throttled = sb.state.requests.filter((r) => r.status === 429).length;
    console.log(
      `facade, rateLimits: false, ${LIMIT}/s: delivered ${delivered}/${SENDS}, duplicates ${stored.length - delivered}, 429s ${throttled}, requests ${sb.state.requests.length}, elapsed ${(elapsedMs / 1000).toFixed(1)} s`,
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(delivered).toBe(SENDS);
    expect(stored).toHaveLength(SENDS);
  }, 45_000);
});
