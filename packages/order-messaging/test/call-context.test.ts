/**
 * The caller's signal and per-call timeouts reach every request of every facade operation on
 * every vendor. The server here accepts requests and never answers, so a request that does not
 * carry the call's settings hangs until the connection's 30 s default: the test then fails.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, type CallSettings } from '@org/order-messaging';
import {
  adapterFromSettings,
  VENDORS,
  type AnyVendorDescriptor,
} from '@org/order-messaging/vendors';

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

const DESCRIPTORS = VENDORS as readonly AnyVendorDescriptor[];

function messagingFor(descriptor: AnyVendorDescriptor) {
  const access = (sb.vendors as Record<string, { baseUrl: string }>)[descriptor.name]!;
  const values = descriptor.sandbox.settings({
    ...access,
    baseUrl: access.baseUrl.replace(sb.url, holdOrigin),
  });
  return createOrderMessaging({
    connections: { [descriptor.name]: adapterFromSettings(descriptor, values) },
    retry: false,
    reconcile: { settleDelayMs: 0, maxResends: 0 },
  });
}

type Operation = (
  messaging: ReturnType<typeof messagingFor>,
  descriptor: AnyVendorDescriptor,
  settings: CallSettings,
) => Promise<unknown>;

function orderOf(descriptor: AnyVendorDescriptor): string {
  return descriptor.sandbox.exampleOrder((sb.seed as Record<string, unknown>)[descriptor.name]);
}

const OPERATIONS: Record<string, Operation> = {
  send: (m, d, s) => m.send(d.name, { orderId: orderOf(d), text: 'Hello from the test' }, s),
  list: async (m, d, s) => {
    for await (const message of m.list(d.name, { orderId: orderOf(d) }, s)) return message;
    return undefined;
  },
  listAll: (m, d, s) => m.listAll(d.name, { orderId: orderOf(d) }, s),
  findSent: (m, d, s) =>
    m.findSent(
      d.name,
      { orderId: orderOf(d), text: 'Hello from the test' },
      {
        ...s,
        since: new Date(),
      },
    ),
  downloadAttachment: (m, d, s) => m.downloadAttachment(d.name, 'attachment-1', s),
};

/** Operations the vendor offers; the others fail before the network whatever the settings. */
function offered(descriptor: AnyVendorDescriptor, operation: string): boolean {
  const capabilities = descriptor.capabilities;
  if (operation === 'send') return capabilities.send;
  if (operation === 'downloadAttachment') return capabilities.attachmentDownload === true;
  if (operation === 'findSent') return capabilities.reconcile === 'by-listing';
  return capabilities.list;
}

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
