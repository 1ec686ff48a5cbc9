/**
 * One deadline per facade call, over real HTTP: the sandbox behind a hostile proxy that drips
 * bodies or answers slowly. `totalTimeoutMs` bounds the whole send (requests, bodies, the
 * settle delay, the reconciliation's listing) and `timeoutMs` each attempt, body included.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, TimeoutError, type SendResult } from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { spp } from '@org/order-messaging/spp';
import { startHostileServer, type HostileServer } from './support/hostile-server.js';

let sb: Sandbox;
let hostile: HostileServer;

beforeAll(async () => {
  sb = await startSandbox();
  hostile = await startHostileServer({ upstream: sb.vendors.spp.baseUrl });
});
afterAll(async () => {
  await hostile?.close();
  await sb?.close();
});
beforeEach(() => {
  sb.reset();
  hostile.clear();
});

/** How late a call may end after its deadline on a loaded 2-core machine. */
const SLACK_MS = 400;

function sppFacade(settleDelayMs: number) {
  return createOrderMessaging({
    connections: {
      spp: spp({ baseUrl: hostile.via(sb.vendors.spp.baseUrl), token: sb.vendors.spp.token }),
    },
    reconcile: { settleDelayMs },
  });
}

const sppSend = (text: string) => ({
  orderId: sb.seed.spp.orderWithFewMessages.number,
  text,
});

async function timed<T>(
  run: () => Promise<T>,
): Promise<{ ms: number; result?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const result = await run();
    return { ms: performance.now() - started, result };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe('a dripping response body', () => {
  it('ends a send at its deadline: TimeoutError, delivery unknown', async () => {
    hostile.add({ method: 'POST', behaviour: { kind: 'drip', intervalMs: 50 } });
    const { ms, error } = await timed(() =>
      sppFacade(1_000).send('spp', sppSend('Dripped answer'), {
        timeoutMs: 300,
        totalTimeoutMs: 1_200,
      }),
    );
    console.log(
      `drip on send (timeoutMs 300, totalTimeoutMs 1200): ended after ${Math.round(ms)} ms`,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ kind: 'timeout', delivery: 'unknown' });
    expect(ms).toBeLessThan(1_200 + SLACK_MS);
    // The settle delay was cut to the deadline: no listing was left time for.
    expect(hostile.hits.filter((hit) => hit.method === 'GET')).toHaveLength(0);
  }, 30_000);

  it('times out a stored send mid-body, and reconciliation finds the message', async () => {
    hostile.add({ method: 'POST', times: 1, behaviour: { kind: 'drip', forward: true } });
    const { ms, result, error } = await timed(() =>
      sppFacade(0).send('spp', sppSend('Stored, then dripped'), { timeoutMs: 300 }),
    );
    expect(error).toBeUndefined();
    expect((result as SendResult).reconciled).toBe(true);
    expect((result as SendResult).message.text).toBe('Stored, then dripped');
    expect(ms).toBeLessThan(2_000);
  }, 30_000);
});

describe('totalTimeoutMs covers the whole send', () => {
  it('ends a Mirakl send (thread lookup, post, read-back) against a slow vendor at 1500 ms', async () => {
    hostile.add({ behaviour: { kind: 'delay', ms: 700 } });
    const vendor = sb.vendors.mirakl;
    const facade = createOrderMessaging({
      connections: {
        mirakl: mirakl({
          baseUrl: hostile.via(vendor.baseUrl),
          auth: { type: 'apiKey', apiKey: vendor.apiKey },
          shopId: vendor.shopId,
        }),
      },
    });
    const { ms, error } = await timed(() =>
      facade.send(
        'mirakl',
        { orderId: sb.seed.mirakl.orderWithThread, text: 'Slow vendor' },
        { totalTimeoutMs: 1_500 },
      ),
    );
    console.log(
      `mirakl send, 700 ms per request, totalTimeoutMs 1500: ended after ${Math.round(ms)} ms`,
    );
    expect(ms).toBeLessThan(1_500 + SLACK_MS);
    // Stored (the read-back, cut short, falls back to the post's answer), or out of time.
    if (error !== undefined) expect(error).toMatchObject({ kind: 'timeout', delivery: 'unknown' });
  }, 30_000);

  it('bounds a send that fails ambiguously and then meets slow reads while reconciling', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', status: 502 });
    hostile.add({ method: 'GET', behaviour: { kind: 'delay', ms: 5_000 } });
    const { ms, error } = await timed(() =>
      sppFacade(600).send('spp', sppSend('Reconciled slowly'), { totalTimeoutMs: 1_500 }),
    );
    console.log(`502 then slow listing, totalTimeoutMs 1500: ended after ${Math.round(ms)} ms`);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ delivery: 'unknown' });
    expect(ms).toBeLessThan(1_500 + SLACK_MS);
  }, 30_000);

  it('cuts the settle delay at the deadline', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', status: 502 });
    const { ms, error } = await timed(() =>
      sppFacade(10_000).send('spp', sppSend('Settling'), { totalTimeoutMs: 800 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ delivery: 'unknown' });
    expect((error as Error).message).toContain('deadline');
    expect(ms).toBeLessThan(800 + SLACK_MS);
  }, 30_000);
});
