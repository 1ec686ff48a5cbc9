/**
 * Omnidesk's ticket operations: POST /message adds to a ticket's timeline, and the
 * ticket list, ticket creation and ticket read (with the timeline) show it back.
 */
import type { OmnideskMessageCreateRequest } from '@org/omnidesk-client';
import type { HandlerContext, Reply } from '../../types.js';
import { omnideskError } from './errors.js';
import { ticketResource } from './resources.js';
import {
  findTicket,
  type OmnideskAgent,
  type OmnideskState,
  type OmnideskTicket,
  type TimelineEntry,
} from './state.js';

const CHANNELS: Record<number, string> = { 0: 'note', 1: 'e-mail' };

/** `userID` and `respondMessageID` are 0 when absent, and must name an administrator and a message of the ticket otherwise. */
function messageReferenceProblem(
  ticket: OmnideskTicket,
  form: OmnideskMessageCreateRequest,
  agent: OmnideskAgent | undefined,
): Reply | undefined {
  const userId = form.userID ?? 0;
  if (userId !== 0 && !agent)
    return omnideskError(400, `Invalid userID ${userId}: not an administrator user`);
  const respondTo = form.respondMessageID ?? 0;
  if (respondTo !== 0 && !ticket.timeline.some((e) => e.id === String(respondTo))) {
    return omnideskError(
      400,
      `Invalid respondMessageID ${respondTo}: no such message in ticket ${ticket.id}`,
    );
  }
  return undefined;
}

/**
 * `type` is a channel id or a channel name such as `calllog`. Channel 0 makes an internal note:
 * the sandbox's own convention (notes carry `channel_id: 0` in a timeline), since Omnidesk documents
 * no `type` that creates a note; clients name it with the adapter's `noteChannel: '0'`.
 */
function timelineEntryOf(
  ctx: HandlerContext,
  state: OmnideskState,
  ticket: OmnideskTicket,
  form: OmnideskMessageCreateRequest,
  agent: OmnideskAgent | undefined,
): TimelineEntry {
  const numeric = /^\d+$/.test(form.type);
  const channelId = numeric ? Number(form.type) : 0;
  const isNote = numeric && channelId === 0;
  return {
    type: isNote ? 'note' : numeric ? 'message' : form.type,
    id: String(state.nextEntryId++),
    ticket_id: ticket.id,
    user_id: form.userID ?? 0,
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
      respondMessageID: form.respondMessageID ?? 0,
      plaintext: form.plaintext ?? form.message,
      forwardedFileIDs: form.forwardedFileIDs ?? [],
      ...(form.sendAt ? { sendAt: form.sendAt } : {}),
    },
  };
}

function createMessage(ctx: HandlerContext, state: OmnideskState): Reply {
  const form = ctx.body as OmnideskMessageCreateRequest;
  const ticket = findTicket(state, form.ticketID);
  if (!ticket) return omnideskError(404, `Ticket ${form.ticketID} not found`);
  const agent = state.agents.find((a) => a.id === (form.userID ?? 0));
  const problem = messageReferenceProblem(ticket, form, agent);
  if (problem) return problem;
  ticket.timeline.push(timelineEntryOf(ctx, state, ticket, form, agent));
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
  if (!ticket) return omnideskError(404, `Ticket ${String(ctx.pathParams.ticketID)} not found`);
  const timeline =
    ctx.query.getTicketHistory === true
      ? [...ticket.timeline, ...ticket.events]
      : [...ticket.timeline];
  timeline.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return { status: 200, body: { type: 'item', item: ticketResource(ticket, timeline) } };
}

export const handlers = { createMessage, listTickets, createTicket, getTicket };
