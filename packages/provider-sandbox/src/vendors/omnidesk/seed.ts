/**
 * The agents and three tickets (open with a conversation, new, solved) every Omnidesk
 * sandbox starts with, made of the spec's `getTicket` example where it has one: the
 * first ticket's id, title and time, every ticket's channel, customer, brand and
 * addresses, the first timeline entry id, the agent and the note. Message texts are
 * the sandbox's own.
 */
import type {
  OmnideskTicket as ExampleTicket,
  OmnideskTimelineEntry as ExampleEntry,
} from '@org/omnidesk-client';
import type { VendorSpec } from '../../types.js';
import type { OmnideskState, OmnideskTicket, TimelineEntry } from './state.js';

/** Seeded Omnidesk ids (`sandbox.seed.omnidesk`). */
export interface OmnideskSeed {
  /** A ticket with a customer message, an agent reply and a note. */
  readonly ticketWithMessages: number;
  /** A ticket with a single message. */
  readonly ticketWithOneMessage: number;
  /** A ticket in `solved` status. */
  readonly solvedTicket: number;
  /** Valid `userID` values (administrator users). */
  readonly agentIds: readonly number[];
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) {
    throw new Error(`The omnidesk spec's getTicket example has no ${what}`);
  }
  return value;
}

/** The ticket of `getTicket`'s response example. */
function exampleTicket(spec: VendorSpec): ExampleTicket {
  return spec.operationAt(
    'getTicket',
    'responses',
    '200',
    'content',
    'application/json',
    'examples',
    'ticket',
    'value',
    'item',
  ) as ExampleTicket;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC, as the sandbox writes them) to epoch milliseconds. */
function omnideskTime(text: string): number {
  const time = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(time))
    throw new Error(`The omnidesk spec example time "${text}" does not parse`);
  return time;
}

/** What the seed takes from the example ticket. */
interface Template {
  readonly ticket: Pick<
    OmnideskTicket,
    'channel_id' | 'channel_name' | 'customer_id' | 'brand_id' | 'from' | 'to'
  >;
  readonly firstTicket: { readonly id: number; readonly title: string };
  readonly firstEntryId: number;
  readonly start: number;
  readonly note: ExampleEntry & { readonly user_id: number; readonly user_name: string };
}

function templateOf(example: ExampleTicket): Template {
  const note = required(
    example.timeline?.find((e) => e.type === 'note'),
    'note in its timeline',
  );
  return {
    ticket: {
      channel_id: required(example.channel_id, 'channel_id'),
      channel_name: required(example.channel_name, 'channel_name'),
      customer_id: example.customer_id ?? null,
      brand_id: required(example.brand_id, 'brand_id'),
      from: required(example.from, 'from'),
      to: required(example.to, 'to'),
    },
    firstTicket: { id: example.id, title: required(example.title, 'title') },
    firstEntryId: Number(required(example.timeline?.[0]?.id, 'timeline entry id')),
    start: omnideskTime(required(example.created_at, 'created_at')),
    note: {
      ...note,
      user_id: required(note.user_id, 'note author id'),
      user_name: required(note.user_name, 'note author name'),
    },
  };
}

type NewEntry = Partial<TimelineEntry> & Pick<TimelineEntry, 'type' | 'content'>;

/** Adds tickets and timeline entries, ids counting on from the example's, times from its start. */
function seeder(state: OmnideskState, template: Template) {
  const at = (minutes: number) => new Date(template.start + minutes * 60_000);
  return {
    ticket(title: string, status: string, minutes: number): OmnideskTicket {
      const ticket: OmnideskTicket = {
        id: state.nextTicketId++,
        title,
        status,
        priority: 'normal',
        ...template.ticket,
        created_at: at(minutes),
        closed_at: status === 'solved' ? at(minutes + 30) : null,
        timeline: [],
        events: [],
      };
      state.tickets.push(ticket);
      return ticket;
    },
    /** Defaults to an incoming customer message on the ticket's channel; `fields` says otherwise. */
    entry(ticket: OmnideskTicket, minutes: number, fields: NewEntry): void {
      ticket.timeline.push({
        id: String(state.nextEntryId++),
        ticket_id: ticket.id,
        user_id: 0,
        user_name: '',
        channel_id: ticket.channel_id,
        direction: 'in',
        status_new: null,
        created_at: at(minutes),
        details: {},
        ...fields,
      });
    },
    /** Status changes are history, not messages: `getTicketHistory` shows them, the message list does not. */
    statusEvent(ticket: OmnideskTicket, minutes: number, status: string): void {
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
    },
  };
}

export function seed(_now: Date, spec: VendorSpec): OmnideskState {
  const template = templateOf(exampleTicket(spec));
  const { note } = template;
  const agent = { id: note.user_id, name: note.user_name };
  const state: OmnideskState = {
    agents: [agent, { id: 8, name: 'Agent Jones' }],
    tickets: [],
    nextTicketId: template.firstTicket.id,
    nextEntryId: template.firstEntryId,
  };
  const add = seeder(state, template);

  const conversation = add.ticket(template.firstTicket.title, 'open', 0);
  add.entry(conversation, 0, {
    type: 'message',
    content: 'Where is my order? It has been a week.',
    status_new: 'new',
  });
  add.statusEvent(conversation, 1, 'open');
  add.entry(conversation, 5, {
    type: 'message',
    content: 'It left our warehouse yesterday.',
    user_id: agent.id,
    user_name: agent.name,
    direction: 'out',
    status_new: 'open',
  });
  add.entry(conversation, 6, {
    type: 'note',
    content: required(note.content, 'note text'),
    user_id: agent.id,
    user_name: agent.name,
    channel_id: required(note.channel_id, 'note channel_id'),
    direction: 'internal',
  });

  const refund = add.ticket('Refund request', 'new', 10);
  add.entry(refund, 10, {
    type: 'message',
    content: 'I would like a refund for order 77.',
    status_new: 'new',
  });
  const solved = add.ticket('Thanks!', 'solved', 20);
  add.entry(solved, 20, { type: 'message', content: 'Thanks, all good now.', status_new: 'new' });
  add.statusEvent(solved, 50, 'solved');
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
