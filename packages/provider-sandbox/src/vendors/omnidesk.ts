/**
 * Omnidesk API v2 (specs/omnidesk.yaml): messages inside tickets, read back from
 * the ticket's timeline. `apiKey` query parameter; `{type: "item"|"result", ...}`
 * envelopes; errors `{status: "error", message}` with 400 for invalid input.
 */
import { reasonPhrase } from '../faults.js';
import type { HandlerContext, Reply, StoredMessage, ValidationIssue } from '../types.js';
import { defineVendor } from '../types.js';

interface OmnideskAgent {
  id: number;
  name: string;
}

interface TimelineEntry {
  type: string;
  id: string;
  ticket_id: number;
  user_id: number | null;
  user_name: string | null;
  content: string;
  channel_id: number;
  direction: 'in' | 'out' | 'internal';
  status_new: string | null;
  created_at: Date;
  /** Fields of POST /message kept for inspection (recipients, schedule, forwarded files). */
  details: Record<string, unknown>;
}

interface OmnideskTicket {
  id: number;
  title: string;
  status: string;
  priority: string | null;
  channel_id: number;
  channel_name: string;
  customer_id: number | null;
  brand_id: number;
  from: string;
  to: string;
  created_at: Date;
  closed_at: Date | null;
  timeline: TimelineEntry[];
  events: TimelineEntry[];
}

export interface OmnideskState {
  agents: OmnideskAgent[];
  tickets: OmnideskTicket[];
  nextTicketId: number;
  nextEntryId: number;
}

export interface OmnideskCredentials {
  /** Sent as the `apiKey` query parameter. */
  readonly apiKey: string;
  /** The tenant name of `https://{account}.omnidesk.com/api/v2`. */
  readonly account: string;
}

export interface OmnideskSeed {
  /** A ticket with a customer message, an agent reply and a note. */
  readonly ticketWithMessages: number;
  readonly ticketWithOneMessage: number;
  readonly solvedTicket: number;
  /** Valid `userID` values (administrator users). */
  readonly agentIds: readonly number[];
}

const API_KEY = 'od_sandbox_5b2f8c1d7e4a49f3b6c0d9e8a7f61234';
const ACCOUNT = 'sandbox';
const SEED_TIME = Date.UTC(2024, 2, 5, 10, 15, 0);
const CHANNELS: Record<number, string> = { 0: 'note', 1: 'e-mail' };

function omnideskTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function seed(): OmnideskState {
  const agents: OmnideskAgent[] = [
    { id: 7, name: 'Agent Smith' },
    { id: 8, name: 'Agent Jones' },
  ];
  const state: OmnideskState = { agents, tickets: [], nextTicketId: 12345, nextEntryId: 98765 };
  const ticket = (title: string, status: string, minutes: number): OmnideskTicket => {
    const t: OmnideskTicket = {
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
      created_at: new Date(SEED_TIME + minutes * 60_000),
      closed_at: status === 'solved' ? new Date(SEED_TIME + (minutes + 30) * 60_000) : null,
      timeline: [],
      events: [],
    };
    state.tickets.push(t);
    return t;
  };
  const entry = (
    t: OmnideskTicket,
    minutes: number,
    fields: Partial<TimelineEntry> & Pick<TimelineEntry, 'type' | 'content'>,
  ) => {
    t.timeline.push({
      id: String(state.nextEntryId++),
      ticket_id: t.id,
      user_id: 0,
      user_name: '',
      channel_id: 1,
      direction: 'in',
      status_new: null,
      created_at: new Date(SEED_TIME + minutes * 60_000),
      details: {},
      ...fields,
    });
  };
  const event = (t: OmnideskTicket, minutes: number, status: string) => {
    t.events.push({
      type: 'event',
      id: String(state.nextEntryId++),
      ticket_id: t.id,
      user_id: null,
      user_name: null,
      content: `Status changed to ${status}`,
      channel_id: 0,
      direction: 'internal',
      status_new: status,
      created_at: new Date(SEED_TIME + minutes * 60_000),
      details: {},
    });
  };
  const first = ticket('Where is my order?', 'open', 0);
  entry(first, 0, {
    type: 'message',
    content: 'Where is my order? It has been a week.',
    status_new: 'new',
  });
  event(first, 1, 'open');
  entry(first, 5, {
    type: 'message',
    content: 'It left our warehouse yesterday.',
    user_id: 7,
    user_name: 'Agent Smith',
    direction: 'out',
    status_new: 'open',
  });
  entry(first, 6, {
    type: 'note',
    content: 'Checked with the warehouse.',
    user_id: 7,
    user_name: 'Agent Smith',
    channel_id: 0,
    direction: 'internal',
  });
  const second = ticket('Refund request', 'new', 10);
  entry(second, 10, {
    type: 'message',
    content: 'I would like a refund for order 77.',
    status_new: 'new',
  });
  const third = ticket('Thanks!', 'solved', 20);
  entry(third, 20, { type: 'message', content: 'Thanks, all good now.', status_new: 'new' });
  event(third, 50, 'solved');
  return state;
}

function errorBody(message: string) {
  return { status: 'error', message };
}

function findTicket(state: OmnideskState, id: unknown): OmnideskTicket | undefined {
  return state.tickets.find((t) => t.id === id);
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

function ticketResource(
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

interface MessageForm {
  ticketID: number;
  type: string;
  message: string;
  userID?: number;
  toAddress?: string;
  ccInput?: string;
  bccInput?: string;
  respondMessageID?: number;
  plaintext?: string;
  forwardedFileIDs?: number[];
  sendAt?: string;
  submitStatus?: string;
}

function createMessage(ctx: HandlerContext, state: OmnideskState): Reply {
  const form = ctx.body as MessageForm;
  const ticket = findTicket(state, form.ticketID);
  if (!ticket) return { status: 404, body: errorBody(`Ticket ${form.ticketID} not found`) };
  const userId = form.userID ?? 0;
  const agent = state.agents.find((a) => a.id === userId);
  if (userId !== 0 && !agent)
    return { status: 400, body: errorBody(`Invalid userID ${userId}: not an administrator user`) };
  const respondTo = form.respondMessageID ?? 0;
  if (respondTo !== 0 && !ticket.timeline.some((e) => e.id === String(respondTo))) {
    return {
      status: 400,
      body: errorBody(
        `Invalid respondMessageID ${respondTo}: no such message in ticket ${ticket.id}`,
      ),
    };
  }
  const numeric = /^\d+$/.test(form.type);
  const channelId = numeric ? Number(form.type) : 0;
  const isNote = numeric && channelId === 0;
  const entry: TimelineEntry = {
    type: isNote ? 'note' : numeric ? 'message' : form.type,
    id: String(state.nextEntryId++),
    ticket_id: ticket.id,
    user_id: userId,
    user_name: agent?.name ?? 'Agent Anonymous',
    content: form.message,
    channel_id: channelId,
    direction: isNote ? 'internal' : 'out',
    status_new: form.submitStatus ?? null,
    created_at: ctx.now,
    details: {
      toAddress: form.toAddress ?? '',
      ccInput: form.ccInput ?? '',
      bccInput: form.bccInput ?? '',
      respondMessageID: respondTo,
      plaintext: form.plaintext ?? form.message,
      forwardedFileIDs: form.forwardedFileIDs ?? [],
      ...(form.sendAt ? { sendAt: form.sendAt } : {}),
    },
  };
  ticket.timeline.push(entry);
  if (form.submitStatus) ticket.status = form.submitStatus;
  return {
    status: 200,
    body: {
      type: 'result',
      message: form.submitStatus
        ? 'Message has been sent and the ticket status was updated.'
        : 'Message has been sent.',
    },
  };
}

function listTickets(ctx: HandlerContext, state: OmnideskState): Reply {
  const start = (ctx.query.itemStart as number | undefined) ?? 0;
  const limit = (ctx.query.itemLimit as number | undefined) ?? 15;
  const status = ctx.query.status as string | undefined;
  const query = (ctx.query.query as string | undefined)?.toLowerCase();
  const matching = state.tickets.filter(
    (t) =>
      (!status || t.status === status) &&
      (!query ||
        t.title.toLowerCase().includes(query) ||
        t.timeline.some((e) => e.content.toLowerCase().includes(query))),
  );
  return {
    status: 200,
    body: {
      type: 'list',
      items: matching.slice(start, start + limit).map((t) => ticketResource(t)),
      total: matching.length,
    },
  };
}

function createTicket(ctx: HandlerContext, state: OmnideskState): Reply {
  const form = (ctx.body ?? {}) as Record<string, unknown>;
  const title =
    typeof form.title === 'string'
      ? form.title
      : typeof form.subject === 'string'
        ? form.subject
        : '';
  const ticket: OmnideskTicket = {
    id: state.nextTicketId++,
    title,
    status: 'new',
    priority: 'normal',
    channel_id: 1,
    channel_name: CHANNELS[1]!,
    customer_id: null,
    brand_id: 1,
    from: typeof form.from === 'string' ? form.from : '',
    to: typeof form.to === 'string' ? form.to : '',
    created_at: ctx.now,
    closed_at: null,
    timeline: [],
    events: [],
  };
  state.tickets.push(ticket);
  // The vendor only says the answer "will contain a ticket ID integer".
  return { status: 200, body: ticket.id };
}

function getTicket(ctx: HandlerContext, state: OmnideskState): Reply {
  const ticket = findTicket(state, ctx.pathParams.ticketID);
  if (!ticket)
    return { status: 404, body: errorBody(`Ticket ${String(ctx.pathParams.ticketID)} not found`) };
  const timeline =
    ctx.query.getTicketHistory === true
      ? [...ticket.timeline, ...ticket.events]
      : [...ticket.timeline];
  timeline.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return { status: 200, body: { type: 'item', item: ticketResource(ticket, timeline) } };
}

function describe(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.field || issue.location;
      switch (issue.rule) {
        case 'required':
          return `The field ${field} is required`;
        case 'minLength':
          return `The field ${field} must be at least ${String(issue.limit)} characters`;
        case 'pattern':
          return `The field ${field} has an invalid format`;
        case 'type':
          return `The field ${field} must be of type ${String(issue.limit)}`;
        default:
          return `The field ${field} is invalid (${issue.message})`;
      }
    })
    .join('; ');
}

export const omnidesk = defineVendor<OmnideskState, OmnideskCredentials, OmnideskSeed>({
  name: 'omnidesk',
  credentials: { apiKey: API_KEY, account: ACCOUNT },
  secrets: { apiKey: API_KEY },
  seed,
  seedIds(state): OmnideskSeed {
    return {
      ticketWithMessages: state.tickets[0]!.id,
      ticketWithOneMessage: state.tickets[1]!.id,
      solvedTicket: state.tickets[2]!.id,
      agentIds: state.agents.map((a) => a.id),
    };
  },
  messages(state, orderId): StoredMessage[] {
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
  },
  handlers: { createMessage, listTickets, createTicket, getTicket },
  example: (baseUrl, seed) =>
    `curl '${baseUrl}/ticket/${seed.ticketWithMessages}?apiKey=${API_KEY}'`,
  errors: {
    unauthorized: () => ({ status: 401, body: errorBody('Invalid or missing API key') }),
    validation: (_ctx, issues) => ({ status: 400, body: errorBody(describe(issues)) }),
    notFound: (_ctx, message) => ({ status: 404, body: errorBody(message ?? 'Not found') }),
    rateLimited: (_ctx, retryAfterSeconds) => ({
      status: 429,
      body: errorBody('Too many requests'),
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
    generic: (_ctx, status, message) => ({
      status,
      body: errorBody(message ?? reasonPhrase(status)),
    }),
  },
});
