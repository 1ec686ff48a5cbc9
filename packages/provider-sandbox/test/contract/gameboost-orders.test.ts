/**
 * The order lists of @org/gameboost-client against the sandbox: pages (`per_page`, `meta`,
 * `links`), `filter[...]`, `sort` with `-`, and an order's `updated_at` moving with its chat.
 */
import { createGameBoostClient, operationTable, type GameBoostClient } from '@org/gameboost-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { operationsOf, requireFullCoverage } from './coverage.js';

let sb: Sandbox;
let client: GameBoostClient;

beforeAll(async () => {
  sb = await startSandbox({ clock: () => new Date('2025-03-01T10:00:00Z') });
  client = createGameBoostClient({
    baseUrl: sb.vendors.gameboost.baseUrl,
    token: sb.vendors.gameboost.token,
  });
});

beforeEach(() => sb.reset());
requireFullCoverage(
  () => sb,
  operationsOf(operationTable, ['listAccountOrders', 'listItemOrders', 'listCurrencyOrders'], true),
);

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

const lists = [
  { kind: 'account', path: '/v2/account-orders', seed: () => sb.seed.gameboost.accountOrders },
  { kind: 'item', path: '/v2/item-orders', seed: () => sb.seed.gameboost.itemOrders },
  { kind: 'currency', path: '/v2/currency-orders', seed: () => sb.seed.gameboost.currencyOrders },
] as const;

describe.each(lists)('$kind orders', ({ kind, path, seed }) => {
  it('lists the orders of its kind newest first, in pages', async () => {
    const { data, response } = await client.GET(path, { params: { query: { per_page: 2 } } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(data!.meta).toEqual({
      current_page: 1,
      from: 1,
      last_page: 3,
      per_page: 2,
      to: 2,
      total: 5,
    });
    expect(data!.links!.prev).toBeNull();
    expect(new URL(data!.links!.next!).search).toBe('?per_page=2&page=2');
    const all = await client.GET(path);
    expect(all.data!.meta!.per_page).toBe(15);
    const ids = all.data!.data!.map((o) => String(o.id));
    expect(ids).toEqual(Object.values(seed()).reverse());
  });

  it('filters by status, id and created_at, and sorts by -updated_at after a buyer message', async () => {
    const status = await client.GET(path, {
      params: { query: { 'filter[status]': 'in_delivery' } },
    });
    expect(status.data!.data!.map((o) => [String(o.id), o.status])).toEqual([
      [seed().in_delivery, 'in_delivery'],
    ]);
    const byId = await client.GET(path, {
      params: { query: { 'filter[id]': `${seed().pending},${seed().refunded}`, sort: 'id' } },
    });
    expect(byId.data!.data!.map((o) => String(o.id))).toEqual([seed().pending, seed().refunded]);
    const day = await client.GET(path, {
      params: { query: { 'filter[created_at]': '2024-11-07' } },
    });
    expect(day.data!.meta!.total).toBe(5);
    const none = await client.GET(path, {
      params: { query: { 'filter[created_at]': '2024-11-08,2024-11-30' } },
    });
    expect(none.data!.data).toEqual([]);

    sb.simulate.customerMessage('gameboost', seed().delivered, `Is my ${kind} order done?`);
    const recent = await client.GET(path, { params: { query: { sort: '-updated_at' } } });
    expect(recent.data!.data![0]).toMatchObject({
      id: Number(seed().delivered),
      updated_at: Date.parse('2025-03-01T10:00:00Z') / 1000,
    });
  });

  it('answers 400 for a sort it does not allow, 422 for per_page over 50, 401 without the key', async () => {
    const sort = await client.GET(path, { params: { query: { sort: '-price' } } });
    expect(sort.response.status).toBe(400);
    expect(sort.error).toMatchObject({ message: expect.stringContaining('not allowed') });
    const perPage = await client.GET(path, { params: { query: { per_page: 51 } } });
    expect(perPage.response.status).toBe(422);
    const stranger = createGameBoostClient({ baseUrl: sb.vendors.gameboost.baseUrl, token: 'x' });
    expect((await stranger.GET(path)).response.status).toBe(401);
  });
});

it('account orders take only the documented filter[status] values', async () => {
  const response = await fetch(
    `${sb.vendors.gameboost.baseUrl}/v2/account-orders?filter%5Bstatus%5D=processing`,
    { headers: { authorization: `Bearer ${sb.vendors.gameboost.token}` } },
  );
  expect(response.status).toBe(422);
  const items = await client.GET('/v2/item-orders', {
    params: { query: { 'filter[status]': 'processing', 'filter[search]': 'ITEM ORDER #6' } },
  });
  expect(items.data!.data!.map((o) => String(o.id))).toEqual([
    sb.seed.gameboost.itemOrders.processing,
  ]);
});
