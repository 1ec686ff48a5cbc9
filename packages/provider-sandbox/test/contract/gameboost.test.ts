/**
 * Every operation of @org/gameboost-client against the sandbox over loopback HTTP:
 * successes, vendor errors (401, 404, 422, 429) and faults.
 */
import { createGameBoostClient, operationTable, type GameBoostClient } from '@org/gameboost-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { operationsOf, requireFullCoverage } from './coverage.js';

const LIST_OPERATIONS = ['listAccountOrders', 'listItemOrders', 'listCurrencyOrders'];

let sb: Sandbox;
let client: GameBoostClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = createGameBoostClient({
    baseUrl: sb.vendors.gameboost.baseUrl,
    token: sb.vendors.gameboost.token,
  });
});

// The documented 5 chat operations a minute would stop a suite; each test starts with fresh windows.
beforeEach(() => sb.reset());
// The order lists have their own file, gameboost-orders.test.ts.
requireFullCoverage(() => sb, operationsOf(operationTable, LIST_OPERATIONS, false));

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

const kinds = [
  {
    kind: 'account',
    ids: () => sb.seed.gameboost.accountOrders,
    list: (id: string) =>
      client.GET('/v2/account-orders/{accountOrder}/messages', {
        params: { path: { accountOrder: id } },
      }),
    send: (id: string, message: string) =>
      client.POST('/v2/account-orders/{accountOrder}/messages', {
        params: { path: { accountOrder: id } },
        body: { message },
      }),
    get: (id: string) =>
      client.GET('/v2/account-orders/{accountOrder}', { params: { path: { accountOrder: id } } }),
  },
  {
    kind: 'item',
    ids: () => sb.seed.gameboost.itemOrders,
    list: (id: string) =>
      client.GET('/v2/item-orders/{itemOrder}/messages', { params: { path: { itemOrder: id } } }),
    send: (id: string, message: string) =>
      client.POST('/v2/item-orders/{itemOrder}/messages', {
        params: { path: { itemOrder: id } },
        body: { message },
      }),
    get: (id: string) =>
      client.GET('/v2/item-orders/{itemOrder}', { params: { path: { itemOrder: id } } }),
  },
  {
    kind: 'currency',
    ids: () => sb.seed.gameboost.currencyOrders,
    list: (id: string) =>
      client.GET('/v2/currency-orders/{currencyOrder}/messages', {
        params: { path: { currencyOrder: id } },
      }),
    send: (id: string, message: string) =>
      client.POST('/v2/currency-orders/{currencyOrder}/messages', {
        params: { path: { currencyOrder: id } },
        body: { message },
      }),
    get: (id: string) =>
      client.GET('/v2/currency-orders/{currencyOrder}', {
        params: { path: { currencyOrder: id } },
      }),
  },
] as const;

describe.each(kinds)('$kind orders', ({ ids, list, send, get }) => {
  it('get: the order with its status; 404 for an unknown id', async () => {
    const { data, response } = await get(ids().pending);
    expect(response.status).toBe(200);
    expect(data?.data).toMatchObject({ id: Number(ids().pending), status: 'pending' });
    const missing = await get('987654321');
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({
      message: 'Resource not found.',
      request_id: expect.any(String),
    });
  });

  it('send then list: the message comes back last, as sent', async () => {
    const { data, error, response } = await send(ids().processing, 'Your order is on its way.');
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(data?.data).toMatchObject({
      text: 'Your order is on its way.',
      type: 'user_message',
      sender: { id: sb.seed.gameboost.sellerId },
    });
    const listed = await list(ids().processing);
    expect(listed.data?.data?.at(-1)).toEqual(data?.data);
    expect(listed.data?.message).toBeNull();
  });

  it('send: 422 outside the processing state and for a message over 10,000 characters', async () => {
    const refused = await send(ids().delivered, 'Hello?');
    expect(refused.response.status).toBe(422);
    expect(refused.error).toMatchObject({
      errors: { order: [expect.stringContaining('processing')] },
    });
    const tooLong = await send(ids().processing, 'x'.repeat(10_001));
    expect(tooLong.response.status).toBe(422);
    expect(tooLong.error).toMatchObject({
      errors: { message: ['The message field must not be greater than 10000 characters.'] },
    });
    expect(sb.state.messages('gameboost', ids().delivered).some((m) => m.text === 'Hello?')).toBe(
      false,
    );
  });

  it('list and send: 404 for an unknown order', async () => {
    expect((await list('1')).response.status).toBe(404);
    expect((await send('1', 'hi')).response.status).toBe(404);
  });
});

describe('errors every operation shares', () => {
  it('401 with a wrong token', async () => {
    const stranger = createGameBoostClient({
      baseUrl: sb.vendors.gameboost.baseUrl,
      token: 'not-the-token',
    });
    const { error, response } = await stranger.GET('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: sb.seed.gameboost.accountOrders.processing } },
    });
    expect(response.status).toBe(401);
    expect(error).toEqual({
      message: 'Unauthenticated.',
      request_id: response.headers.get('x-gameboost-request-id'),
    });
  });

  it('429 after 5 chat operations, with Retry-After', async () => {
    const id = sb.seed.gameboost.itemOrders.processing;
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await client.GET('/v2/item-orders/{itemOrder}/messages', {
            params: { path: { itemOrder: id } },
          })
        ).response.status,
      ).toBe(200);
    }
    const { error, response } = await client.POST('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: id } },
      body: { message: 'blocked' },
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(error).toMatchObject({ message: 'Too many requests.' });
  });

  it('a scripted 502 reaches the client as an error response; the next call succeeds', async () => {
    sb.faults.inject({ vendor: 'gameboost', operationId: 'getCurrencyOrder', status: 502 });
    const id = sb.seed.gameboost.currencyOrders.processing;
    const failed = await client.GET('/v2/currency-orders/{currencyOrder}', {
      params: { path: { currencyOrder: id } },
    });
    expect(failed.response.status).toBe(502);
    const ok = await client.GET('/v2/currency-orders/{currencyOrder}', {
      params: { path: { currencyOrder: id } },
    });
    expect(ok.data?.data?.status).toBe('processing');
  });
});
