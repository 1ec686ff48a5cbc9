/** The agents and three tickets (open with a conversation, new, solved) every Omnidesk sandbox starts with. */
import type { OmnideskState, OmnideskTicket, TimelineEntry } from './state.js';

export interface OmnideskSeed {
  /** A ticket with a customer message, an agent reply and a note. */
  readonly ticketWithMessages: number;
  readonly ticketWithOneMessage: number;
  readonly solvedTicket: number;
  /** Valid `userID` values (administrator users). */
  readonly agentIds: readonly number[];
}

const SEED_TIME = Date.UTC(2024, 2, 5, 10, 15, 0);

function at(minutes: number): Date {
  return new Date(SEED_TIME + minutes * 60_000);
}

function addTicket(
  state: OmnideskState,
  title: string,
  status: string,
  minutes: number,
): OmnideskTicket {
  const ticket: OmnideskTicket = {
    id: state.nextTicketId++,
    title,
    status,
    priority: 'normal',
    channel_id: 1,
    channel_name: 'e-mail',
    customer_id: 501,
    brand_id: 1,
    from: 'customer@example.com',
    to: 'support@example.com',
    created_at: at(minutes),
    closed_at: status === 'solved' ? at(minutes + 30) : null,
    timeline: [],
    events: [],
  };
  state.tickets.push(ticket);
  return ticket;
}

/** Defaults to an incoming customer e-mail; `fields` says otherwise. */
function addEntry(
  state: OmnideskState,
  ticket: OmnideskTicket,
  minutes: number,
  fields: Partial<TimelineEntry> & Pick<TimelineEntry, 'type' | 'content'>,
): void {
  ticket.timeline.push({
    id: String(state.nextEntryId++),
    ticket_id: ticket.id,
    user_id: 0,
    user_name: '',
    channel_id: 1,
    direction: 'in',
    status_new: null,
    created_at: at(minutes),
    details: {},
    ...fields,
  });
}

/** Status changes are history, not messages: `getTicketHistory` shows them, the message list does not. */
function addStatusEvent(
  state: OmnideskState,
  ticket: OmnideskTicket,
  minutes: number,
  status: string,
): void {
  ticket.events.push({
    type: 'event',
    id: String(state.nextEntryId++),
    ticket_id: ticket.id,
    user_id: null,
    user_name: null,
    content: `Status changed to ${status}`,
    channel_id: 0,
    direction: 'internal',
    status_new: status,
    created_at: at(minutes),
    details: {},
  });
}

function seedConversationTicket(state: OmnideskState): void {
  const ticket = addTicket(state, 'Where is my order?', 'open', 0);
  addEntry(state, ticket, 0, {
    type: 'message',
    content: 'Where is my order? It has been a week.',
    status_new: 'new',
  });
  addStatusEvent(state, ticket, 1, 'open');
  addEntry(state, ticket, 5, {
    type: 'message',
    content: 'It left our warehouse yesterday.',
    user_id: 7,
    user_name: 'Agent Smith',
    direction: 'out',
    status_new: 'open',
  });
  addEntry(state, ticket, 6, {
    type: 'note',
    content: 'Checked with the warehouse.',
    user_id: 7,
    user_name: 'Agent Smith',
    channel_id: 0,
    direction: 'internal',
  });
}

export function seed(): OmnideskState {
  const state: OmnideskState = {
    agents: [
      { id: 7, name: 'Agent Smith' },
      { id: 8, name: 'Agent Jones' },
    ],
    tickets: [],
    nextTicketId: 12345,
    nextEntryId: 98765,
  };
  seedConversationTicket(state);
  const refund = addTicket(state, 'Refund request', 'new', 10);
  addEntry(state, refund, 10, {
    type: 'message',
    content: 'I would like a refund for order 77.',
    status_new: 'new',
  });
  const solved = addTicket(state, 'Thanks!', 'solved', 20);
  addEntry(state, solved, 20, {
    type: 'message',
    content: 'Thanks, all good now.',
    status_new: 'new',
  });
  addStatusEvent(state, solved, 50, 'solved');
  return state;
}

export function seedIds(state: OmnideskState): OmnideskSeed {
  return {
    ticketWithMessages: state.tickets[0]!.id,
    ticketWithOneMessage: state.tickets[1]!.id,
    solvedTicket: state.tickets[2]!.id,
    agentIds: state.agents.map((a) => a.id),
  };
}
