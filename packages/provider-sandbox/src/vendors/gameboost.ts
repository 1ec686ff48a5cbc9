/**
 * GameBoost API v2 (specs/gameboost.yaml): chat messages on account, item and
 * currency orders. Laravel backend: 422 `{message, errors, request_id}` on invalid
 * input, `X-GameBoost-Request-Id` and `X-RateLimit-*` on every response, messages
 * only while the order is in the processing state. Seeded orders are the spec's GET
 * examples (with sandbox ids, titles and times); the seller, buyer and system sender
 * are the examples' people.
 */
import type {
  GameBoostMessage as GameBoostApiMessage,
  GameBoostSendMessageRequest,
} from '@org/gameboost-client';
import type { HandlerContext, Reply, ReplyContext, StoredMessage, VendorSpec } from '../types.js';
import { defineVendor } from '../types.js';
import { laravelStatusMessage, laravelValidationBody } from '../wording.js';
import {
  customerMessage,
  listOrders,
  messageId,
  populate,
  recordMessage,
} from './gameboost-orders.js';

/** GameBoost's kinds of order: `account`, `item`, `currency`. */
export type GameBoostOrderKind = 'account' | 'item' | 'currency';

/** Every status the docs name; only `processing` accepts messages. */
export const GAMEBOOST_ORDER_STATUSES = [
  'processing',
  'pending',
  'in_delivery',
  'delivered',
  'refunded',
] as const;
/** A status the docs name (see {@link GAMEBOOST_ORDER_STATUSES}). */
export type GameBoostOrderStatus = (typeof GAMEBOOST_ORDER_STATUSES)[number];

export interface GameBoostMessage {
  id: string;
  type: 'user_message' | 'system_message';
  text: string;
  attachment: Record<string, unknown> | null;
  sender: { id: number; username: string; is_admin: boolean | null };
  sent_at: number;
  authorKind: 'seller' | 'buyer' | 'system';
}

export interface GameBoostOrder {
  kind: GameBoostOrderKind;
  id: number;
  status: string;
  /** The order object as GET returns it, without `status` (kept above). */
  fields: Record<string, unknown>;
  messages: GameBoostMessage[];
}

type Person = GameBoostMessage['sender'];

export interface GameBoostState {
  orders: Map<string, GameBoostOrder>;
  nextMessageNumber: number;
  /** The seller (the sandbox's API key), the buyer of every order and the system sender. */
  people: { seller: Person; buyer: Person; system: Person };
  /** The spec's example order of each kind, which a purchase (`purchaseGameBoostOrder`) copies. */
  templates: Record<GameBoostOrderKind, Record<string, unknown>>;
}

/** The sandbox's public GameBoost credentials (`sandbox.vendors.gameboost`). */
export interface GameBoostCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
}

/**
 * Seeded GameBoost ids: one order per kind and status (`accountOrders.processing`…), the seller and
 * the buyer.
 */
export type GameBoostSeed = Readonly<
  Record<`${GameBoostOrderKind}Orders`, Readonly<Record<GameBoostOrderStatus, string>>> & {
    /** The seller the sandbox's API key belongs to. */
    sellerId: number;
    /** The buyer of every seeded order. */
    buyerId: number;
  }
>;

const TOKEN = 'gb_sandbox_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const GET_ORDER: Record<GameBoostOrderKind, string> = {
  account: 'getAccountOrder',
  item: 'getItemOrder',
  currency: 'getCurrencyOrder',
};
export const FIRST_ID: Record<GameBoostOrderKind, number> = {
  account: 100001,
  item: 200001,
  currency: 300001,
};
const PATH_PARAM: Record<GameBoostOrderKind, string> = {
  account: 'accountOrder',
  item: 'itemOrder',
  currency: 'currencyOrder',
};
const SEED_TIME = Date.UTC(2024, 10, 7, 12, 0, 0) / 1000;

/** The `data` of the spec's GET example for this kind of order, without its id and status. */
function exampleOrder(spec: VendorSpec, kind: GameBoostOrderKind): Record<string, unknown> {
  const data = spec.operationAt(
    GET_ORDER[kind],
    'responses',
    '200',
    'content',
    'application/json',
    'example',
    'data',
  ) as Record<string, unknown>;
  const { id: _id, status: _status, ...fields } = data;
  return fields;
}

/**
 * The people of the spec's message-list example (the seller who writes, the system) and
 * the buyer of its example account order, who writes as a non-admin like the seller.
 */
function examplePeople(spec: VendorSpec, accountOrder: Record<string, unknown>) {
  const messages = spec.operationAt(
    'listAccountOrderMessages',
    'responses',
    '200',
    'content',
    'application/json',
    'example',
    'data',
  ) as GameBoostApiMessage[];
  const sender = (type: GameBoostMessage['type']) => {
    const found = messages.find((m) => m.type === type)?.sender;
    if (found?.id === undefined || found.username === undefined) {
      throw new Error(`The gameboost spec's message example has no ${type} with a sender`);
    }
    return { id: found.id, username: found.username, is_admin: found.is_admin ?? null };
  };
  const buyer = accountOrder.buyer as { id: number; username: string };
  return {
    seller: sender('user_message'),
    system: sender('system_message'),
    buyer: { id: buyer.id, username: buyer.username, is_admin: null },
  };
}

/** The spec's example order of its kind, with the sandbox's id, title and times. */
export function orderFields(
  example: Record<string, unknown>,
  kind: GameBoostOrderKind,
  id: number,
  index: number,
): Record<string, unknown> {
  const time = SEED_TIME + index * 60;
  const title =
    kind === 'account' ? `Sandbox account #${index + 1}` : `Sandbox ${kind} order #${index + 1}`;
  return {
    id,
    ...example,
    title,
    ...(kind === 'account' ? { account_offer_id: Number(example.account_offer_id) + index } : {}),
    created_at: time,
    updated_at: time,
    purchased_at: time,
    completed_at: null,
    refunded_at: null,
  };
}

function seed(_now: Date, spec: VendorSpec): GameBoostState {
  const kinds = ['account', 'item', 'currency'] as const;
  const examples = Object.fromEntries(kinds.map((kind) => [kind, exampleOrder(spec, kind)]));
  const people = examplePeople(spec, examples.account!);
  const templates = examples as GameBoostState['templates'];
  const state: GameBoostState = { orders: new Map(), nextMessageNumber: 1, people, templates };
  let index = 0;
  for (const kind of kinds) {
    GAMEBOOST_ORDER_STATUSES.forEach((status, offset) => {
      const id = FIRST_ID[kind] + offset;
      const order: GameBoostOrder = {
        kind,
        id,
        status,
        fields: orderFields(examples[kind]!, kind, id, index),
        messages: [],
      };
      const at = SEED_TIME + index * 60;
      recordMessage(order, {
        id: messageId(state.nextMessageNumber++),
        type: 'system_message',
        text: 'The order has been created.',
        attachment: null,
        sender: people.system,
        sent_at: at,
        authorKind: 'system',
      });
      if (status === 'processing' || status === 'in_delivery') {
        recordMessage(order, {
          id: messageId(state.nextMessageNumber++),
          type: 'user_message',
          text: `Hi, any news about my ${kind} order?`,
          attachment: null,
          sender: people.buyer,
          sent_at: at + 30,
          authorKind: 'buyer',
        });
      }
      state.orders.set(`${kind}:${id}`, order);
      index++;
    });
  }
  return state;
}

function errorBody(
  ctx: ReplyContext,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { message, ...extra, request_id: ctx.requestId };
}

function findOrder(
  state: GameBoostState,
  kind: GameBoostOrderKind,
  ctx: HandlerContext,
): GameBoostOrder | undefined {
  const raw = String(ctx.pathParams[PATH_PARAM[kind]] ?? '');
  return /^\d+$/.test(raw) ? state.orders.get(`${kind}:${Number(raw)}`) : undefined;
}

function publicMessage(message: GameBoostMessage): Record<string, unknown> {
  const { authorKind: _authorKind, ...wire } = message;
  return wire;
}

const notFound = (ctx: ReplyContext): Reply => ({
  status: 404,
  body: errorBody(ctx, 'Resource not found.'),
});

function listMessages(kind: GameBoostOrderKind) {
  return (ctx: HandlerContext, state: GameBoostState): Reply => {
    const order = findOrder(state, kind, ctx);
    if (!order) return notFound(ctx);
    return { status: 200, body: { data: order.messages.map(publicMessage), message: null } };
  };
}

function sendMessage(kind: GameBoostOrderKind) {
  return (ctx: HandlerContext, state: GameBoostState): Reply => {
    const order = findOrder(state, kind, ctx);
    if (!order) return notFound(ctx);
    const text = (ctx.body as GameBoostSendMessageRequest).message;
    // Laravel trims strings and turns blank ones into null before `required` runs.
    if (text.trim() === '') {
      return {
        status: 422,
        body: errorBody(ctx, 'The message field is required.', {
          errors: { message: ['The message field is required.'] },
        }),
      };
    }
    if (order.status !== 'processing') {
      const reason = `Messages can only be sent while the order is in processing status (this order is ${order.status}).`;
      return { status: 422, body: errorBody(ctx, reason, { errors: { order: [reason] } }) };
    }
    const message: GameBoostMessage = {
      id: messageId(state.nextMessageNumber++),
      type: 'user_message',
      text,
      attachment: null,
      sender: state.people.seller,
      sent_at: Math.floor(ctx.now.getTime() / 1000),
      authorKind: 'seller',
    };
    recordMessage(order, message);
    return { status: 200, body: { data: publicMessage(message) } };
  };
}

function getOrder(kind: GameBoostOrderKind) {
  return (ctx: HandlerContext, state: GameBoostState): Reply => {
    const order = findOrder(state, kind, ctx);
    if (!order) return notFound(ctx);
    return { status: 200, body: { data: { ...order.fields, status: order.status } } };
  };
}

export const gameboost = defineVendor<GameBoostState, GameBoostCredentials, GameBoostSeed>({
  name: 'gameboost',
  credentials: { token: TOKEN },
  secrets: { BearerTokenSecurityScheme: TOKEN },
  seed,
  seedIds(state): GameBoostSeed {
    const idsOf = (kind: GameBoostOrderKind) =>
      Object.fromEntries(
        GAMEBOOST_ORDER_STATUSES.map((status, offset) => [status, String(FIRST_ID[kind] + offset)]),
      ) as Record<GameBoostOrderStatus, string>;
    return {
      accountOrders: idsOf('account'),
      itemOrders: idsOf('item'),
      currencyOrders: idsOf('currency'),
      sellerId: state.people.seller.id,
      buyerId: state.people.buyer.id,
    };
  },
  messages(state, orderId): StoredMessage[] {
    const result: StoredMessage[] = [];
    for (const order of state.orders.values()) {
      if (orderId !== undefined && String(order.id) !== orderId) continue;
      for (const message of order.messages) {
        result.push({
          vendor: 'gameboost',
          id: message.id,
          orderId: String(order.id),
          text: message.text,
          createdAt: new Date(message.sent_at * 1000),
          author: {
            kind: message.authorKind,
            id: String(message.sender.id),
            name: message.sender.username,
          },
          raw: publicMessage(message),
        });
      }
    }
    return result;
  },
  handlers: {
    listAccountOrderMessages: listMessages('account'),
    sendAccountOrderMessage: sendMessage('account'),
    listItemOrderMessages: listMessages('item'),
    sendItemOrderMessage: sendMessage('item'),
    listCurrencyOrderMessages: listMessages('currency'),
    sendCurrencyOrderMessage: sendMessage('currency'),
    getAccountOrder: getOrder('account'),
    getItemOrder: getOrder('item'),
    getCurrencyOrder: getOrder('currency'),
    listAccountOrders: listOrders('account'),
    listItemOrders: listOrders('item'),
    listCurrencyOrders: listOrders('currency'),
  },
  customerMessage,
  populate,
  errors: {
    unauthorized: (ctx) => ({ status: 401, body: errorBody(ctx, 'Unauthenticated.') }),
    validation: (ctx, issues) => ({
      status: 422,
      body: { ...laravelValidationBody(issues), request_id: ctx.requestId },
    }),
    notFound: (ctx, message) => ({
      status: 404,
      body: errorBody(ctx, message ?? 'Resource not found.'),
    }),
    rateLimited: (ctx, retryAfterSeconds) => ({
      status: 429,
      body: errorBody(ctx, 'Too many requests.'),
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
    generic: (ctx, status, message) => ({
      status,
      body: errorBody(ctx, message ?? laravelStatusMessage(status)),
    }),
  },
  example: (baseUrl, seed) =>
    `curl -H 'Authorization: Bearer ${TOKEN}' ${baseUrl}/v2/account-orders/${seed.accountOrders.processing}/messages`,
  responseHeaders(ctx) {
    const headers: Record<string, string> = { 'X-GameBoost-Request-Id': ctx.requestId };
    if (ctx.rateLimit) {
      headers['X-RateLimit-Limit'] = String(ctx.rateLimit.limit);
      headers['X-RateLimit-Remaining'] = String(ctx.rateLimit.remaining);
      headers['X-Ratelimit-Reset'] = String(Math.ceil(ctx.rateLimit.resetAt.getTime() / 1000));
    }
    return headers;
  },
});
