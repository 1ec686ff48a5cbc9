/**
 * No request leaves its origin. A hostile vendor server answers with a redirect to a second
 * origin (another port), its `Location` carrying the request's own path and query (Omnidesk's
 * `apiKey` included). The second server must receive nothing, and the facade must fail with a
 * typed error naming the target host only. Requests that are not redirected go on to the
 * sandbox, so every send gets as far as its write.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, OrderMessagingError } from '@org/order-messaging';
import {
  adapterFromSettings,
  VENDORS,
  type AnyVendorDescriptor,
} from '@org/order-messaging/vendors';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

/** What the hostile server does to the next requests. */
interface Plan {
  /** The redirect status; 0 passes everything on to the sandbox. */
  status: number;
  /** Redirect only from the first write on (the reads before it go to the sandbox). */
  fromFirstWrite: boolean;
  /** Answer writes 200 with this body instead (for a 2xx without the documented shape). */
  writeAnswer?: string;
  sawWrite: boolean;
}

let sb: Sandbox;
const servers: Server[] = [];
let hostileOrigin: string;
let targetHost: string;
const reachedTarget: Received[] = [];
let plan: Plan = { status: 0, fromFirstWrite: false, sawWrite: false };

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Forwards a request to the sandbox as is. */
async function passOn(req: IncomingMessage, body: Buffer, res: ServerResponse) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'host' || name === 'connection') continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const answer = await fetch(`${sb.url}${req.url}`, {
    method: req.method ?? 'GET',
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
  });
  const bytes = Buffer.from(await answer.arrayBuffer());
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
      out[name] = value;
    }
  });
  res.writeHead(answer.status, out).end(bytes);
}

beforeAll(async () => {
  sb = await startSandbox();
  targetHost = await listen((req, res) => {
    reachedTarget.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"id":"stolen"}');
  });
  hostileOrigin = `http://${await listen((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const write = req.method !== 'GET' && req.method !== 'HEAD';
      if (write) plan.sawWrite = true;
      if (write && plan.writeAnswer !== undefined) {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(plan.writeAnswer);
        return;
      }
      if (plan.status !== 0 && (!plan.fromFirstWrite || plan.sawWrite)) {
        // The request's own path and query (credentials included), on the second origin.
        res.writeHead(plan.status, { Location: `http://${targetHost}/landing${req.url}` }).end();
        return;
      }
      await passOn(req, body, res);
    })().catch(() => res.destroy());
  })}`;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await sb.close();
});

beforeEach(() => {
  reachedTarget.length = 0;
  plan = { status: 0, fromFirstWrite: false, sawWrite: false };
});

const DESCRIPTORS = VENDORS as readonly AnyVendorDescriptor[];
const STATUSES = [301, 302, 303, 307, 308];

function messagingFor(descriptor: AnyVendorDescriptor) {
  const access = (sb.vendors as Record<string, { baseUrl: string }>)[descriptor.name]!;
  const values = descriptor.sandbox.settings({
    ...access,
    baseUrl: access.baseUrl.replace(sb.url, hostileOrigin),
  });
  return createOrderMessaging({
    connections: { [descriptor.name]: adapterFromSettings(descriptor, values) },
    retry: false,
    reconcile: { settleDelayMs: 0, maxResends: 0 },
  });
}

function orderOf(descriptor: AnyVendorDescriptor): string {
  return descriptor.sandbox.exampleOrder((sb.seed as Record<string, unknown>)[descriptor.name]);
}

async function failureOf(call: Promise<unknown>): Promise<OrderMessagingError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  expect(outcome, 'the call must fail').toHaveProperty('error');
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(OrderMessagingError);
  return error as OrderMessagingError;
}

function expectRedirectError(error: OrderMessagingError, status: number) {
  expect(error.kind).toBe('vendor_server');
  expect(error.status).toBe(status);
  expect(error.retryable).toBe(false);
  expect(error.message).toContain(targetHost);
  // Never the Location's path or query: they may carry the credential.
  expect(error.message).not.toContain('/landing');
  expect(error.message).not.toContain('?');
  expect(JSON.stringify(error)).not.toContain('/landing');
}

describe.each(DESCRIPTORS.map((d) => [d.name, d] as const))('%s', (_name, descriptor) => {
  it.each(STATUSES)(
    'send answered %i: nothing reaches the target; delivery unknown',
    async (status) => {
      plan = { status, fromFirstWrite: true, sawWrite: false };
      const messaging = messagingFor(descriptor);
      const error = await failureOf(
        messaging.send(descriptor.name, {
          orderId: orderOf(descriptor),
          text: 'Hello from the test',
        }),
      );
      expect(plan.sawWrite).toBe(true);
      expect(reachedTarget).toEqual([]);
      expectRedirectError(error, status);
      // A 3xx to a POST does not prove it was not applied.
      expect(error.delivery).toBe('unknown');
    },
  );

  it.each(STATUSES)('list answered %i: nothing reaches the target', async (status) => {
    plan = { status, fromFirstWrite: false, sawWrite: false };
    const messaging = messagingFor(descriptor);
    const error = await failureOf(
      (async () => {
        for await (const message of messaging.list(descriptor.name, {
          orderId: orderOf(descriptor),
        })) {
          return message;
        }
        return undefined;
      })(),
    );
    expect(reachedTarget).toEqual([]);
    expectRedirectError(error, status);
    expect(error.delivery).toBe('rejected');
  });

  // Documented envelopes with the id missing, null or empty, the vendors' own `result` included
  // (Omnidesk's answer carries no id; here the ticket never shows the entry).
  it.each([
    '{}',
    '{"id":null}',
    '{"id":""}',
    '{"data":{}}',
    '{"data":{"id":null,"text":"Hello from the test"}}',
    '{"message_id":"","thread_id":""}',
    '{"type":"result"}',
  ])('a 2xx send answer %s is an error, never an empty id', async (writeAnswer) => {
    plan = { status: 0, fromFirstWrite: false, writeAnswer, sawWrite: false };
    const messaging = messagingFor(descriptor);
    const error = await failureOf(
      messaging.send(descriptor.name, {
        orderId: orderOf(descriptor),
        text: 'Hello from the test',
      }),
    );
    expect(plan.sawWrite).toBe(true);
    expect(error.kind).toBe('vendor_server');
    // The vendor answered 2xx: it may have stored the post, whatever the body says.
    expect(error.delivery).toBe('unknown');
  });
});
