/**
 * Every operation of @org/spp-client against the sandbox over loopback HTTP: list
 * (newest first, Laravel pages), create (JSON and multipart with attachments),
 * delete, and their error paths.
 */
import { createSppClient, operationTable, type SppClient } from '@org/spp-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { operationsOf, requireFullCoverage } from './coverage.js';

let sb: Sandbox;
let client: SppClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token });
});

beforeEach(() => sb.reset());
// listOrders has its own file, spp-orders.test.ts.
requireFullCoverage(() => sb, operationsOf(operationTable, ['listOrders'], false));

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

describe('listOrderMessages', () => {
  it('walks every page newest first, by order number or id', async () => {
    const order = sb.seed.spp.orderWithManyMessages;
    const seen: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const { data, response } = await client.GET('/api/order_messages/{order}', {
        params: {
          path: { order: page === 1 ? order.number : order.id },
          query: { page, limit: 10 },
        },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-api-identifier')).toEqual(expect.any(String));
      seen.push(...data!.data.map((m) => m.id));
      expect(data!.meta).toMatchObject({
        current_page: page,
        last_page: 3,
        total: 25,
        per_page: 10,
      });
      expect(data!.links.next === null).toBe(page === 3);
    }
    expect(seen).toHaveLength(25);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('answers 404 for an unknown order and 401 for a wrong token', async () => {
    const missing = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'NOPE0000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.message).toContain('NOPE0000');
    const stranger = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: 'wrong' });
    const denied = await stranger.GET('/api/order_messages/{order}', {
      params: { path: { order: sb.seed.spp.orderWithFewMessages.id } },
    });
    expect(denied.response.status).toBe(401);
    expect(denied.error).toEqual({ message: 'Unauthenticated.' });
  });
});

describe('createOrderMessage', () => {
  it('creates from JSON and from multipart with attachments; both come back first in the list', async () => {
    const order = sb.seed.spp.orderWithoutMessages.number;
    const json = await client.POST('/api/order_messages/{order}', {
      params: { path: { order } },
      body: { message: 'Hello world!', staff_only: false },
    });
    expect(json.response.status).toBe(201);
    expect(json.data).toMatchObject({
      message: 'Hello world!',
      staff_only: false,
      user_id: sb.seed.spp.apiUserId,
      files: [],
    });

    const files = [
      new File(['brief'], 'brief.txt', { type: 'text/plain' }),
      new File([new Uint8Array([1, 2, 3])], 'logo.png', { type: 'image/png' }),
    ];
    const multipart = await client.POST('/api/order_messages/{order}', {
      params: { path: { order } },
      body: {
        message: 'Files attached',
        staff_only: true,
        user_id: sb.seed.spp.staffUserId,
        attachments: files,
      },
    });
    expect(multipart.response.status).toBe(201);
    expect(multipart.data).toMatchObject({ staff_only: true, user_id: sb.seed.spp.staffUserId });
    expect(multipart.data!.files).toHaveLength(2);
    expect(multipart.data!.files[0]).toContain('brief.txt');

    const list = await client.GET('/api/order_messages/{order}', { params: { path: { order } } });
    expect(list.data!.data.map((m) => m.id)).toEqual([multipart.data!.id, json.data!.id]);
    const stored = sb.state.messages('spp', sb.seed.spp.orderWithoutMessages.id);
    expect(stored.at(-1)?.attachments).toEqual([
      { id: expect.any(String), name: 'brief.txt', size: 5 },
      { id: expect.any(String), name: 'logo.png', size: 3 },
    ]);
  });

  it('answers 400 for an empty message, 422 for an unknown user, 404 for an unknown order', async () => {
    const order = sb.seed.spp.orderWithFewMessages.id;
    const empty = await client.POST('/api/order_messages/{order}', {
      params: { path: { order } },
      body: { message: '' },
    });
    expect(empty.response.status).toBe(400);
    expect(empty.error).toEqual({
      message: 'The message field is required.',
      errors: { message: ['The message field is required.'] },
    });
    const stranger = await client.POST('/api/order_messages/{order}', {
      params: { path: { order } },
      body: { message: 'hi', user_id: 404 },
    });
    expect(stranger.response.status).toBe(422);
    expect(stranger.error?.errors).toEqual({ user_id: ['The selected user id is invalid.'] });
    const nowhere = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: '999999' } },
      body: { message: 'hi' },
    });
    expect(nowhere.response.status).toBe(404);
  });
});

describe('deleteOrderMessage', () => {
  it('removes the message (204), then answers 404', async () => {
    const order = sb.seed.spp.orderWithFewMessages.id;
    const before = await client.GET('/api/order_messages/{order}', { params: { path: { order } } });
    const newest = before.data!.data[0]!.id;
    const deleted = await client.DELETE('/api/order_messages/{message}', {
      params: { path: { message: newest } },
    });
    expect(deleted.response.status).toBe(204);
    const after = await client.GET('/api/order_messages/{order}', { params: { path: { order } } });
    expect(after.data!.data.map((m) => m.id)).not.toContain(newest);
    expect(after.data!.meta.total).toBe(before.data!.meta.total - 1);
    const again = await client.DELETE('/api/order_messages/{message}', {
      params: { path: { message: newest } },
    });
    expect(again.response.status).toBe(404);
  });
});

describe('faults', () => {
  it('an HTML 502 page and a malformed JSON 500 reach the client as failed responses', async () => {
    sb.faults.inject({
      vendor: 'spp',
      operationId: 'listOrderMessages',
      status: 502,
      bodyKind: 'html',
    });
    const order = sb.seed.spp.orderWithFewMessages.id;
    const html = await client.GET('/api/order_messages/{order}', {
      params: { path: { order } },
      parseAs: 'text',
    });
    expect(html.response.status).toBe(502);
    expect(html.error).toContain('502 Bad Gateway');
    sb.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      status: 500,
      bodyKind: 'malformed-json',
    });
    const malformed = await client.POST('/api/order_messages/{order}', {
      params: { path: { order } },
      body: { message: 'hi' },
    });
    expect(malformed.response.status).toBe(500);
    // openapi-fetch keeps an error body it cannot parse as text.
    expect(typeof malformed.error).toBe('string');
    expect(() => JSON.parse(malformed.error as unknown as string)).toThrow(SyntaxError);
    expect(sb.state.messages('spp', order).some((m) => m.text === 'hi')).toBe(false);
  });
});
