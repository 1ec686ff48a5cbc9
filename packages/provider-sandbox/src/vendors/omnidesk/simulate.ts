/**
 * Customer messages and bulk tickets for tests (`sb.simulate`). A customer's message is an
 * incoming (`direction: in`) timeline entry on the ticket's own channel, as the seed's are.
 */
import type { CustomerMessageInput, PopulateInput } from '../../types.js';
import { findTicket, type OmnideskState, type OmnideskTicket } from './state.js';

function entry(
  state: OmnideskState,
  ticket: OmnideskTicket,
  content: string,
  at: Date,
  agent?: { id: number; name: string },
): string {
  const id = String(state.nextEntryId++);
  ticket.timeline.push({
    type: 'message',
    id,
    ticket_id: ticket.id,
    user_id: agent?.id ?? 0,
    user_name: agent?.name ?? '',
    content,
    channel_id: ticket.channel_id,
    direction: agent ? 'out' : 'in',
    status_new: null,
    created_at: at,
    details: {},
  });
  return id;
}

export function customerMessage(state: OmnideskState, input: CustomerMessageInput): string {
  const ticket = /^\d+$/.test(input.orderId) ? findTicket(state, Number(input.orderId)) : undefined;
  if (!ticket) throw new RangeError(`omnidesk: no ticket "${input.orderId}"`);
  return entry(state, ticket, input.text, input.at);
}

export function populate(state: OmnideskState, input: PopulateInput): string[] {
  const template = state.tickets[0];
  if (!template) throw new Error('omnidesk: the seed has no ticket to copy');
  const agent = state.agents[0];
  let at = input.from.getTime();
  const ids: string[] = [];
  for (let n = 0; n < input.orders; n++) {
    const ticket: OmnideskTicket = {
      ...template,
      id: state.nextTicketId++,
      title: `Populated ticket ${n + 1}`,
      status: input.status ?? 'open',
      created_at: new Date(at),
      closed_at: null,
      timeline: [],
      events: [],
    };
    state.tickets.push(ticket);
    for (let m = 0; m < input.messagesPerOrder; m++) {
      const text = `Populated message ${m + 1} on ticket ${ticket.id}`;
      entry(state, ticket, text, new Date(at), m % 2 === 0 ? undefined : agent);
      at += input.spacingMs;
    }
    ids.push(String(ticket.id));
  }
  return ids;
}
