/**
 * Every vendor's spec makes a message's `id` optional. A message without one used to get the id
 * `''` (SPP: `'undefined'`), so sync took every such message for the first and dropped the rest.
 * Each now gets a stand-in derived from its order, time, author and text: distinct, and the same
 * on every listing. Real HTTP against small fakes on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOrderMessaging } from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { spp } from '@org/order-messaging/spp';
import { afterEach, describe, expect, it } from 'vitest';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(route: (path: string) => unknown): Promise<string> {
  server = createServer((request, response) => {
    const body = route(new URL(request.url ?? '/', 'http://x').pathname);
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { message: 'not found' }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const now = Math.floor(Date.now() / 1000);
const GAMEBOOST_MESSAGES = [
  { id: 'a', type: 'user_message', text: 'has an id', sender: { id: 7 }, sent_at: now - 60 },
  { type: 'user_message', text: 'no id, first', sender: { id: 7 }, sent_at: now - 30 },
  { type: 'user_message', text: 'no id, second', sender: { id: 7 }, sent_at: now - 20 },
];

describe('messages without an id', () => {
  it('GameBoost: sync delivers each of them once, with distinct, stable ids', async () => {
    const order = { id: 1, status: 'processing', updated_at: now, buyer: { id: 7 } };
    const baseUrl = await serve((path) => {
      if (path === '/v2/account-orders') return { data: [order], meta: { last_page: 1 } };
      if (/^\/v2\/(item|currency)-orders$/.test(path)) return { data: [], meta: { last_page: 1 } };
      if (path === '/v2/account-orders/1/messages') return { data: GAMEBOOST_MESSAGES };
      if (path === '/v2/account-orders/1') return { data: order };
      return undefined;
    });
    const messaging = createOrderMessaging({
      connections: {
        gb: { adapter: gameboost({ baseUrl, token: 'gb-token-1' }), rateLimits: false },
      },
      retry: false,
    });
    const delivered: { id: string; text: string }[] = [];
    for await (const event of messaging.sync('gb', { since: new Date((now - 3600) * 1000) })) {
      if (event.type === 'message') delivered.push(event.message);
    }
    expect(delivered.map((m) => m.text)).toEqual(['has an id', 'no id, first', 'no id, second']);
    const [, first, second] = delivered.map((m) => m.id);
    expect(first).toMatch(/^~/);
    expect(second).toMatch(/^~/);
    expect(first).not.toBe(second);
    const listed = await messaging.listAll('gb', { orderId: '1' });
    expect(listed.map((m) => m.id)).toEqual(delivered.map((m) => m.id));
  });

  it('SPP: a listing gives each a distinct id, the same on every listing, never "undefined"', async () => {
    const message = (text: string, at: string) => ({
      user_id: 3,
      created_at: at,
      message: text,
      staff_only: false,
      files: [],
      order: { id: 9, user_id: 3 },
      ticket: null,
    });
    const baseUrl = await serve((path) =>
      path === '/api/order_messages/E4A269FC'
        ? {
            data: [
              message('no id, first', '2024-01-01T10:00:00+00:00'),
              message('no id, second', '2024-01-01T10:05:00+00:00'),
            ],
            links: { next: null },
            meta: { current_page: 1, last_page: 1 },
          }
        : undefined,
    );
    const messaging = createOrderMessaging({
      connections: { spp: spp({ baseUrl, token: 'spp-token-1' }) },
      retry: false,
    });
    const ids = async () =>
      (await messaging.listAll('spp', { orderId: 'E4A269FC' })).map((m) => m.id);
    const first = await ids();
    expect(first).toHaveLength(2);
    for (const id of first) expect(id).toMatch(/^~/);
    expect(new Set(first).size).toBe(2);
    expect(await ids()).toEqual(first);
  });
});
