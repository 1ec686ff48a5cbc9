/**
 * The benchmark tiers are only comparable if they make the same HTTP requests as the facade.
 * These tests send through every tier against the sandbox and compare the requests on the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { createOrderMessaging } from '@org/order-messaging';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { bareCall, bareClient, clientCall, rawFetchCall, undiciCall } from '../src/executors.js';
import {
  VENDOR_NAMES,
  vendorPlans,
  type FetchLike,
  type Vendor,
  type VendorPlan,
} from '../src/plans.js';

interface WireRequest {
  method: string;
  path: string;
  query: [string, string][];
  body: unknown;
}

async function describeRequest(request: Request): Promise<WireRequest> {
  const url = new URL(request.url);
  const contentType = request.headers.get('content-type') ?? '';
  let body: unknown;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await request.formData();
    body = Object.fromEntries(
      [...form.entries()].map(([name, value]) => {
        const text = String(value);
        try {
          return [name, JSON.parse(text)];
        } catch {
          return [name, text];
        }
      }),
    );
  } else if (contentType.startsWith('application/json')) {
    body = await request.json();
  }
  return {
    method: request.method,
    path: url.pathname,
    query: [...url.searchParams.entries()].sort(([a], [b]) => a.localeCompare(b)),
    body,
  };
}

function recorder() {
  const seen: WireRequest[] = [];
  const fetchImpl: FetchLike = async (request) => {
    seen.push(await describeRequest(request.clone()));
    return fetch(request);
  };
  return { seen, fetch: fetchImpl };
}

const TEXT = 'Benchmark plan check: parcel left today.';
let sandbox: Sandbox;
let plans: Record<Vendor, VendorPlan>;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: false });
  plans = await vendorPlans({ url: sandbox.url, vendors: sandbox.vendors, seed: sandbox.seed });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

describe.each(VENDOR_NAMES)('%s', (vendor) => {
  /** The requests of a send once the connection has sent to the order (what the tiers repeat). */
  async function facadeRequests(): Promise<WireRequest[]> {
    const rec = recorder();
    const plan = plans[vendor];
    const messaging = createOrderMessaging({
      connections: { [vendor]: plan.connection({ fetch: rec.fetch, rateLimits: false }) },
    });
    await messaging.send(vendor, { orderId: plan.orderId, text: `${TEXT} (first)` });
    rec.seen.length = 0;
    const result = await messaging.send(vendor, { orderId: plan.orderId, text: TEXT });
    expect(result.message.text).toBe(TEXT);
    return rec.seen;
  }

  it('plans exactly the requests the facade makes for one send', async () => {
    const facade = await facadeRequests();
    const plan = plans[vendor];
    const planned = await Promise.all(
      plan.sendCalls(TEXT).map(async (call) => {
        const rec = recorder();
        await rawFetchCall((input, init) => rec.fetch(new Request(input, init)), plan, call);
        return rec.seen[0]!;
      }),
    );
    expect(planned).toEqual(facade);
    expect(facade[plan.writeIndex]!.method).toBe('POST');
  });

  it('bare openapi-fetch and the vendor client send the same requests as raw fetch', async () => {
    const plan = plans[vendor];
    const calls = plan.sendCalls(TEXT);
    const raw = recorder();
    const bare = recorder();
    const client = recorder();
    const bareOne = bareClient(plan, bare.fetch);
    const clientOne = plan.client(client.fetch);
    for (const call of calls) {
      await rawFetchCall((input, init) => raw.fetch(new Request(input, init)), plan, call);
      await bareCall(bareOne, plan, call);
      await clientCall(clientOne, call);
    }
    expect(bare.seen).toEqual(raw.seen);
    expect(client.seen).toEqual(raw.seen);
  });

  it('raw undici gets a 2xx for every planned request', async () => {
    const agent = new Agent();
    try {
      const plan = plans[vendor];
      for (const call of plan.sendCalls(TEXT)) {
        await expect(undiciCall(agent, plan, call)).resolves.toBeTypeOf('object');
      }
      const stored = sandbox.state.messages(vendor, plan.orderId).map((m) => m.text);
      expect(stored.filter((text) => text === TEXT)).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });
});
