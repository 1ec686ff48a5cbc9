/**
 * Sync on SPP: `GET /api/orders` filtered by `last_message_at` and sorted by it, oldest first;
 * each changed order's messages are read by the engine with the adapter's `list`.
 *
 * Pages are asked by position, not by number: each request starts at the newest second the
 * previous page reached (`last_message_at` greater than the second before), so an order that
 * gets a message during the scan moves behind the position without pushing another past a page
 * boundary (numbered pages would skip one). The orders of that second already listed come
 * again, and the engine reads them once. When a whole page shares one second, that second's
 * orders are paged by id (`last_message_at` equal to it, `id` greater than the last one), then
 * the listing goes on after it.
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

/** Oldest change first: an order that changes during the scan moves behind the position. */
const SORT = 'last_message_at:asc';

/** An instant as the API writes times: whole seconds, with an offset. */
function apiTime(second: number): string {
  return new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * The `$gt` bound for "at or after `since`": SPP stores whole seconds and the filter's precision
 * is undocumented, so one second before `since`'s second. Written as the API writes times.
 */
export function lastMessageAfter(since: Date): string {
  return apiTime(Math.floor(since.getTime() / 1000) - 1);
}

/** Where the next page starts: at a second (every order of it), or inside one (after an id). */
type Position =
  | { readonly kind: 'from'; readonly second: number }
  | { readonly kind: 'within'; readonly second: number; readonly afterId: number };

function queryOf(position: Position) {
  if (position.kind === 'within') {
    // The orders of one second, by id: paged by position too (inferred: the spec declares these
    // filters and `sort=id`, SPP does not say it honours them).
    return {
      sort: 'id:asc',
      page: 1,
      limit: PAGE_SIZE,
      'filters[last_message_at][$eq]': apiTime(position.second),
      'filters[id][$gt]': position.afterId,
    };
  }
  return {
    sort: SORT,
    page: 1,
    limit: PAGE_SIZE,
    'filters[last_message_at][$gt]': apiTime(position.second - 1),
  };
}

function changedOrder(order: SppIndexOrder): ChangedOrder<SppMessage> {
  const updatedAt = isoDate(order.last_message_at);
  // The numeric id, not the number: `listOrders` is documented to carry `id` only, and the
  // `{order}` path of `list` and `send` accepts it.
  return { orderId: String(order.id), ...(updatedAt ? { updatedAt } : {}) };
}

const secondOf = (order: SppIndexOrder): number | undefined => {
  const at = isoDate(order.last_message_at);
  return at ? Math.floor(at.getTime() / 1000) : undefined;
};

/** Where the page after a full page of `orders` starts. */
function nextPosition(position: Position, orders: readonly SppIndexOrder[]): Position {
  const last = orders.at(-1)!;
  if (position.kind === 'within') return { ...position, afterId: last.id };
  const second = secondOf(last);
  // Filtered by a time, every order has one; a full page within one second: that second's
  // orders by id, from the start.
  if (second === undefined || second === position.second)
    return { kind: 'within', second: position.second, afterId: 0 };
  return { kind: 'from', second };
}

/**
 * Every order (audit, inbox), by page number: orders without messages have no time to start a
 * page from, and these callers do not need the position pages give sync.
 */
async function* everyOrder(ctx: Ctx): AsyncGenerator<ChangedOrder<SppMessage>[]> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query = { sort: SORT, page, limit: PAGE_SIZE };
    const { data } = await ctx.call('list orders', () =>
      ctx.client.GET('/api/orders', { params: { query } }),
    );
    if (!Array.isArray(data?.data)) throw ctx.unexpected('list orders', 'no `data` array', data);
    yield data.data.map(changedOrder);
    const last = data.meta?.last_page;
    const done = typeof last === 'number' ? page >= last : data.data.length < PAGE_SIZE;
    if (done || data.data.length === 0) return;
  }
  throw ctx.unexpected('list orders', `more than ${MAX_PAGES} pages of orders`, {});
}

/** One array per page of orders whose newest message is at or after `since` (every order without). */
export async function* changedOrders(
  request: ChangesRequest,
  ctx: Ctx,
): AsyncGenerator<ChangedOrder<SppMessage>[]> {
  const { since } = request;
  if (!since) {
    yield* everyOrder(ctx);
    return;
  }
  let position: Position = { kind: 'from', second: Math.floor(since.getTime() / 1000) };
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query = queryOf(position);
    const { data } = await ctx.call('list orders', () =>
      ctx.client.GET('/api/orders', { params: { query } }),
    );
    if (!Array.isArray(data?.data)) throw ctx.unexpected('list orders', 'no `data` array', data);
    yield data.data.map(changedOrder);
    if (data.data.length < PAGE_SIZE) {
      // The end of the listing, or of one second's orders: the listing goes on after it.
      if (position.kind === 'from') return;
      position = { kind: 'from', second: position.second + 1 };
    } else position = nextPosition(position, data.data);
  }
  // Ending quietly here would let the engine move its watermark past orders never listed.
  throw ctx.unexpected('list orders', `more than ${MAX_PAGES} pages of changed orders`, {});
}
