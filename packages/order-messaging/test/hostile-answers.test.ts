/**
 * Answers to a post that prove little, from a real server on 127.0.0.1: the post's `delivery`
 * must stay `unknown`, and nothing may be posted twice, whatever `maxResends` allows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
