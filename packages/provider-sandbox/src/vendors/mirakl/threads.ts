/**
 * Thread handlers: M10 read, M11 seek-paginated list, M12 reply, M13 attachment
 * download and OR43 new thread on an order. Limits (messages per thread, bytes per
 * message, attachments per entity, the `with_messages` cap, the default page size) are
 * the `x-limits` of the spec the sandbox loaded (see `limits.ts`).
 */
import type {
  MiraklCreateOrderThreadBody,
  MiraklReplyToThreadBody,
  operations,
} from '@org/mirakl-client';
import type { HandlerContext, ReceivedBody, Reply, UploadedFile } from '../../types.js';
import { isUploadedFile } from '../../types.js';
import { foreignShopError, miraklError } from './errors.js';
import { describeBytes, miraklLimits, type MiraklLimits } from './limits.js';
import { threadResource } from './resources.js';
import {
  addMessage,
  newThread,
  OPERATOR,
  SHOP,
  type MiraklOrder,
  type MiraklState,
  type MiraklThread,
  type Participant,
} from './state.js';

/** The message-size and attachment-count rules shared by M12 and OR43. */
function attachmentProblem(
  state: MiraklState,
  limits: MiraklLimits,
  entityId: string,
  body: string,
  files: UploadedFile[],
): Reply | undefined {
  const bytes =
    new TextEncoder().encode(body).byteLength + files.reduce((sum, f) => sum + f.size, 0);
  if (bytes > limits.maxMessageBytes) {
    return miraklError(
      400,
      `The message is ${bytes} bytes; a message may not exceed ${describeBytes(limits.maxMessageBytes)} (${limits.maxMessageBytes} bytes) including its attachments`,
    );
  }
  if (files.length > 0) {
    const existing = state.threads
      .filter((t) => t.entity.id === entityId)
      .reduce((sum, t) => sum + t.messages.reduce((n, m) => n + m.attachmentIds.length, 0), 0);
    if (existing + files.length > limits.maxAttachmentsPerEntity) {
      return miraklError(
        400,
        `Too many attachments: the entity ${entityId} already has ${existing}, at most ${limits.maxAttachmentsPerEntity} are allowed across its threads`,
      );
    }
  }
  return undefined;
}

/** The blank-body and no-recipient rules shared by M12 (`message_input`) and OR43 (`thread_input`). */
function messageInputProblem(
  input: { body: string; to: readonly unknown[] },
  part: string,
): Reply | undefined {
  if (input.body.trim() === '') return miraklError(400, `${part}.body must not be blank`);
  if (input.to.length === 0) return miraklError(400, `${part}.to must name at least one recipient`);
  return undefined;
}

function recipients(
  order: MiraklOrder | undefined,
  to: readonly { id?: string; type: string }[],
): Participant[] {
  return to.map((r) => {
    if (r.type === 'OPERATOR') return OPERATOR;
    if (r.type === 'SHOP') return SHOP;
    if (order && (r.id === undefined || r.id === order.customer.id)) return order.customer;
    return {
      display_name: r.id ?? 'Customer',
      ...(r.id ? { id: r.id } : {}),
      type: 'CUSTOMER' as const,
    };
  });
}

type ThreadReadQuery = NonNullable<operations['getThread']['parameters']['query']>;

function getThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const thread = state.threads.find((t) => t.id === ctx.pathParams.thread_id);
  if (!thread) return miraklError(404, `Thread ${String(ctx.pathParams.thread_id)} not found`);
  const { customer_id: customerId } = ctx.query as ThreadReadQuery;
  const messages = customerId
    ? thread.messages.filter(
        (m) => m.from.id === customerId || m.to.some((p) => p.id === customerId),
      )
    : thread.messages;
  return { status: 200, body: threadResource(state, thread, messages) };
}

type ThreadListQuery = NonNullable<operations['listThreads']['parameters']['query']>;

/** The query M11 was first called with; page tokens carry it to the next pages. */
type ThreadFilters = Omit<ThreadListQuery, 'page_token'> & { limit: number };

/** A position in the sorted list: the sort value and the id of a thread (ties by id). */
interface Boundary {
  key: number;
  id: string;
}

/**
 * Seek tokens hold a position, not an offset: the next page starts after the last thread
 * listed, the previous one ends before the first. A thread that changes while a caller pages
 * moves in the list without shifting the others past a page boundary (inferred from Mirakl's
 * "seek pagination"; its tokens are opaque).
 */
interface PageToken {
  filters: ThreadFilters;
  after?: Boundary;
  before?: Boundary;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function isBoundary(value: unknown): boolean {
  if (value === undefined) return true;
  const b = value as Partial<Boundary> | null;
  return typeof b === 'object' && b !== null && Number.isFinite(b.key) && typeof b.id === 'string';
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    return typeof token.filters === 'object' &&
      token.filters !== null &&
      isBoundary(token.after) &&
      isBoundary(token.before)
      ? token
      : undefined;
  } catch {
    return undefined;
  }
}

/** With a `page_token` the server ignores the other filters and replays the ones it encoded. */
function requestedPage(ctx: HandlerContext): PageToken | Reply {
  const pageToken = ctx.query.page_token as string | undefined;
  if (pageToken !== undefined)
    return decodeToken(pageToken) ?? miraklError(400, 'Invalid page_token');
  const q = ctx.query as ThreadListQuery;
  if (q.entity_id !== undefined && q.entity_type === undefined)
    return miraklError(400, 'entity_type is required when entity_id is specified');
  return { filters: { ...q, limit: q.limit ?? miraklLimits(ctx.spec).defaultPageSize } };
}

const SORT_FIELDS: Record<string, (t: MiraklThread) => number> = {
  dateUpdated: (t) => t.date_updated.getTime(),
  dateCreated: (t) => t.date_created.getTime(),
};

/** The list's order: by the sort field, then by id, in the requested direction. */
interface ThreadOrder {
  boundary(thread: MiraklThread): Boundary;
  /** Negative when `a` comes before `b`. */
  compare(a: Boundary, b: Boundary): number;
}

/** `criterion,direction` as M11 takes it; undefined when either part is not one Mirakl knows. */
function threadOrder(sort: string | undefined): ThreadOrder | undefined {
  const [criterion = 'dateUpdated', direction = 'DESC'] = (sort ?? 'dateUpdated,DESC').split(',');
  const sortKey = SORT_FIELDS[criterion];
  if (!sortKey || !['ASC', 'DESC'].includes(direction.toUpperCase())) return undefined;
  const sign = direction.toUpperCase() === 'ASC' ? 1 : -1;
  return {
    boundary: (t) => ({ key: sortKey(t), id: t.id }),
    compare: (a, b) => sign * (a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

function matchingThreads(state: MiraklState, filters: ThreadFilters): MiraklThread[] {
  const since = filters.updated_since ? new Date(filters.updated_since).getTime() : undefined;
  return state.threads
    .filter((t) => !filters.entity_type || t.entity.type === filters.entity_type)
    .filter((t) => !filters.entity_id || filters.entity_id.includes(t.entity.id))
    .filter((t) => since === undefined || t.date_updated.getTime() >= since)
    .filter(
      (t) =>
        !filters.channel_codes ||
        filters.channel_codes.includes(state.orders.get(t.entity.id)?.channel ?? ''),
    )
    .filter(
      (t) =>
        !filters.customer_id || t.authorized_participants.some((p) => p.id === filters.customer_id),
    );
}

/** Where the page starts and ends in the sorted list, from the token's position. */
function pageBounds(
  sorted: readonly MiraklThread[],
  { after, before, filters }: PageToken,
  order: ThreadOrder,
): [number, number] {
  const firstFrom = (b: Boundary, strict: boolean) => {
    const i = sorted.findIndex((t) => {
      const c = order.compare(order.boundary(t), b);
      return strict ? c > 0 : c >= 0;
    });
    return i === -1 ? sorted.length : i;
  };
  if (before) {
    const end = firstFrom(before, false);
    return [Math.max(0, end - filters.limit), end];
  }
  const start = after ? firstFrom(after, true) : 0;
  return [start, Math.min(sorted.length, start + filters.limit)];
}

function threadPageBody(
  state: MiraklState,
  sorted: readonly MiraklThread[],
  token: PageToken,
  order: ThreadOrder,
  cap: number,
): Record<string, unknown> {
  const { filters } = token;
  const [start, end] = pageBounds(sorted, token, order);
  const page = sorted.slice(start, end);
  const body: Record<string, unknown> = {
    data: page.map((t) =>
      threadResource(state, t, filters.with_messages ? t.messages.slice(-cap) : undefined),
    ),
  };
  const first = page[0];
  const last = page.at(-1);
  if (end < sorted.length && last)
    body.next_page_token = encodeToken({ filters, after: order.boundary(last) });
  if (start > 0)
    body.previous_page_token = encodeToken({
      filters,
      before: first ? order.boundary(first) : order.boundary(sorted[start - 1]!),
    });
  return body;
}

function listThreads(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const page = requestedPage(ctx);
  if ('status' in page) return page;
  const order = threadOrder(page.filters.sort);
  if (!order) {
    return miraklError(
      400,
      `Invalid sort "${page.filters.sort ?? ''}": use dateUpdated or dateCreated, then ASC or DESC`,
    );
  }
  const sorted = matchingThreads(state, page.filters).sort((a, b) =>
    order.compare(order.boundary(a), order.boundary(b)),
  );
  const cap = miraklLimits(ctx.spec).withMessagesMaxMessagesPerThread;
  return { status: 200, body: threadPageBody(state, sorted, page, order, cap) };
}

function replyToThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const thread = state.threads.find((t) => t.id === ctx.pathParams.thread_id);
  if (!thread) return miraklError(404, `Thread ${String(ctx.pathParams.thread_id)} not found`);
  const form = ctx.body as ReceivedBody<MiraklReplyToThreadBody, 'files'>;
  const input = form.message_input;
  const invalid = messageInputProblem(input, 'message_input');
  if (invalid) return invalid;
  const limits = miraklLimits(ctx.spec);
  if (thread.messages.length >= limits.maxMessagesPerThread) {
    return miraklError(
      400,
      `The thread ${thread.id} has reached the maximum of ${limits.maxMessagesPerThread} messages`,
    );
  }
  const files = (form.files ?? []).filter(isUploadedFile);
  const limit = attachmentProblem(state, limits, thread.entity.id, input.body, files);
  if (limit) return limit;
  const order = state.orders.get(thread.entity.id);
  if (input.topic) thread.topic = { type: input.topic.type, value: input.topic.value };
  const to = recipients(order, input.to);
  const message = addMessage(state, thread, SHOP, to, input.body, ctx.now, files);
  return { status: 201, body: { message_id: message.id, thread_id: thread.id } };
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const disposition = `attachment; filename="${ascii}"`;
  return ascii === name
    ? disposition
    : `${disposition}; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function downloadAttachment(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const attachment = state.attachments.get(String(ctx.pathParams.attachment_id));
  if (!attachment)
    return miraklError(404, `Attachment ${String(ctx.pathParams.attachment_id)} not found`);
  return {
    status: 200,
    binary: { bytes: attachment.bytes, contentType: attachment.contentType },
    headers: { 'Content-Disposition': contentDisposition(attachment.name) },
  };
}

function createOrderThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const order = state.orders.get(String(ctx.pathParams.order_id));
  if (!order) return miraklError(404, `Order ${String(ctx.pathParams.order_id)} not found`);
  const form = ctx.body as ReceivedBody<MiraklCreateOrderThreadBody, 'files'>;
  const input = form.thread_input;
  const invalid = messageInputProblem(input, 'thread_input');
  if (invalid) return invalid;
  const files = (form.files ?? []).filter(isUploadedFile);
  const limit = attachmentProblem(state, miraklLimits(ctx.spec), order.id, input.body, files);
  if (limit) return limit;
  const thread = newThread(state, order, input.topic.value, ctx.now);
  thread.topic = { type: input.topic.type, value: input.topic.value };
  const to = recipients(
    order,
    input.to.map((type) => ({ type })),
  );
  const message = addMessage(state, thread, SHOP, to, input.body, ctx.now, files);
  return { status: 201, body: { message_id: message.id, thread_id: thread.id } };
}

export const threadHandlers = {
  getThread,
  listThreads,
  replyToThread,
  downloadAttachment,
  createOrderThread,
};
