/**
 * A connection with `rateLimits: false` against a sandbox that allows 20 requests a second and
 * answers 429 with `Retry-After` beyond: the facade's limiter learns the limit from the 429s, and
 * 500 concurrent sends are delivered, each once, within their deadline, at nearly the server's
 * rate, instead of burning their retries on 429s (before the limiter learned, 59 of 500 arrived).
 *
 * The rate is counted in the server's own windows, rebuilt from its request log, never from the
 * test's clock: accepted posts ÷ (windows × the limit per window), for the windows the server
 * opened (each nearly full) and for those plus the idle time between them (no rate wasted
 * between windows). Measured on a 2-core machine: 500/500 delivered, 25 windows opened (fill
 * 1.0), efficiency 0.97 with the idle time; the checks are ≥ 0.9.
 */
import { startSandbox, type RequestLogEntry, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';
import { VENDORS } from '@org/order-messaging/vendors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LIMIT = 20;
const WINDOW_MS = 1_000;
const SENDS = 500;
/** Each send's `totalTimeoutMs`: a fulfilled send was delivered within it. */
const DEADLINE_MS = 30_000;
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({
    validateResponses: false,
    rateLimits: {
      ...Object.fromEntries(VENDORS.map((vendor) => [vendor.name, false] as const)),
      spp: { all: { limit: LIMIT, windowMs: WINDOW_MS } },
    },
  });
});
afterAll(() => sb.close());

/**
 * The server's fixed windows up to the one holding the last accepted post, rebuilt from its log:
 * a window opens with the first request after the previous one closed, as the sandbox's limiter
 * opens them. `opened` counts them; `occupied` also counts the idle time between them, as the
 * fraction of a window it could have held (a client that idles between windows wastes rate the
 * count alone would not show).
 */
function serverWindows(log: readonly RequestLogEntry[], lastAccepted: number) {
  const starts: number[] = [];
  for (const at of log.map((entry) => entry.at.getTime()).sort((a, b) => a - b)) {
    if (at > lastAccepted) break;
    if (starts.length === 0 || at >= starts.at(-1)! + WINDOW_MS) starts.push(at);
  }
  const occupied = starts.length === 0 ? 0 : (starts.at(-1)! - starts[0]!) / WINDOW_MS + 1;
  return { opened: starts.length, occupied };
}

describe('a limit the connection was not told about', () => {
  it(`${SENDS} concurrent sends against a ${LIMIT}/s vendor: ≥ 95 % delivered within the deadline at ≥ 0.9 of its rate, none twice`, async () => {
    const messaging = createOrderMessaging({
      connections: {
        spp: {
          adapter: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }),
          rateLimits: false,
        },
      },
      totalTimeoutMs: DEADLINE_MS,
    });
    const order = sb.seed.spp.orderWithoutMessages;
    const prefix = `undeclared ${Date.now()}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: SENDS }, (_, i) =>
        messaging.send('spp', { orderId: String(order.number), text: `${prefix} #${i}` }),
      ),
    );
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled').length;
    const stored = sb.state
      .messages('spp', order.id)
      .map((message) => message.text)
      .filter((text) => text.startsWith(prefix));
    const distinct = new Set(stored).size;
    const log = sb.state.requests.filter((entry) => entry.vendor === 'spp');
    const accepted = log.filter((e) => e.method === 'POST' && e.status >= 200 && e.status < 300);
    const lastAccepted = Math.max(...accepted.map((entry) => entry.at.getTime()));
    const windows = serverWindows(log, lastAccepted);
    const fill = accepted.length / (windows.opened * LIMIT);
    const efficiency = accepted.length / (windows.occupied * LIMIT);
    const throttled = log.filter((entry) => entry.status === 429).length;
    console.log(
      `undeclared ${LIMIT}/s limit, ${SENDS} concurrent sends: delivered within the ${DEADLINE_MS / 1000} s deadline ${fulfilled}/${SENDS}, stored ${distinct}, duplicates ${stored.length - distinct}, accepted posts ${accepted.length} in ${windows.opened} server windows (fill ${fill.toFixed(3)}), ${windows.occupied.toFixed(2)} windows with the idle time between them (efficiency ${efficiency.toFixed(3)}), 429s ${throttled}, requests ${log.length}`,
    );
    expect(fulfilled).toBeGreaterThanOrEqual(Math.ceil(SENDS * 0.95));
    expect(distinct).toBeGreaterThanOrEqual(fulfilled);
    expect(stored.length - distinct).toBe(0);
    expect(fill).toBeGreaterThanOrEqual(0.9);
    expect(efficiency).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});
