/**
 * Sync on Omnidesk: `GET /ticket` documents no update-time filter or order, so every listed
 * (not archived) ticket is read with `GET /ticket/{id}` on every sync, and the engine keeps
 * what changed since its watermark.
 */
import type { OmnideskTimelineEntry } from '@org/omnidesk-client';
import { isRecord, type ChangedOrder, type ChangesRequest } from '../../adapter-kit.js';
import type { Ctx, OmnideskConfig } from './config.js';
import { getTicket, isMessage, normalize } from './timeline.js';

/** Tickets per list page (Omnidesk allows up to 9999; 100 keeps one answer small). */
const PAGE_SIZE = 100;
/** 10 000 pages of 100 tickets: beyond any account; the guard stops a server that loops. */
const MAX_TICKET_PAGES = 10_000;

/**
 * Ticket ids of one list answer. Its envelope is undocumented: the sandbox's `items` array and
 * the older API's numbered keys holding `{ ticket }` are both read.
 */
function ticketIds(data: unknown): number[] | undefined {
  if (!isRecord(data)) return undefined;
  const items = Array.isArray(data.items)
    ? (data.items as unknown[])
    : Object.keys(data)
        .filter((key) => /^\d+$/.test(key))
        .map((key) => data[key]);
  const ids: number[] = [];
  for (const item of items) {
    const ticket = isRecord(item) && isRecord(item.ticket) ? item.ticket : item;
    const id = isRecord(ticket) ? Number(ticket.id) : Number.NaN;
    if (Number.isSafeInteger(id)) ids.push(id);
  }
  return ids;
}

/** One array per list page: each ticket on it, with its whole timeline. */
export async function* changedOrders(
  config: OmnideskConfig,
  request: ChangesRequest,
  ctx: Ctx,
): AsyncGenerator<ChangedOrder<OmnideskTimelineEntry>[]> {
  for (let page = 0; page < MAX_TICKET_PAGES; page++) {
    const query = { itemStart: page * PAGE_SIZE, itemLimit: PAGE_SIZE };
    const { data } = await ctx.call('list tickets', () =>
      ctx.client.GET('/ticket', { params: { query } }),
    );
    const ids = ticketIds(data);
    if (!ids) throw ctx.unexpected('list tickets', 'no ticket list in the answer', data);
    const changes: ChangedOrder<OmnideskTimelineEntry>[] = [];
    for (const id of ids) {
      const ticket = await getTicket(String(id), ctx);
      const messages = (ticket.timeline ?? [])
        .filter(isMessage)
        .map((entry) => normalize(config, entry, ticket, ctx));
      // Only a changed ticket matters to the engine; the others would only cost memory.
      const since = request.since?.getTime();
      if (since !== undefined && !messages.some((m) => m.sentAt.getTime() >= since)) continue;
      changes.push({ orderId: String(ticket.id), messages });
    }
    yield changes;
    if (ids.length < PAGE_SIZE) return;
  }
  throw ctx.unexpected('list tickets', `more than ${MAX_TICKET_PAGES} pages of tickets`, {});
}
