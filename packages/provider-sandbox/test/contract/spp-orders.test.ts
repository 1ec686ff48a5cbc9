/**
 * `listOrders` of @org/spp-client against the sandbox: sorting by `last_message_at`, the
 * `filters[field][$op]` parameters, Laravel pages whose links keep the query, and errors.
 */
import {
  createSppClient,
  operationTable,
  type SppClient,
  type SppListOrdersQuery,
} from '@org/spp-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { operationsOf, requireFullCoverage } from './coverage.js';

let sb: Sandbox;
let client: SppClient;

beforeAll(async () => {
  sb = await startSandbox({ clock: () => new Date('2025-03-01T10:00:00Z') });
  client = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token });
});

beforeEach(() => sb.reset());
requireFullCoverage(() => sb, operationsOf(operationTable, ['listOrders'], true));

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

async function ids(query: SppListOrdersQuery): Promise<number[]> {
  const { data, error } = await client.GET('/api/orders', { params: { query } });
  expect(error).toBeUndefined();
  return data!.data.map((o) => o.id);
}

describe('listOrders', () => {
  it('lists IndexOrders by id, and sorts by last_message_at both ways (nulls as MySQL puts them)', async () => {
    const { data, response } = await client.GET('/api/orders');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-api-identifier')).toEqual(expect.any(String));
    expect(data!.data.map((o) => o.id)).toEqual([1001, 1002, 1003]);
    expect(data!.data[2]).toMatchObject({ last_message_at: null, status: 'Pending' });
    expect(data!.meta).toMatchObject({ total: 3, per_page: 20, current_page: 1 });
    // 1001's newest message is 25 minutes after the seed time, 1002's 2 minutes.
    expect(await ids({ sort: 'last_message_at:desc' })).toEqual([1001, 1002, 1003]);
    expect(await ids({ sort: 'last_message_at:asc' })).toEqual([1003, 1002, 1001]);
    expect(await ids({ sort: 'id:desc' })).toEqual([1003, 1002, 1001]);
  });

  it('filters with $gt, $lt, $eq and $in on last_message_at, updated_at, id and status', async () => {
    const few = sb.seed.spp.orderWithFewMessages;
    const { data } = await client.GET('/api/orders', {
      params: { query: { 'filters[id][$eq]': Number(few.id) } },
    });
    const lastMessageAt = data!.data[0]!.last_message_at!;
    expect(await ids({ 'filters[last_message_at][$gt]': lastMessageAt })).toEqual([1001]);
    expect(await ids({ 'filters[last_message_at][$lt]': lastMessageAt })).toEqual([]);
    expect(await ids({ 'filters[last_message_at][$eq]': lastMessageAt })).toEqual([1002]);
    expect(await ids({ 'filters[updated_at][$gt]': lastMessageAt })).toEqual([1001]);
    expect(await ids({ 'filters[updated_at][$lt]': lastMessageAt })).toEqual([1003]);
    expect(await ids({ 'filters[updated_at][$eq]': data!.data[0]!.updated_at })).toEqual([1002]);
    expect(await ids({ 'filters[id][$in][]': [1001, 1003] })).toEqual([1001, 1003]);
    expect(await ids({ 'filters[id][$gt]': 1001, 'filters[id][$lt]': 1003 })).toEqual([1002]);
    expect(await ids({ 'filters[status][$eq]': 'Working' })).toEqual([1001]);
    expect(await ids({ 'filters[status][$in][]': ['Pending', 'Submitted'] })).toEqual([1002, 1003]);
  });

  it('a message moves last_message_at and updated_at: the order shows up after the cursor', async () => {
    const cursor = '2025-03-01T10:00:00+00:00';
    expect(await ids({ 'filters[last_message_at][$gt]': cursor })).toEqual([]);
    sb.clock.advance(1000);
    const posted = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: sb.seed.spp.orderWithoutMessages.id } },
      body: { message: 'We started.', staff_only: false },
    });
    expect(posted.response.status).toBe(201);
    const { data } = await client.GET('/api/orders', {
      params: { query: { 'filters[last_message_at][$gt]': cursor } },
    });
    expect(data!.data).toEqual([
      expect.objectContaining({
        id: 1003,
        last_message_at: '2025-03-01T10:00:01+00:00',
        updated_at: '2025-03-01T10:00:01+00:00',
      }),
    ]);
    // Whole seconds, like the API's times: the same cursor again finds nothing new.
    expect(await ids({ 'filters[last_message_at][$gt]': '2025-03-01T10:00:01+00:00' })).toEqual([]);
  });

  it('pages with limit; the links keep sort and filters', async () => {
    sb.simulate.populate({ vendor: 'spp', orders: 7, messagesPerOrder: 1 });
    const query = { sort: 'last_message_at:desc', 'filters[id][$gt]': 1003, limit: 3 } as const;
    const first = await client.GET('/api/orders', { params: { query } });
    expect(first.data!.meta).toMatchObject({ total: 7, last_page: 3, per_page: 3, from: 1, to: 3 });
    const next = new URL(first.data!.links.next!);
    expect(Object.fromEntries(next.searchParams)).toEqual({
      sort: 'last_message_at:desc',
      'filters[id][$gt]': '1003',
      limit: '3',
      page: '2',
    });
    const seen: number[] = [];
    for (let page = 1; page <= 3; page++) seen.push(...(await ids({ ...query, page })));
    expect(seen).toEqual([1010, 1009, 1008, 1007, 1006, 1005, 1004]);
    const capped = await client.GET('/api/orders', { params: { query: { limit: 1000 } } });
    expect(capped.data!.meta.per_page).toBe(100);
  });

  it('answers 400 for an unsortable field, a bad time or a bad limit, and 401 without the key', async () => {
    const sort = await client.GET('/api/orders', { params: { query: { sort: 'price:asc' } } });
    expect(sort.response.status).toBe(400);
    expect(sort.error?.errors?.sort).toHaveLength(1);
    const time = await client.GET('/api/orders', {
      params: { query: { 'filters[updated_at][$gt]': 'yesterday' } },
    });
    expect(time.response.status).toBe(400);
    const limit = await fetch(`${sb.vendors.spp.baseUrl}/api/orders?limit=0`, {
      headers: { authorization: `Bearer ${sb.vendors.spp.token}` },
    });
    expect(limit.status).toBe(400);
    const stranger = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: 'wrong' });
    expect((await stranger.GET('/api/orders')).response.status).toBe(401);
  });
});
