/** Paging through SPP's Laravel-style listings (`page`, and `meta.last_page` in each answer). */
import { walkPages, type WalkPagesOptions } from '@org/http-runtime';
import type { components, operations } from './generated/schema.js';
import type { SppClient, SppListOrdersQuery } from './index.js';

type PageOptions = WalkPagesOptions & { signal?: AbortSignal };
type ListOrderMessagesQuery = NonNullable<operations['listOrderMessages']['parameters']['query']>;

function nextPage(data: { meta?: components['schemas']['PaginationMeta'] }): number | undefined {
  const meta = data.meta;
  return meta && meta.current_page < meta.last_page ? meta.current_page + 1 : undefined;
}

/**
 * Every page of `listOrders` for `query`, from page 1 to `meta.last_page`.
 *
 * @example
 * for await (const { data, error } of listOrderPages(client, { sort: 'last_message_at:asc' })) {
 *   if (error) throw new Error(JSON.stringify(error));
 *   for (const order of data.data) console.log(order.id);
 * }
 */
export function listOrderPages(
  client: SppClient,
  query: Omit<SppListOrdersQuery, 'page'> = {},
  options: PageOptions = {},
) {
  const { signal, ...walk } = options;
  return walkPages(
    (page: number | undefined) =>
      client.GET('/api/orders', {
        params: { query: { ...query, page: page ?? 1 } },
        ...(signal ? { signal } : {}),
      }),
    nextPage,
    walk,
  );
}

/** Every page of an order's messages (`listOrderMessages`), from page 1 to `meta.last_page`. */
export function listOrderMessagePages(
  client: SppClient,
  order: string,
  query: Omit<ListOrderMessagesQuery, 'page'> = {},
  options: PageOptions = {},
) {
  const { signal, ...walk } = options;
  return walkPages(
    (page: number | undefined) =>
      client.GET('/api/order_messages/{order}', {
        params: { path: { order }, query: { ...query, page: page ?? 1 } },
        ...(signal ? { signal } : {}),
      }),
    nextPage,
    walk,
  );
}
