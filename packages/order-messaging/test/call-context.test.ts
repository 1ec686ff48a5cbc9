/**
 * The caller's signal and per-call timeouts reach every request of every facade operation on
 * every vendor. The server here accepts requests and never answers, so a request that does not
 * carry the call's settings hangs until the connection's 30 s default: the test then fails.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging } from '@org/order-messaging';
import { adapterFromSettings, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { DESCRIPTORS, offered, operationsOn, settingsAt } from './support/operation-table.js';

interface HeldRequest {
  readonly method: string;
  readonly url: string;
  closed: boolean;
}

let sb: Sandbox;
let hold: Server;
let holdOrigin: string;
const held: HeldRequest[] = [];

beforeAll(async () => {
  // The sandbox only lends each vendor's mount path and public credentials.
  sb = await startSandbox();
  hold = createServer((req: IncomingMessage) => {
    const entry: HeldRequest = { method: req.method ?? '', url: req.url ?? '', closed: false };
    held.push(entry);
    req.resume();
    req.socket.once('close', () => {
      entry.closed = true;
    });
  });
  await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', resolve));
  holdOrigin = `http://127.0.0.1:${(hold.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hold.closeAllConnections();
  await new Promise((resolve) => hold.close(resolve));
  await sb.close();
});
beforeEach(() => {
  held.length = 0;
});

function messagingFor(descriptor: AnyVendorDescriptor) {
  const values = settingsAt(sb, descriptor, holdOrigin);
  return createOrderMessaging({
    connections: { [descriptor.name]: adapterFromSettings(descriptor, values) },
    retry: false,
    reconcile: { settleDelayMs: 0, maxResends: 0 },
  });
}

const OPERATIONS = operationsOn(() => sb);

const TABLE = DESCRIPTORS.flatMap((descriptor) =>
  Object.keys(OPERATIONS)
    .filter((operation) => offered(descriptor, operation))
    .map((operation) => [descriptor.name, operation, descriptor] as const),
);

describe('the call context reaches every request', () => {
  it('covers every operation the facade has', () => {
    const facade = messagingFor(DESCRIPTORS[0]!) as unknown as Record<string, unknown>;
    const operations = Object.keys(facade).filter(
      (key) => typeof facade[key] === 'function' && !['capabilities', 'raw'].includes(key),
    );
    expect(operations.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it.each(TABLE)('%s %s: an aborted signal sends nothing', async (_name, operation, descriptor) => {
    const controller = new AbortController();
    controller.abort();
    const messaging = messagingFor(descriptor);
    await expect(
      OPERATIONS[operation]!(messaging, descriptor, { signal: controller.signal }),
    ).rejects.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held).toEqual([]);
  });

  it.each(TABLE)(
    '%s %s: a tiny per-call timeout ends the call and every request it made',
    async (_name, operation, descriptor) => {
      const messaging = messagingFor(descriptor);
      const started = Date.now();
      const error = await OPERATIONS[operation]!(messaging, descriptor, {
        timeoutMs: 100,
        totalTimeoutMs: 200,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      // The connection's own timeout is 30 s: only the call's settings end it this soon.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(held.length).toBeGreaterThan(0);
      await expect
        .poll(() => held.every((request) => request.closed), { timeout: 2_000 })
        .toBe(true);
    },
  );
});
