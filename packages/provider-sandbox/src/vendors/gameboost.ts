/**
 * GameBoost API v2 (specs/gameboost.yaml): chat messages on account, item and
 * currency orders. Laravel backend: 422 `{message, errors, request_id}` on invalid
 * input, `X-GameBoost-Request-Id` and `X-RateLimit-*` on every response, messages
 * only while the order is in the processing state.
 */
import type { GameBoostSendMessageRequest } from '@org/gameboost-client';
import type { HandlerContext, Reply, ReplyContext, StoredMessage } from '../types.js';
import { defineVendor } from '../types.js';
import { laravelStatusMessage, laravelValidationBody } from '../wording.js';

export type GameBoostOrderKind = 'account' | 'item' | 'currency';

/** Every status the docs name; only `processing` accepts messages. */
export const GAMEBOOST_ORDER_STATUSES = [
  'processing',
  'pending',
  'in_delivery',
  'delivered',
  'refunded',
] as const;
export type GameBoostOrderStatus = (typeof GAMEBOOST_ORDER_STATUSES)[number];

interface GameBoostMessage {
  id: string;
  type: 'user_message' | 'system_message';
  text: string;
  attachment: Record<string, unknown> | null;
  sender: { id: number; username: string; is_admin: boolean | null };
  sent_at: number;
  authorKind: 'seller' | 'buyer' | 'system';
}

interface GameBoostOrder {
  kind: GameBoostOrderKind;
  id: number;
  status: string;
  /** The order object as GET returns it, without `status` (kept above). */
  fields: Record<string, unknown>;
  messages: GameBoostMessage[];
}

export interface GameBoostState {
  orders: Map<string, GameBoostOrder>;
  nextMessageNumber: number;
}

export interface GameBoostCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
}

export type GameBoostSeed = Readonly<
  Record<`${GameBoostOrderKind}Orders`, Readonly<Record<GameBoostOrderStatus, string>>> & {
    /** The seller the sandbox's API key belongs to. */
    sellerId: number;
    buyerId: number;
  }
>;

const TOKEN = 'gb_sandbox_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SELLER = { id: 1001, username: 's***r', is_admin: null };
const BUYER = { id: 4242, username: 'b***r', is_admin: null };
const SYSTEM = { id: 1, username: 'G***t', is_admin: true };
const FIRST_ID: Record<GameBoostOrderKind, number> = {
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

function messageId(n: number): string {
  return `9b1deb4d-3b7d-4bad-9bdd-${n.toString(16).padStart(12, '0')}`;
}

function orderFields(kind: GameBoostOrderKind, id: number, index: number): Record<string, unknown> {
  const common = {
    id,
    game: { id: 7, name: 'Sandbox Legends', slug: 'sandbox-legends' },
    buyer: { id: BUYER.id, username: BUYER.username },
    is_disputed: false,
    dispute_case_id: null,
    created_at: SEED_TIME + index * 60,
    updated_at: SEED_TIME + index * 60,
    purchased_at: SEED_TIME + index * 60,
    completed_at: null,
    refunded_at: null,
  };
  if (kind === 'account') {
    return {
      ...common,
      account_offer_id: 98765 + index,
      title: `Sandbox account #${index + 1}`,
      description: 'Seeded by the provider sandbox.',
      rating: null,
      parameters: {},
      delivery_time: {
        duration: 20,
        unit: 'minutes',
        format: '20m',
        format_long: '20 minutes',
        seconds: 1200,
      },
      is_manual_delivery: true,
      credentials: null,
      delivery_instructions: null,
      price: '49.99',
      price_usd: '54.10',
      image_urls: [],
    };
  }
  const item = {
    quantity: 3,
    price_eur: '7.50',
    price_usd: '8.10',
    unit_price_eur: '2.50',
    unit_price_usd: '2.70',
  };
  if (kind === 'item') return { ...common, title: `Sandbox item order #${index + 1}`, ...item };
  return {
    ...common,
    title: `Sandbox currency order #${index + 1}`,
    ...item,
    quantity: 100000,
    currency_unit: 'Gold',
    credentials: { uid: 'Buyerchar-Sandbox' },
    completion_proof_url: null,
  };
}

function seed(): GameBoostState {
  const state: GameBoostState = { orders: new Map(), nextMessageNumber: 1 };
  let index = 0;
  for (const kind of ['account', 'item', 'currency'] as const) {
    GAMEBOOST_ORDER_STATUSES.forEach((status, offset) => {
      const id = FIRST_ID[kind] + offset;
      const order: GameBoostOrder = {
        kind,
        id,
        status,
        fields: orderFields(kind, id, index),
        messages: [],
      };
      const at = SEED_TIME + index * 60;
      order.messages.push({
        id: messageId(state.nextMessageNumber++),
        type: 'system_message',
        text: 'The order has been created.',
        attachment: null,
        sender: SYSTEM,
        sent_at: at,
        authorKind: 'system',
      });
      if (status === 'processing' || status === 'in_delivery') {
        order.messages.push({
          id: messageId(state.nextMessageNumber++),
          type: 'user_message',
          text: `Hi, any news about my ${kind} order?`,
          attachment: null,
          sender: BUYER,
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
      sender: SELLER,
      sent_at: Math.floor(ctx.now.getTime() / 1000),
      authorKind: 'seller',
    };
    order.messages.push(message);
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
  seedIds(): GameBoostSeed {
    const idsOf = (kind: GameBoostOrderKind) =>
      Object.fromEntries(
        GAMEBOOST_ORDER_STATUSES.map((status, offset) => [status, String(FIRST_ID[kind] + offset)]),
      ) as Record<GameBoostOrderStatus, string>;
    return {
      accountOrders: idsOf('account'),
      itemOrders: idsOf('item'),
      currencyOrders: idsOf('currency'),
      sellerId: SELLER.id,
      buyerId: BUYER.id,
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
  },
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
