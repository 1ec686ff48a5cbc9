/**
 * Sync on SPP: `GET /api/orders` filtered by `last_message_at` and sorted by it, oldest first;
 * each changed order's messages are read by the engine with the adapter's `list`.
 */
import {
  operationsById,
  type SppClient,
  type SppIndexOrder,
  type SppMessage,
} from '@org/spp-client';
import {
  isoDate,
  MAX_PAGES,
  type AdapterContext,
  type ChangedOrder,
  type ChangesRequest,
} from '../../adapter-kit.js';

type Ctx = AdapterContext<SppClient>;

/** The largest page the spec allows (inferred there): fewer list requests per sync. */
const PAGE_SIZE = operationsById.listOrders.limits.maxLimit;

/**
 * Oldest change first: an order that gets a message during the scan moves behind the scan's
 * position and is listed again before the end, and the engine sees the repeat (offset pages
 * may then have skipped an order, so it keeps its watermark).
 */
const SORT = 'last_message_at:asc';

/**
 * The `$gt` bound for "at or after `since`": SPP stores whole seconds and the filter's precision
 * is undocumented, so one second before `since`'s second. Written as the API writes times.
 */
export function lastMessageAfter(since: Date): string {
  const second = Math.floor(since.getTime() / 1000) * 1000 - 1000;
  return new Date(second).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function queryOf(since: Date | undefined, page: number) {
  return {
    sort: SORT,
    page,
    limit: PAGE_SIZE,
    ...(since ? { 'filters[last_message_at][$gt]': lastMessageAfter(since) } : {}),
  };
}

function changedOrder(order: SppIndexOrder): ChangedOrder<SppMessage> {
  const updatedAt = isoDate(order.last_message_at);
  // The numeric id, not the number: `listOrders` is documented to carry `id` only, and the
  // `{order}` path of `list` and `send` accepts it.
  return { orderId: String(order.id), ...(updatedAt ? { updatedAt } : {}) };
}

/** One array per page of orders whose newest message is at or after `since` (every order without). */
export async function* changedOrders(
  request: ChangesRequest,
  ctx: Ctx,
): AsyncGenerator<ChangedOrder<SppMessage>[]> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query = queryOf(request.since, page);
    const { data } = await ctx.call('list orders', () =>
      ctx.client.GET('/api/orders', { params: { query } }),
    );
    if (!Array.isArray(data?.data)) throw ctx.unexpected('list orders', 'no `data` array', data);
    yield data.data.map(changedOrder);
    const last = data.meta?.last_page;
    const done = typeof last === 'number' ? page >= last : data.data.length < PAGE_SIZE;
    if (done || data.data.length === 0) return;
  }
  // Ending quietly here would let the engine move its watermark past orders never listed.
  throw ctx.unexpected('list orders', `more than ${MAX_PAGES} pages of changed orders`, {});
}
