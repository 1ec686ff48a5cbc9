/**
 * Reading an Omnidesk ticket: `GET /ticket/{ticketID}` and its `timeline`, whose entries other
 * than events are the order's messages (one page).
 */
import type { OmnideskTicket, OmnideskTimelineEntry } from '@org/omnidesk-client';
import {
  isoDate,
  isRecord,
  standInId,
  stringId,
  vendorMessage,
  type OrderRef,
} from '../../adapter-kit.js';
import type { Ctx, OmnideskConfig, OmnideskOrderMessage, OmnideskVendorOptions } from './config.js';

const OMNIDESK_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** An Omnidesk timestamp (no zone: the account's clock), or an ISO date. */
export function parseTime(config: OmnideskConfig, value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = OMNIDESK_TIME.exec(value.trim());
  if (!match) return isoDate(value);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - config.offsetMs);
}

export const isMessage = (entry: OmnideskTimelineEntry) => entry.type !== 'event';

export function normalize(
  config: OmnideskConfig,
  entry: OmnideskTimelineEntry,
  ticket: OmnideskTicket,
  ctx: Ctx,
): OmnideskOrderMessage {
  const internal = entry.type === 'note';
  const inbound = !internal && entry.direction === 'in';
  const userId =
    typeof entry.user_id === 'number' && entry.user_id > 0 ? String(entry.user_id) : undefined;
  const customerId = stringId(ticket.customer_id);
  const id = inbound ? customerId : userId;
  const name =
    typeof entry.user_name === 'string' && entry.user_name !== '' ? entry.user_name : undefined;
  return {
    id:
      stringId(entry.id) ??
      standInId(ticket.id, entry.created_at, entry.type, entry.user_id, entry.content),
    orderId: String(ticket.id),
    text: typeof entry.content === 'string' ? entry.content : '',
    author: {
      kind: inbound ? 'customer' : 'staff',
      ...(id === undefined ? {} : { id }),
      ...(name === undefined ? {} : { name }),
    },
    sentAt: parseTime(config, entry.created_at) ?? new Date(0),
    attachments: [],
    internal,
    vendor: 'omnidesk',
    connection: ctx.connection,
    raw: entry,
  };
}

export async function getTicket(orderId: string, ctx: Ctx): Promise<OmnideskTicket> {
  const { data } = await ctx.call('get ticket', () =>
    ctx.client.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: Number(orderId) } },
    }),
  );
  const item = isRecord(data) ? data.item : undefined;
  if (!isRecord(item) || item.id === undefined) {
    throw ctx.unexpected(
      'get ticket',
      vendorMessage(data) ?? 'no ticket `item` in the answer',
      data,
    );
  }
  return item as OmnideskTicket;
}

export async function* listMessages(
  config: OmnideskConfig,
  ref: OrderRef<OmnideskVendorOptions>,
  ctx: Ctx,
): AsyncGenerator<OmnideskOrderMessage> {
  const ticket = await getTicket(ref.orderId, ctx);
  for (const entry of ticket.timeline ?? [])
    if (isMessage(entry)) yield normalize(config, entry, ticket, ctx);
}
