/**
 * Mirakl Marketplace Platform messaging (specs/mirakl.yaml), seller side: threads
 * (M10 read, M11 seek-paginated list, M12 reply, M13 attachment download, OR43 new
 * thread on an order) and the deprecated OR42/M01 order messages. Errors are
 * `{message, status}`; limits: 1000 messages per thread, 30 MB per message, 50
 * attachments per entity, `with_messages` capped at the last 100 messages.
 */
import type {
  HandlerContext,
  Reply,
  StoredMessage,
  UploadedFile,
  ValidationIssue,
} from '../types.js';
import { defineVendor, isUploadedFile } from '../types.js';
import { reasonPhrase } from '../faults.js';

export const MIRAKL_LIMITS = {
  maxMessagesPerThread: 1000,
  maxMessageBytes: 30 * 1024 * 1024,
  maxAttachmentsPerEntity: 50,
  withMessagesMaxMessagesPerThread: 100,
  defaultPageSize: 50,
} as const;

type ParticipantType = 'OPERATOR' | 'SHOP' | 'CUSTOMER';

interface Participant {
  display_name: string;
  id?: string;
  type: ParticipantType;
}

interface MiraklAttachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  bytes: Uint8Array;
  threadId: string;
  messageId: string;
}

interface ThreadMessage {
  id: string;
  body: string;
  date_created: Date;
  from: Participant;
  to: Participant[];
  attachmentIds: string[];
}

interface MiraklThread {
  id: string;
  topic: { type: string; value: string };
  entity: { id: string; label: string; type: string };
  authorized_participants: Participant[];
  current_participants: Participant[];
  date_created: Date;
  date_updated: Date;
  messages: ThreadMessage[];
}

interface MiraklOrder {
  id: string;
  commercialId: string;
  channel: string;
  customer: Participant;
}

interface LegacyMessage {
  id: number;
  order_id: string;
  subject: string;
  body: string;
  date_created: Date;
  from: Participant;
  to_operator: boolean;
  to_customer: boolean;
  to_shop: boolean;
  document_ids: (number | string)[];
}

export interface MiraklState {
  orders: Map<string, MiraklOrder>;
  threads: MiraklThread[];
  attachments: Map<string, MiraklAttachment>;
  legacy: LegacyMessage[];
  counters: { thread: number; message: number; attachment: number; legacy: number };
}

export interface MiraklCredentials {
  /** Sent as the raw `Authorization` header value (no `Bearer`). */
  readonly apiKey: string;
  /** OAuth access token, sent as `Authorization: Bearer <token>`. */
  readonly bearerToken: string;
  /** The seller's shop (`shop_id` query parameter). */
  readonly shopId: number;
}

export interface MiraklSeed {
  readonly shopId: number;
  readonly customerId: string;
  /** Order with one thread (three messages, one attachment). */
  readonly orderWithThread: string;
  readonly threadId: string;
  readonly attachmentId: string;
  /** Order with no thread yet: OR43 creates the first. */
  readonly orderWithoutThread: string;
  /** Thread with more than 100 messages, to see the `with_messages` cap. */
  readonly bigThreadId: string;
  readonly bigThreadOrderId: string;
  readonly bigThreadMessageCount: number;
  /** Thread one message short of the 1000-message limit. */
  readonly nearlyFullThreadId: string;
  /** Order whose thread already holds 49 attachments (one short of 50 per entity). */
  readonly orderNearAttachmentLimit: string;
  /** Ids of the seeded OR42/M01 (deprecated) messages. */
  readonly legacyMessageIds: readonly number[];
}

const API_KEY = 'mirakl_sandbox_7d1c9a3b5e2f4c6d8a0b1c2d3e4f5a6b';
const BEARER = 'mirakl_sandbox_oauth_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
const SHOP_ID = 2010;
const SEED_TIME = Date.UTC(2024, 4, 2, 8, 0, 0);
const BIG_THREAD_MESSAGES = 120;

const OPERATOR: Participant = { display_name: 'Operator', type: 'OPERATOR' };
const SHOP: Participant = { display_name: 'Sandbox Shop', id: String(SHOP_ID), type: 'SHOP' };

function uuid(prefix: string, n: number): string {
  return `${prefix}-${n.toString(16).padStart(12, '0')}`;
}

function at(minutes: number): Date {
  return new Date(SEED_TIME + minutes * 60_000);
}

function newThread(
  state: MiraklState,
  order: MiraklOrder,
  topic: string,
  created: Date,
): MiraklThread {
  const thread: MiraklThread = {
    id: uuid('3fa85f64-5717-4562-b3fc', ++state.counters.thread),
    topic: { type: 'FREE_TEXT', value: topic },
    entity: { id: order.id, label: order.commercialId, type: 'MMP_ORDER' },
    authorized_participants: [OPERATOR, SHOP, order.customer],
    current_participants: [],
    date_created: created,
    date_updated: created,
    messages: [],
  };
  state.threads.push(thread);
  return thread;
}

function addMessage(
  state: MiraklState,
  thread: MiraklThread,
  from: Participant,
  to: Participant[],
  body: string,
  created: Date,
  files: readonly Pick<UploadedFile, 'filename' | 'contentType' | 'bytes'>[] = [],
): ThreadMessage {
  const message: ThreadMessage = {
    id: uuid('9f2c1a3e-5b7d-4e8f-9a0b', ++state.counters.message),
    body,
    date_created: created,
    from,
    to,
    attachmentIds: [],
  };
  for (const file of files) {
    const id = uuid('5d7a1f0e-2c3b-4a5d-8e9f', ++state.counters.attachment);
    state.attachments.set(id, {
      id,
      name: file.filename,
      size: file.bytes.byteLength,
      contentType: file.contentType,
      bytes: file.bytes,
      threadId: thread.id,
      messageId: message.id,
    });
    message.attachmentIds.push(id);
  }
  thread.messages.push(message);
  thread.date_updated = created;
  for (const participant of [from, ...to]) {
    if (
      !thread.current_participants.some(
        (p) => p.type === participant.type && p.id === participant.id,
      )
    ) {
      thread.current_participants.push(participant);
    }
  }
  return message;
}

function seed(): MiraklState {
  const state: MiraklState = {
    orders: new Map(),
    threads: [],
    attachments: new Map(),
    legacy: [],
    counters: { thread: 0, message: 0, attachment: 0, legacy: 5000 },
  };
  const customer = (n: number, name: string): Participant => ({
    display_name: name,
    id: `customer-${n}`,
    type: 'CUSTOMER',
  });
  const order = (n: number, channel: string, c: Participant): MiraklOrder => {
    const o = { id: `SANDBOX-${n}-A`, commercialId: `SANDBOX-${n}`, channel, customer: c };
    state.orders.set(o.id, o);
    return o;
  };
  const jane = customer(42, 'Jane Doe');
  const withThread = order(1001, 'WEB', jane);
  order(1002, 'WEB', customer(43, 'John Roe'));
  const bigOrder = order(1003, 'MOBILE', customer(44, 'Ada Lovelace'));
  const fullOrder = order(1004, 'WEB', customer(45, 'Grace Hopper'));
  const attachmentOrder = order(1005, 'WEB', customer(46, 'Alan Turing'));

  const thread = newThread(state, withThread, 'Delivery', at(0));
  const invoice = new TextEncoder().encode('%PDF-1.4\n% sandbox invoice for SANDBOX-1001\n%%EOF\n');
  addMessage(state, thread, jane, [SHOP], 'Where is my order?', at(0));
  addMessage(state, thread, SHOP, [jane], 'It ships tomorrow; the invoice is attached.', at(5), [
    { filename: 'invoice.pdf', contentType: 'application/pdf', bytes: invoice },
  ]);
  addMessage(state, thread, jane, [SHOP, OPERATOR], 'Thank you!', at(10));

  const big = newThread(state, bigOrder, 'Many questions', at(20));
  for (let i = 1; i <= BIG_THREAD_MESSAGES; i++) {
    addMessage(
      state,
      big,
      i % 2 ? bigOrder.customer : SHOP,
      [i % 2 ? SHOP : bigOrder.customer],
      `Message ${i} of ${BIG_THREAD_MESSAGES}`,
      at(20 + i),
    );
  }

  const full = newThread(state, fullOrder, 'Long conversation', at(200));
  for (let i = 1; i < MIRAKL_LIMITS.maxMessagesPerThread; i++) {
    addMessage(
      state,
      full,
      i % 2 ? fullOrder.customer : SHOP,
      [i % 2 ? SHOP : fullOrder.customer],
      `Exchange ${i}`,
      new Date(at(200).getTime() + i * 1000),
    );
  }

  const attachments = newThread(state, attachmentOrder, 'Photos', at(300));
  const pixel = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
  addMessage(
    state,
    attachments,
    attachmentOrder.customer,
    [SHOP],
    'Photos of the damaged parcel.',
    at(300),
    Array.from({ length: MIRAKL_LIMITS.maxAttachmentsPerEntity - 1 }, (_, i) => ({
      filename: `photo-${i + 1}.png`,
      contentType: 'image/png',
      bytes: pixel,
    })),
  );

  state.legacy.push(
    {
      id: ++state.counters.legacy,
      order_id: withThread.id,
      subject: 'Delivery',
      body: 'Can you confirm the delivery date?',
      date_created: at(1),
      from: jane,
      to_operator: false,
      to_customer: false,
      to_shop: true,
      document_ids: [],
    },
    {
      id: ++state.counters.legacy,
      order_id: withThread.id,
      subject: 'Delivery',
      body: 'Your order has shipped.',
      date_created: at(2),
      from: SHOP,
      to_operator: false,
      to_customer: true,
      to_shop: false,
      document_ids: [],
    },
  );
  return state;
}

// ---------------------------------------------------------------------------
// Wire formats

function attachmentResource(state: MiraklState, id: string) {
  const a = state.attachments.get(id)!;
  return { id: a.id, name: a.name, size: a.size };
}

/** The author of a stored message, in the vendor-neutral view. */
function authorOf(p: Participant): StoredMessage['author'] {
  return { kind: p.type.toLowerCase(), ...(p.id ? { id: p.id } : {}), name: p.display_name };
}

function senderResource(p: Participant) {
  return { display_name: p.display_name, type: p.type, organization_details: p };
}

function messageResource(state: MiraklState, m: ThreadMessage) {
  return {
    id: m.id,
    body: m.body,
    date_created: m.date_created.toISOString(),
    from: senderResource(m.from),
    to: m.to,
    attachments: m.attachmentIds.map((id) => attachmentResource(state, id)),
  };
}

function threadResource(
  state: MiraklState,
  thread: MiraklThread,
  messages: ThreadMessage[] | undefined,
) {
  const last = thread.messages[thread.messages.length - 1];
  return {
    id: thread.id,
    topic: thread.topic,
    entities: [thread.entity],
    authorized_participants: thread.authorized_participants,
    current_participants: thread.current_participants,
    date_created: thread.date_created.toISOString(),
    date_updated: thread.date_updated.toISOString(),
    ...(messages ? { messages: messages.map((m) => messageResource(state, m)) } : {}),
    metadata: {
      total_count: thread.messages.length,
      ...(last
        ? {
            last_message_date: last.date_created.toISOString(),
            last_sender: senderResource(last.from),
          }
        : {}),
    },
  };
}

function legacyResource(m: LegacyMessage, orders: Map<string, MiraklOrder>) {
  const order = orders.get(m.order_id);
  return {
    id: m.id,
    body: m.body,
    subject: m.subject,
    ...(order ? { commercial_id: order.commercialId } : {}),
    date_created: m.date_created.toISOString(),
    ...(m.from.id ? { from_id: m.from.id } : {}),
    from_name: m.from.display_name,
    from_type: m.from.type,
    to_operator: m.to_operator,
    ...(m.to_customer && order
      ? { to_customer_id: order.customer.id, to_customer_name: order.customer.display_name }
      : {}),
    ...(m.to_shop ? { to_shop_id: SHOP.id, to_shop_name: SHOP.display_name } : {}),
    order_id: m.order_id,
    documents: [],
  };
}

const error = (status: number, message: string): Reply => ({ status, body: { message, status } });

/** `shop_id` picks one of the user's shops; the sandbox user has exactly one. */
function shopProblem(ctx: HandlerContext): Reply | undefined {
  const shopId = ctx.query.shop_id;
  return shopId === undefined || shopId === SHOP_ID
    ? undefined
    : error(403, `You are not allowed to access shop ${String(shopId)}`);
}

/** The message-size and attachment-count rules shared by M12 and OR43. */
function attachmentProblem(
  state: MiraklState,
  entityId: string,
  body: string,
  files: UploadedFile[],
): Reply | undefined {
  const bytes =
    new TextEncoder().encode(body).byteLength + files.reduce((sum, f) => sum + f.size, 0);
  if (bytes > MIRAKL_LIMITS.maxMessageBytes) {
    return error(
      400,
      `The message is ${bytes} bytes; a message may not exceed 30 MB (${MIRAKL_LIMITS.maxMessageBytes} bytes) including its attachments`,
    );
  }
  if (files.length > 0) {
    const existing = state.threads
      .filter((t) => t.entity.id === entityId)
      .reduce((sum, t) => sum + t.messages.reduce((n, m) => n + m.attachmentIds.length, 0), 0);
    if (existing + files.length > MIRAKL_LIMITS.maxAttachmentsPerEntity) {
      return error(
        400,
        `Too many attachments: the entity ${entityId} already has ${existing}, at most ${MIRAKL_LIMITS.maxAttachmentsPerEntity} are allowed across its threads`,
      );
    }
  }
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

// ---------------------------------------------------------------------------
// Handlers

function getThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const thread = state.threads.find((t) => t.id === ctx.pathParams.thread_id);
  if (!thread) return error(404, `Thread ${String(ctx.pathParams.thread_id)} not found`);
  const customerId = ctx.query.customer_id as string | undefined;
  const messages = customerId
    ? thread.messages.filter(
        (m) => m.from.id === customerId || m.to.some((p) => p.id === customerId),
      )
    : thread.messages;
  return { status: 200, body: threadResource(state, thread, messages) };
}

interface ThreadFilters {
  entity_type?: string;
  entity_id?: string[];
  updated_since?: string;
  with_messages?: boolean;
  channel_codes?: string[];
  customer_id?: string;
  limit: number;
  sort?: string;
}

interface PageToken {
  offset: number;
  filters: ThreadFilters;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    return Number.isInteger(token.offset) && token.offset >= 0 && typeof token.filters === 'object'
      ? token
      : undefined;
  } catch {
    return undefined;
  }
}

const SORT_FIELDS: Record<string, (t: MiraklThread) => number> = {
  dateUpdated: (t) => t.date_updated.getTime(),
  dateCreated: (t) => t.date_created.getTime(),
};

function listThreads(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  let offset = 0;
  let filters: ThreadFilters;
  const pageToken = ctx.query.page_token as string | undefined;
  if (pageToken !== undefined) {
    // With a token the server ignores the other filters and replays the ones it encoded.
    const token = decodeToken(pageToken);
    if (!token) return error(400, 'Invalid page_token');
    offset = token.offset;
    filters = token.filters;
  } else {
    const q = ctx.query as Partial<ThreadFilters>;
    if (q.entity_id !== undefined && q.entity_type === undefined)
      return error(400, 'entity_type is required when entity_id is specified');
    filters = { ...q, limit: q.limit ?? MIRAKL_LIMITS.defaultPageSize } as ThreadFilters;
  }
  const [criterion = 'dateUpdated', direction = 'DESC'] = (
    filters.sort ?? 'dateUpdated,DESC'
  ).split(',');
  const sortKey = SORT_FIELDS[criterion];
  if (!sortKey || !['ASC', 'DESC'].includes(direction.toUpperCase())) {
    return error(
      400,
      `Invalid sort "${filters.sort ?? ''}": use dateUpdated or dateCreated, then ASC or DESC`,
    );
  }
  const since = filters.updated_since ? new Date(filters.updated_since).getTime() : undefined;
  const matching = state.threads
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
    )
    .sort((a, b) => (direction.toUpperCase() === 'ASC' ? 1 : -1) * (sortKey(a) - sortKey(b)));
  const page = matching.slice(offset, offset + filters.limit);
  const cap = MIRAKL_LIMITS.withMessagesMaxMessagesPerThread;
  const body: Record<string, unknown> = {
    data: page.map((t) =>
      threadResource(state, t, filters.with_messages ? t.messages.slice(-cap) : undefined),
    ),
  };
  if (offset + filters.limit < matching.length)
    body.next_page_token = encodeToken({ offset: offset + filters.limit, filters });
  if (offset > 0)
    body.previous_page_token = encodeToken({
      offset: Math.max(0, offset - filters.limit),
      filters,
    });
  return { status: 200, body };
}

function blankBody(text: string, part: string): Reply | undefined {
  return text.trim() === '' ? error(400, `${part}.body must not be blank`) : undefined;
}

function replyToThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const thread = state.threads.find((t) => t.id === ctx.pathParams.thread_id);
  if (!thread) return error(404, `Thread ${String(ctx.pathParams.thread_id)} not found`);
  const form = ctx.body as {
    message_input: {
      body: string;
      to: { id?: string; type: string }[];
      topic?: { type: string; value: string };
    };
    files?: unknown[];
  };
  const input = form.message_input;
  const blank = blankBody(input.body, 'message_input');
  if (blank) return blank;
  if (input.to.length === 0) return error(400, 'message_input.to must name at least one recipient');
  if (thread.messages.length >= MIRAKL_LIMITS.maxMessagesPerThread) {
    return error(
      400,
      `The thread ${thread.id} has reached the maximum of ${MIRAKL_LIMITS.maxMessagesPerThread} messages`,
    );
  }
  const files = (form.files ?? []).filter(isUploadedFile);
  const limit = attachmentProblem(state, thread.entity.id, input.body, files);
  if (limit) return limit;
  const order = state.orders.get(thread.entity.id);
  if (input.topic) thread.topic = { type: input.topic.type, value: input.topic.value };
  const message = addMessage(
    state,
    thread,
    SHOP,
    recipients(order, input.to),
    input.body,
    ctx.now,
    files,
  );
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
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const attachment = state.attachments.get(String(ctx.pathParams.attachment_id));
  if (!attachment)
    return error(404, `Attachment ${String(ctx.pathParams.attachment_id)} not found`);
  return {
    status: 200,
    binary: { bytes: attachment.bytes, contentType: attachment.contentType },
    headers: { 'Content-Disposition': contentDisposition(attachment.name) },
  };
}

function createOrderThread(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const order = state.orders.get(String(ctx.pathParams.order_id));
  if (!order) return error(404, `Order ${String(ctx.pathParams.order_id)} not found`);
  const form = ctx.body as {
    thread_input: { body: string; to: string[]; topic: { type: string; value: string } };
    files?: unknown[];
  };
  const input = form.thread_input;
  const blank = blankBody(input.body, 'thread_input');
  if (blank) return blank;
  if (input.to.length === 0) return error(400, 'thread_input.to must name at least one recipient');
  const files = (form.files ?? []).filter(isUploadedFile);
  const limit = attachmentProblem(state, order.id, input.body, files);
  if (limit) return limit;
  const thread = newThread(state, order, input.topic.value, ctx.now);
  thread.topic = { type: input.topic.type, value: input.topic.value };
  const message = addMessage(
    state,
    thread,
    SHOP,
    recipients(
      order,
      input.to.map((type) => ({ type })),
    ),
    input.body,
    ctx.now,
    files,
  );
  return { status: 201, body: { message_id: message.id, thread_id: thread.id } };
}

function postOrderMessage(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const order = state.orders.get(String(ctx.pathParams.order_id));
  if (!order) return error(404, `Order ${String(ctx.pathParams.order_id)} not found`);
  const body = ctx.body as {
    body: string;
    subject: string;
    to_customer: boolean;
    to_operator: boolean;
    to_shop: boolean;
    customer_id?: string;
    customer_firstname?: string;
    customer_lastname?: string;
    document_ids?: (number | string)[];
  };
  if (body.body.trim() === '') return error(400, 'body must not be blank');
  if (!body.to_customer && !body.to_operator && !body.to_shop) {
    return error(400, 'At least one of to_customer, to_operator and to_shop must be true');
  }
  if (
    state.legacy.filter((m) => m.order_id === order.id).length >= MIRAKL_LIMITS.maxMessagesPerThread
  ) {
    return error(
      400,
      `The order ${order.id} has reached the maximum of ${MIRAKL_LIMITS.maxMessagesPerThread} messages`,
    );
  }
  const from: Participant = body.customer_id
    ? {
        display_name:
          [body.customer_firstname, body.customer_lastname].filter(Boolean).join(' ') ||
          body.customer_id,
        id: body.customer_id,
        type: 'CUSTOMER',
      }
    : SHOP;
  const message: LegacyMessage = {
    id: ++state.counters.legacy,
    order_id: order.id,
    subject: body.subject,
    body: body.body,
    date_created: ctx.now,
    from,
    to_operator: body.to_operator,
    to_customer: body.to_customer,
    to_shop: body.to_shop,
    document_ids: body.document_ids ?? [],
  };
  state.legacy.push(message);
  return { status: 201, body: { id: message.id } };
}

function listMessages(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = shopProblem(ctx);
  if (problem) return problem;
  const q = ctx.query as {
    customer_id?: string;
    received?: 'TRUE' | 'FALSE' | 'ALL';
    order_id?: string;
    offer_id?: number;
    start_date?: string;
    end_date?: string;
    max?: number;
    offset?: number;
    paginate?: boolean;
    order?: 'asc' | 'desc';
  };
  const received = q.received ?? 'TRUE';
  const start = q.start_date ? new Date(q.start_date).getTime() : undefined;
  const end = q.end_date ? new Date(q.end_date).getTime() : undefined;
  const direction = q.order === 'asc' ? 1 : -1;
  const matching = state.legacy
    .filter((m) => received === 'ALL' || (received === 'TRUE') === (m.from.type !== 'SHOP'))
    .filter((m) => !q.order_id || m.order_id === q.order_id)
    // The sandbox seeds no offer messages: an offer filter matches nothing.
    .filter(() => q.offer_id === undefined)
    .filter(
      (m) =>
        !q.customer_id ||
        m.from.id === q.customer_id ||
        (m.to_customer && state.orders.get(m.order_id)?.customer.id === q.customer_id),
    )
    .filter((m) => start === undefined || m.date_created.getTime() >= start)
    .filter((m) => end === undefined || m.date_created.getTime() < end)
    .sort(
      (a, b) =>
        direction * (a.date_created.getTime() - b.date_created.getTime()) ||
        direction * (a.id - b.id),
    );
  const offset = q.offset ?? 0;
  const page = q.paginate === false ? matching : matching.slice(offset, offset + (q.max ?? 10));
  return {
    status: 200,
    body: {
      messages: page.map((m) => legacyResource(m, state.orders)),
      total_count: matching.length,
    },
  };
}

function describe(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.field || (issue.location === 'body' ? 'request body' : issue.location);
      return issue.rule === 'required' ? `${field} is required` : issue.message;
    })
    .join(', ');
}

export const mirakl = defineVendor<MiraklState, MiraklCredentials, MiraklSeed>({
  name: 'mirakl',
  credentials: { apiKey: API_KEY, bearerToken: BEARER, shopId: SHOP_ID },
  secrets: { api_key: API_KEY, bearer_token: BEARER },
  seed,
  seedIds(state): MiraklSeed {
    const threadOf = (orderId: string) => state.threads.find((t) => t.entity.id === orderId)!;
    const first = threadOf('SANDBOX-1001-A');
    return {
      shopId: SHOP_ID,
      customerId: 'customer-42',
      orderWithThread: 'SANDBOX-1001-A',
      threadId: first.id,
      attachmentId: first.messages[1]!.attachmentIds[0]!,
      orderWithoutThread: 'SANDBOX-1002-A',
      bigThreadId: threadOf('SANDBOX-1003-A').id,
      bigThreadOrderId: 'SANDBOX-1003-A',
      bigThreadMessageCount: BIG_THREAD_MESSAGES,
      nearlyFullThreadId: threadOf('SANDBOX-1004-A').id,
      orderNearAttachmentLimit: 'SANDBOX-1005-A',
      legacyMessageIds: state.legacy.map((m) => m.id),
    };
  },
  messages(state, orderId): StoredMessage[] {
    const result: StoredMessage[] = [];
    for (const thread of state.threads) {
      if (orderId !== undefined && thread.entity.id !== orderId) continue;
      for (const m of thread.messages) {
        result.push({
          vendor: 'mirakl',
          id: m.id,
          orderId: thread.entity.id,
          threadId: thread.id,
          text: m.body,
          createdAt: m.date_created,
          author: authorOf(m.from),
          attachments: m.attachmentIds.map((id) => attachmentResource(state, id)),
          raw: messageResource(state, m),
        });
      }
    }
    for (const m of state.legacy) {
      if (orderId !== undefined && m.order_id !== orderId) continue;
      result.push({
        vendor: 'mirakl',
        id: String(m.id),
        orderId: m.order_id,
        text: m.body,
        createdAt: m.date_created,
        author: authorOf(m.from),
        raw: legacyResource(m, state.orders),
      });
    }
    return result;
  },
  handlers: {
    getThread,
    listThreads,
    replyToThread,
    downloadAttachment,
    createOrderThread,
    postOrderMessage,
    listMessages,
  },
  example: (baseUrl, seed) =>
    `curl -H 'Authorization: ${API_KEY}' '${baseUrl}/api/inbox/threads?entity_type=MMP_ORDER&entity_id=${seed.orderWithThread}&with_messages=true'`,
  errors: {
    unauthorized: () => error(401, 'Unauthorized'),
    validation: (_ctx, issues) => error(400, describe(issues)),
    notFound: (_ctx, message) => error(404, message ?? 'Not Found'),
    rateLimited: (_ctx, retryAfterSeconds) => ({
      ...error(429, 'Too Many Requests'),
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
    generic: (_ctx, status, message) => error(status, message ?? reasonPhrase(status)),
  },
});
