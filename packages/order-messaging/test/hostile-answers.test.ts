/**
 * Hostile answers from a real server on 127.0.0.1. Answers to a post that prove little: the
 * post's `delivery` must stay `unknown`, and nothing may be posted twice, whatever `maxResends`
 * allows. Answers that echo the credential where nothing scrubbed it before: as the request id,
 * as a field name, in a header with an ordinary name.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createOrderMessaging, isOrderMessagingError } from '@org/order-messaging';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';
import { afterEach, describe, expect, it } from 'vitest';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface Server {
  readonly url: string;
  readonly requests: { method: string; path: string }[];
  close(): Promise<void>;
}

async function serve(handler: Handler): Promise<Server> {
  const requests: { method: string; path: string }[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: new URL(request.url ?? '/', 'http://x').pathname,
      });
      handler(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' }).end(text);
};

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isOrderMessagingError(error)).toBe(true);
  return error as { kind: string; delivery: string; retryable: boolean };
}

describe('a 2xx answer to a post that breaks off', () => {
  it.each([
    ['half a body, then the connection dies', 'broken'],
    ['a body that never ends', 'stalled'],
  ])('%s: unknown, not retryable, posted once even with maxResends 1', async (_name, mode) => {
    server = await serve((request, response) => {
      if (request.method !== 'POST') {
        // The vendor's read side lags: the message is not listed yet.
        return json(response, 200, { data: [], links: { next: null }, meta: { last_page: 1 } });
      }
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': '500' });
      response.write('{"id": 77, "message": "Hel');
      if (mode === 'broken') setTimeout(() => response.socket?.destroy(), 20);
    });
    const messaging = createOrderMessaging({
      connections: { spp: spp({ baseUrl: server.url, token: 'sandbox-token-1' }) },
      reconcile: { maxResends: 1, settleDelayMs: 0 },
      retry: false,
      timeoutMs: 300,
    });
    const error = await failure(
      messaging.send('spp', { orderId: 'E4A269FC', text: 'Your parcel left today.' }),
    );
    expect(error.delivery).toBe('unknown');
    expect(error.retryable).toBe(false);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe("Omnidesk's error envelope without words the adapter knows", () => {
  it('is no proof of refusal: unknown, and the ticket is read to check', async () => {
    server = await serve((request, response) => {
      if (request.method === 'POST') return json(response, 200, { status: 'error' });
      json(response, 200, { type: 'item', item: { id: 123, customer_id: 9, timeline: [] } });
    });
    const messaging = createOrderMessaging({
      connections: {
        omnidesk: omnidesk({ baseUrl: `${server.url}/api/v2`, apiKey: 'sandbox-key-1' }),
      },
      reconcile: { settleDelayMs: 0 },
    });
    const error = await failure(
      messaging.send('omnidesk', { orderId: '123', text: 'Your parcel left today.' }),
    );
    expect(error.delivery).toBe('unknown');
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });
});

describe('a credential echoed where nothing scrubbed it before', () => {
  const TOKEN = 'FAKE+spp/LEAKCANARY=3c1e5b7a';
  const echoing = (status: number, body: unknown, headers: Record<string, string>) =>
    serve((request, response) => {
      const received = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      const text = JSON.stringify(body).replaceAll('<token>', received);
      const echoed = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, value.replace('<token>', received)]),
      );
      response.writeHead(status, { 'content-type': 'application/json', ...echoed }).end(text);
    });

  it('as the request id (header or body) and as a field name: not in the error or a hook', async () => {
    server = await echoing(
      422,
      { message: 'invalid', request_id: '<token>', errors: { '<token>': ['is unknown'] } },
      { 'x-request-id': '<token>' },
    );
    const seen: unknown[] = [];
    const messaging = createOrderMessaging({
      connections: { spp: spp({ baseUrl: server.url, token: TOKEN }) },
      hooks: { onResponse: (event) => void seen.push(event) },
    });
    const error = await messaging
      .send('spp', { orderId: 'E4A269FC', text: 'Your parcel left today.' })
      .catch((e: unknown) => e);
    expect(isOrderMessagingError(error)).toBe(true);
    const views = [
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      String((error as { requestId?: string }).requestId),
      String((error as { field?: string }).field),
      JSON.stringify(seen),
    ];
    expect(seen).toHaveLength(1);
    for (const view of views) expect(view).not.toContain('LEAKCANARY');
  });

  it('in a header with an ordinary name: not in the result of a send', async () => {
    server = await echoing(
      201,
      {
        id: 1,
        user_id: 1,
        created_at: '2024-01-01T00:00:00+00:00',
        message: 'Your parcel left today.',
        staff_only: false,
        files: [],
        order: { id: 1 },
        ticket: null,
      },
      { 'x-forwarded-authorization': 'Bearer <token>' },
    );
    const messaging = createOrderMessaging({
      connections: { spp: spp({ baseUrl: server.url, token: TOKEN }) },
    });
    const result = await messaging.send('spp', {
      orderId: 'E4A269FC',
      text: 'Your parcel left today.',
    });
    expect(result.raw.response?.status).toBe(201);
    expect(JSON.stringify(result)).not.toContain('LEAKCANARY');
    expect(inspect(result, { depth: 10 })).not.toContain('LEAKCANARY');
  });
});
