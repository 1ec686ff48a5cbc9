/**
 * SPP (Service Provider Pro) order messages (specs/spp.yaml). Laravel backend:
 * newest-first pages with `links`/`meta`, `{message, errors}` validation bodies
 * (400 for input that breaks the documented schema, 422 for Laravel rules beyond it
 * such as an unknown `user_id`), `X-Api-Identifier`/`X-Api-Version` headers.
 */
import type { SppOrder as SppApiOrder, SppMessageMultipartRequest } from '@org/spp-client';
import type {
  HandlerContext,
  ReceivedBody,
  Reply,
  ReplyContext,
  StoredMessage,
  VendorSpec,
} from '../types.js';
import { defineVendor, isUploadedFile } from '../types.js';
import { laravelStatusMessage, laravelValidationBody } from '../wording.js';

interface SppUser {
  id: number;
  name_f: string;
  name_l: string;
  email: string;
  staff: boolean;
}

/** Price, quantity and payment system as the spec's example order has them. */
type ExampleOrderFields = Pick<SppApiOrder, 'price' | 'quantity' | 'paysys'>;

interface SppOrder extends ExampleOrderFields {
  id: number;
  number: string;
  user_id: number;
  status: string;
  service: string;
  created_at: Date;
  last_message_at: Date | null;
}

interface SppFile {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
}

interface SppMessage {
  id: number;
  order_id: number;
  user_id: number;
  created_at: Date;
  message: string;
  staff_only: boolean;
  files: SppFile[];
}

export interface SppState {
  users: SppUser[];
  orders: SppOrder[];
  messages: SppMessage[];
  nextMessageId: number;
  nextFileId: number;
}

export interface SppCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** Value of the optional `X-Api-Version` request header the sandbox echoes by default. */
  readonly apiVersion: string;
}

interface SppOrderRef {
  /** Numeric order id, as a string (the `{order}` path parameter accepts it). */
  readonly id: string;
  /** Order number, also accepted as `{order}`. */
  readonly number: string;
}

export interface SppSeed {
  /** 25 messages: more than one page at the spec's default page size (`x-limits.defaultLimit`). */
  readonly orderWithManyMessages: SppOrderRef;
  readonly orderWithFewMessages: SppOrderRef;
  readonly orderWithoutMessages: SppOrderRef;
  /** The user who owns the API key (default author). */
  readonly apiUserId: number;
  readonly staffUserId: number;
  readonly clientUserId: number;
  readonly messageCountOfManyMessagesOrder: number;
}

const TOKEN = 'spp_sandbox_3c1e5b7a9d2f4e6081a3c5e7f9b1d3e5';
const API_VERSION = '2024-03-05';
const SEED_TIME = Date.UTC(2024, 0, 15, 9, 0, 0);
const MANY_MESSAGES = 25;

function isoOffset(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * What the spec's examples say about orders: the order number its `{order}` parameter
 * example names (seeded as the order with a few messages, so the spec's example URLs
 * work) and the price, quantity and payment system of the order in its message example.
 */
function exampleOrder(spec: VendorSpec) {
  const order = spec.at(
    'components',
    'examples',
    'MessageResource',
    'value',
    'order',
  ) as ExampleOrderFields;
  return {
    number: String(spec.at('components', 'parameters', 'OrderPath', 'example')),
    fields: { price: order.price, quantity: order.quantity, paysys: order.paysys },
  };
}

function seed(_now: Date, spec: VendorSpec): SppState {
  const example = exampleOrder(spec);
  const users: SppUser[] = [
    { id: 1, name_f: 'Sandbox', name_l: 'Admin', email: 'admin@sandbox.spp.test', staff: true },
    { id: 2, name_f: 'Sam', name_l: 'Staff', email: 'sam@sandbox.spp.test', staff: true },
    { id: 3, name_f: 'Chris', name_l: 'Client', email: 'chris@client.test', staff: false },
  ];
  const orders: SppOrder[] = [
    {
      id: 1001,
      number: 'B1C2D3E4',
      user_id: 3,
      status: 'Working',
      service: 'Logo design',
      created_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
    {
      id: 1002,
      number: example.number,
      user_id: 3,
      status: 'Submitted',
      service: 'SEO audit',
      created_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
    {
      id: 1003,
      number: 'C0FFEE01',
      user_id: 3,
      status: 'Pending',
      service: 'Copywriting',
      created_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
  ];
  const state: SppState = { users, orders, messages: [], nextMessageId: 1, nextFileId: 1 };
  const add = (
    order: SppOrder,
    minutes: number,
    userId: number,
    text: string,
    staffOnly: boolean,
  ) => {
    const created = new Date(SEED_TIME + minutes * 60_000);
    state.messages.push({
      id: state.nextMessageId++,
      order_id: order.id,
      user_id: userId,
      created_at: created,
      message: text,
      staff_only: staffOnly,
      files: [],
    });
    order.last_message_at = created;
  };
  for (let i = 1; i <= MANY_MESSAGES; i++) {
    add(orders[0]!, i, i % 2 === 0 ? 1 : 3, `Seeded message ${i} of ${MANY_MESSAGES}`, false);
  }
  add(orders[1]!, 1, 3, 'Hello, when will the audit be ready?', false);
  add(orders[1]!, 2, 2, 'Client asked twice, prioritise.', true);
  return state;
}

function findOrder(state: SppState, ref: unknown): SppOrder | undefined {
  const text = String(ref);
  return state.orders.find(
    (o) => o.number === text || (/^\d+$/.test(text) && o.id === Number(text)),
  );
}

function notFoundBody(model: string, id: unknown): Record<string, unknown> {
  return { message: `No query results for model [App\\Models\\${model}] ${String(id)}` };
}

function fileUrl(ctx: HandlerContext, file: SppFile): string {
  return `${ctx.baseUrl}/files/${file.id}/${encodeURIComponent(file.filename)}`;
}

function orderResource(order: SppOrder): Record<string, unknown> {
  return {
    id: order.id,
    number: order.number,
    user_id: order.user_id,
    service_id: 1,
    invoice_id: null,
    created_at: isoOffset(order.created_at),
    updated_at: isoOffset(order.last_message_at ?? order.created_at),
    last_message_at: order.last_message_at ? isoOffset(order.last_message_at) : null,
    date_started: null,
    date_completed: null,
    date_due: null,
    tags: [],
    status: order.status,
    price: order.price,
    quantity: order.quantity,
    service: order.service,
    employees: [],
    note: null,
    form_data: {},
    paysys: order.paysys,
  };
}

function messageResource(
  ctx: HandlerContext,
  state: SppState,
  message: SppMessage,
): Record<string, unknown> {
  const order = state.orders.find((o) => o.id === message.order_id)!;
  return {
    id: message.id,
    user_id: message.user_id,
    created_at: isoOffset(message.created_at),
    message: message.message,
    staff_only: message.staff_only,
    files: message.files.map((f) => fileUrl(ctx, f)),
    order: orderResource(order),
    ticket: null,
  };
}

function pageUrl(ctx: HandlerContext, page: number, limit: number | undefined): string {
  const url = new URL(ctx.url.pathname, ctx.baseUrl);
  if (limit !== undefined) url.searchParams.set('limit', String(limit));
  url.searchParams.set('page', String(page));
  return url.toString();
}

function listOrderMessages(ctx: HandlerContext, state: SppState): Reply {
  const order = findOrder(state, ctx.pathParams.order);
  if (!order) return { status: 404, body: notFoundBody('Order', ctx.pathParams.order) };
  const requestedLimit = ctx.query.limit as number | undefined;
  // Page size when none is sent, and the largest one served: the spec's x-limits (inferred there).
  const perPage = Math.min(
    requestedLimit ?? ctx.spec.limit('listOrderMessages', 'defaultLimit'),
    ctx.spec.limit('listOrderMessages', 'maxLimit'),
  );
  const page = (ctx.query.page as number | undefined) ?? 1;
  const all = state.messages
    .filter((m) => m.order_id === order.id)
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id - a.id);
  const total = all.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const from = slice.length > 0 ? (page - 1) * perPage + 1 : null;
  const to = slice.length > 0 ? (page - 1) * perPage + slice.length : null;
  const keepLimit = requestedLimit === undefined ? undefined : perPage;
  const url = (p: number) => pageUrl(ctx, p, keepLimit);
  const prev = page > 1 ? url(page - 1) : null;
  const next = page < lastPage ? url(page + 1) : null;
  const pageLinks = Array.from({ length: lastPage }, (_, i) => ({
    url: url(i + 1),
    label: String(i + 1),
    active: i + 1 === page,
  }));
  return {
    status: 200,
    body: {
      data: slice.map((m) => messageResource(ctx, state, m)),
      links: { first: url(1), last: url(lastPage), prev, next },
      meta: {
        current_page: page,
        from,
        last_page: lastPage,
        links: [
          { url: prev, label: '&laquo; Previous', active: false },
          ...pageLinks,
          { url: next, label: 'Next &raquo;', active: false },
        ],
        path: new URL(ctx.url.pathname, ctx.baseUrl).toString(),
        per_page: perPage,
        to,
        total,
      },
    },
  };
}

function createOrderMessage(ctx: HandlerContext, state: SppState): Reply {
  const order = findOrder(state, ctx.pathParams.order);
  if (!order) return { status: 404, body: notFoundBody('Order', ctx.pathParams.order) };
  // JSON bodies are the same fields without attachments.
  const body = ctx.body as ReceivedBody<SppMessageMultipartRequest, 'attachments'>;
  // Laravel's TrimStrings turns a blank message into null before `required` runs.
  if (body.message.trim() === '') {
    return {
      status: 400,
      body: laravelValidationBody([
        { location: 'body', field: 'message', rule: 'required', message: '' },
      ]),
    };
  }
  const userId = body.user_id ?? 1;
  if (!state.users.some((u) => u.id === userId)) {
    return {
      status: 422,
      body: {
        message: 'The selected user id is invalid.',
        errors: { user_id: ['The selected user id is invalid.'] },
      },
    };
  }
  const files: SppFile[] = (body.attachments ?? []).filter(isUploadedFile).map((file) => ({
    id: state.nextFileId++,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    bytes: file.bytes,
  }));
  const message: SppMessage = {
    id: state.nextMessageId++,
    order_id: order.id,
    user_id: userId,
    created_at: ctx.now,
    message: body.message,
    staff_only: body.staff_only ?? false,
    files,
  };
  state.messages.push(message);
  order.last_message_at = ctx.now;
  return { status: 201, body: messageResource(ctx, state, message) };
}

function deleteOrderMessage(ctx: HandlerContext, state: SppState): Reply {
  const id = ctx.pathParams.message as number;
  const index = state.messages.findIndex((m) => m.id === id);
  if (index < 0) return { status: 404, body: notFoundBody('OrderMessage', id) };
  state.messages.splice(index, 1);
  return { status: 204 };
}

export const spp = defineVendor<SppState, SppCredentials, SppSeed>({
  name: 'spp',
  credentials: { token: TOKEN, apiVersion: API_VERSION },
  secrets: { bearerAuth: TOKEN },
  seed,
  seedIds(state): SppSeed {
    const ref = (o: SppOrder | undefined): SppOrderRef => ({
      id: String(o!.id),
      number: o!.number,
    });
    return {
      orderWithManyMessages: ref(state.orders[0]),
      orderWithFewMessages: ref(state.orders[1]),
      orderWithoutMessages: ref(state.orders[2]),
      apiUserId: 1,
      staffUserId: 2,
      clientUserId: 3,
      messageCountOfManyMessagesOrder: MANY_MESSAGES,
    };
  },
  messages(state, orderId): StoredMessage[] {
    const order = orderId === undefined ? undefined : findOrder(state, orderId);
    if (orderId !== undefined && !order) return [];
    return state.messages
      .filter((m) => !order || m.order_id === order.id)
      .map((m) => {
        const user = state.users.find((u) => u.id === m.user_id);
        return {
          vendor: 'spp',
          id: String(m.id),
          orderId: String(m.order_id),
          text: m.message,
          createdAt: m.created_at,
          author: {
            kind: user?.staff ? 'staff' : 'customer',
            id: String(m.user_id),
            ...(user ? { name: `${user.name_f} ${user.name_l}` } : {}),
          },
          internal: m.staff_only,
          attachments: m.files.map((f) => ({ id: String(f.id), name: f.filename, size: f.size })),
          raw: {
            id: m.id,
            user_id: m.user_id,
            created_at: isoOffset(m.created_at),
            message: m.message,
            staff_only: m.staff_only,
            files: m.files.map((f) => f.filename),
          },
        };
      });
  },
  handlers: { listOrderMessages, createOrderMessage, deleteOrderMessage },
  errors: {
    unauthorized: () => ({ status: 401, body: { message: 'Unauthenticated.' } }),
    validation: (_ctx, issues) => ({ status: 400, body: laravelValidationBody(issues) }),
    notFound: (_ctx, message) => ({ status: 404, body: { message: message ?? 'Not Found' } }),
    rateLimited: (ctx, retryAfterSeconds) => ({
      status: 429,
      body: { message: 'Too Many Attempts.' },
      headers: {
        'Retry-After': String(retryAfterSeconds),
        ...(ctx.rateLimit
          ? { 'X-RateLimit-Limit': String(ctx.rateLimit.limit), 'X-RateLimit-Remaining': '0' }
          : {}),
      },
    }),
    generic: (_ctx, status, message) => ({
      status,
      body: { message: message ?? laravelStatusMessage(status) },
    }),
  },
  example: (baseUrl, seed) =>
    `curl -H 'Authorization: Bearer ${TOKEN}' '${baseUrl}/api/order_messages/${seed.orderWithManyMessages.number}?page=2'`,
  responseHeaders(ctx: ReplyContext) {
    return { 'X-Api-Identifier': ctx.requestId, 'X-Api-Version': API_VERSION };
  },
});
