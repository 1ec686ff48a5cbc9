/**
 * Sync on GameBoost: the order lists have no update-time filter, and whether a chat message
 * moves an order's `updated_at` is undocumented (the sandbox assumes it does). So every sync
 * lists the account, item and currency orders, oldest update first, and reads the messages of
 * each order updated since the watermark or still open: a message on an open order is found
 * even if GameBoost leaves `updated_at` alone.
 */
import { operationsById, type GameBoostClient, type GameBoostMessage } from '@org/gameboost-client';
import {
  isRecord,
  MAX_PAGES,
  unixSecondsDate,
  type AdapterContext,
  type ChangedOrder,
  type ChangesRequest,
  type OrderMessage,
  type SyncCapability,
} from '../../adapter-kit.js';

type Ctx = AdapterContext<GameBoostClient>;
/** The adapter's `GameBoostOrderKind` (a part imports nothing from its adapter's module). */
type Kind = 'account' | 'item' | 'currency';

const KINDS: readonly Kind[] = ['account', 'item', 'currency'];

/** The spec documents 50 as the largest page for account orders (inferred for the others). */
const PER_PAGE = operationsById.listAccountOrders.limits.maxPerPage;

/** The bucket every message read spends, with every send (`x-rate-limit` `chat`). */
const CHAT = operationsById.listAccountOrderMessages.rateLimits.chat;
const CHAT_PERIOD = CHAT.periodSeconds === 60 ? 'min' : `${CHAT.periodSeconds} s`;

export const GAMEBOOST_SYNC: SyncCapability = Object.freeze({
  mode: 'scan-open-orders',
  cost: `${KINDS.length}+ order lists (${PER_PAGE} orders a page) per sync, plus one message read per open or changed order (chat limit ${CHAT.limit}/${CHAT_PERIOD}!)`,
  pages: 'offset',
});

/**
 * Oldest update first: an order that changes during the scan moves behind the scan's position
 * and is listed again, which the engine sees as a repeat (and lists again from where it was).
 */
const SORT = 'updated_at';

/**
 * Statuses after which no message is expected: delivered and refunded are the documented final
 * account-order statuses; completed and cancelled are guesses for item and currency orders,
 * whose statuses are undocumented. Every other status (pending, in_delivery, processing, and any
 * status GameBoost adds) counts as open: an unknown status costs a chat read, a missed one a
 * message. Messages on a closed order are still found when they move its `updated_at`.
 */
const CLOSED_STATUSES = new Set(['delivered', 'refunded', 'completed', 'cancelled', 'canceled']);

/** The reader of one order's messages, given its buyer (the adapter's own, shared with `list`). */
export type ReadMessages = (
  ref: { orderId: string; vendorOptions: { gameboost: { orderKind: Kind } } },
  buyerId: number | undefined,
  ctx: Ctx,
) => Promise<OrderMessage<GameBoostMessage>[]>;

function listPage(kind: Kind, page: number, ctx: Ctx) {
  const query = { page, per_page: PER_PAGE, sort: SORT };
  switch (kind) {
    case 'account':
      return ctx.client.GET('/v2/account-orders', { params: { query } });
    case 'item':
      return ctx.client.GET('/v2/item-orders', { params: { query } });
    case 'currency':
      return ctx.client.GET('/v2/currency-orders', { params: { query } });
  }
}

function isOpen(order: Record<string, unknown>): boolean {
  // A dispute is a conversation, whatever the order's status.
  if (order.is_disputed === true) return true;
  return typeof order.status !== 'string' || !CLOSED_STATUSES.has(order.status);
}

/** Whole seconds: `updated_at` has no milliseconds, and "at or after" must hold at `since`. */
function updatedSince(updatedAt: Date | undefined, since: Date): boolean {
  return (
    updatedAt !== undefined && updatedAt.getTime() >= Math.floor(since.getTime() / 1000) * 1000
  );
}

async function changedOrder(
  kind: Kind,
  order: Record<string, unknown>,
  request: ChangesRequest,
  read: ReadMessages,
  ctx: Ctx,
): Promise<ChangedOrder<GameBoostMessage> | undefined> {
  const id = typeof order.id === 'number' ? String(order.id) : undefined;
  if (id === undefined) return undefined;
  const updatedAt = unixSecondsDate(order.updated_at);
  const { since } = request;
  const vendorOptions = { gameboost: { orderKind: kind } };
  // Ids of different kinds may be equal: the kind keeps them apart.
  const listingKey = `${kind}:${id}`;
  const entry = { orderId: id, listingKey, vendorOptions, ...(updatedAt ? { updatedAt } : {}) };
  // Unchanged and closed, or read already at this update time: listed without a chat read, so
  // the engine still sees where the pages stand (a repeat).
  const unchanged = since && !updatedSince(updatedAt, since) && !isOpen(order);
  if (unchanged || (updatedAt && request.known?.(listingKey, updatedAt)))
    return { ...entry, messages: [] };
  const buyer =
    isRecord(order.buyer) && typeof order.buyer.id === 'number' ? order.buyer.id : undefined;
  return { ...entry, messages: await read({ orderId: id, vendorOptions }, buyer, ctx) };
}

/** One array per page of each kind's order list: the orders changed since `since` or open. */
export async function* changedOrders(
  request: ChangesRequest,
  ctx: Ctx,
  read: ReadMessages,
): AsyncGenerator<ChangedOrder<GameBoostMessage>[]> {
  for (const kind of KINDS) {
    const operation = `list ${kind} orders`;
    for (let page = 1; ; page++) {
      // Ending quietly would let the engine move its watermark past orders never listed.
      if (page > MAX_PAGES) throw ctx.unexpected(operation, `more than ${MAX_PAGES} pages`, {});
      const { data } = await ctx.call(operation, () => listPage(kind, page, ctx));
      if (!Array.isArray(data?.data)) throw ctx.unexpected(operation, 'no `data` array', data);
      const changes: ChangedOrder<GameBoostMessage>[] = [];
      for (const order of data.data as unknown[]) {
        if (!isRecord(order)) continue;
        const change = await changedOrder(kind, order, request, read, ctx);
        if (change) changes.push(change);
      }
      yield changes;
      const last = data.meta?.last_page;
      const done = typeof last === 'number' ? page >= last : data.data.length < PER_PAGE;
      if (done || data.data.length === 0) break;
    }
  }
}
