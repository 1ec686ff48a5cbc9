/**
 * Omnidesk's wire formats (tickets and timeline entries with `YYYY-MM-DD HH:MM:SS`
 * times) and the vendor-neutral `StoredMessage` view tests read.
 */
import type { StoredMessage } from '../../types.js';
import type { OmnideskState, OmnideskTicket, TimelineEntry } from './state.js';

function omnideskTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function entryResource(entry: TimelineEntry): Record<string, unknown> {
  return {
    type: entry.type,
    id: entry.id,
    ticket_id: entry.ticket_id,
    user_id: entry.user_id,
    user_name: entry.user_name,
    content: entry.content,
    channel_id: entry.channel_id,
    direction: entry.direction,
    status_new: entry.status_new,
    created_at: omnideskTime(entry.created_at),
  };
}

export function ticketResource(
  ticket: OmnideskTicket,
  timeline?: TimelineEntry[],
): Record<string, unknown> {
  return {
    id: ticket.id,
    title: ticket.title,
    status: ticket.status,
    priority: ticket.priority,
    channel_id: ticket.channel_id,
    channel_name: ticket.channel_name,
    customer_id: ticket.customer_id,
    brand_id: ticket.brand_id,
    assigned_group_id: null,
    assigned_user_id: null,
    direction: 'in',
    from: ticket.from,
    to: ticket.to,
    created_at: omnideskTime(ticket.created_at),
    closed_at: ticket.closed_at ? omnideskTime(ticket.closed_at) : null,
    ...(timeline ? { timeline: timeline.map(entryResource) } : {}),
  };
}

export function storedMessages(state: OmnideskState, orderId?: string): StoredMessage[] {
  return state.tickets
    .filter((t) => orderId === undefined || String(t.id) === orderId)
    .flatMap((t) =>
      t.timeline.map((e) => ({
        vendor: 'omnidesk',
        id: e.id,
        orderId: String(t.id),
        text: e.content,
        createdAt: e.created_at,
        author: {
          kind: e.direction === 'in' ? 'customer' : 'staff',
          ...(e.user_id ? { id: String(e.user_id) } : {}),
          ...(e.user_name ? { name: e.user_name } : {}),
        },
        internal: e.type === 'note',
        raw: { ...entryResource(e), ...e.details },
      })),
    );
}
