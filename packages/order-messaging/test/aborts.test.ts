/**
 * An abort by the caller, whatever its reason, ends every facade operation on every vendor
 * with a typed error: kind `timeout`, not retryable, the reason as `cause`, and `delivery`
 * `not_sent` unless a write had started (then `unknown`, never reconciled into `not_sent`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, OrderMessagingError, TimeoutError } from '@org/order-messaging';
import { adapterFromSettings, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { DESCRIPTORS, offered, operationsOn, settingsAt } from './support/operation-table.js';

let sb: Sandbox;
let hold: Server;
let holdOrigin: string;
const held: { method: string; url: string }[] = [];
let holdWritesOnly = false;
let requestCount = 0;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function proxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection'].includes(name)) {
      headers.set(name, value);
    }
  }
  const answer = await fetch(`${sb.url}${req.url ?? ''}`, { method: req.method ?? 'GET', headers });
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

beforeAll(async () => {
  sb = await startSandbox();
  hold = createServer((req: IncomingMessage, res: ServerResponse) => {
    requestCount += 1;
    const method = req.method ?? '';
    // While holding writes only, the reads a send makes first (a thread lookup) reach the sandbox.
    if (holdWritesOnly && !WRITES.has(method)) {
      void proxy(req, res);
      return;
    }
    held.push({ method, url: req.url ?? '' });
    req.resume();
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
  holdWritesOnly = false;
});

function messagingFor(descriptor: AnyVendorDescriptor) {
  const values = settingsAt(sb, descriptor, holdOrigin);
  return createOrderMessaging({
    connections: { [descriptor.name]: adapterFromSettings(descriptor, values) },
    retry: false,
    // Reconciliation would list (and could resend): an abort must skip it.
    reconcile: { settleDelayMs: 0, maxResends: 1 },
  });
}

const OPERATIONS = operationsOn(() => sb);

const REASONS: Record<string, () => unknown> = {
  undefined: () => undefined,
  string: () => 'stop',
  Error: () => new Error('caller gave up'),
  DOMException: () => new DOMException('user cancelled', 'AbortError'),
};

const WHEN = ['before the call', 'while the server holds the request'] as const;

const TABLE = DESCRIPTORS.flatMap((descriptor) =>
  Object.keys(OPERATIONS)
    .filter((operation) => offered(descriptor, operation))
    .flatMap((operation) =>
      Object.keys(REASONS).flatMap((reason) =>
        WHEN.map((when) => [descriptor.name, operation, reason, when, descriptor] as const),
      ),
    ),
);

describe('an abort with any reason is a typed error', () => {
  it('covers every registered vendor', () => {
    expect(new Set(TABLE.map((row) => row[0]))).toEqual(new Set(DESCRIPTORS.map((d) => d.name)));
  });

  it.each(TABLE)('%s %s, reason %s, aborted %s', async (_name, operation, reason, when, d) => {
    const controller = new AbortController();
    const abort = () => {
      const value = REASONS[reason]!();
      if (value === undefined) controller.abort();
      else controller.abort(value);
    };
    if (when === 'before the call') abort();
    holdWritesOnly = operation === 'send';
    const messaging = messagingFor(d);
    const pending = OPERATIONS[operation]!(messaging, d, { signal: controller.signal }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (when !== 'before the call') {
      await expect.poll(() => held.length, { timeout: 5_000 }).toBeGreaterThan(0);
      abort();
    }
    const error = (await pending) as TimeoutError;
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(controller.signal.reason);
    expect(error.vendor).toBe(d.name);
    const wrote = operation === 'send' && held.some((request) => WRITES.has(request.method));
    expect(error.delivery).toBe(wrote ? 'unknown' : 'not_sent');
    if (when === 'before the call') expect(held).toEqual([]);
    else if (operation === 'send') expect(wrote).toBe(true);
    // No check and no resend after the abort.
    const requestsAtAbort = requestCount;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requestCount).toBe(requestsAtAbort);
    expect(held.length).toBeLessThanOrEqual(1);
  });
});
