/**
 * GameBoost adapter. Account, item and currency orders each have their own
 * message endpoints (`orderKind`, default `account`).
 * - send: `POST /v2/<kind>-orders/{id}/messages` `{message}`; only while the order is processing
 *   (a 422 about the order's status becomes `InvalidOrderStateError`).
 * - list: `GET` the order (to tell the buyer's messages from the seller's) and its messages (one page).
 * - sync: a scan of the three order lists, open orders always read (see `./gameboost/changes.ts`).
 * - limits, per API key and so per connection, as the spec's `x-rate-limit` states them (chat:
 *   every message read AND send; writes; reads). Reconciling a send lists messages, which spends a
 *   chat slot: the limiter counts it like any other call.
 */
import {
  createGameBoostClient,
  operationsById,
  type GameBoostClient,
  type GameBoostMessage,
} from '@org/gameboost-client';
import {
  clientOptionsOf,
  defineAdapter,
  defineVendor,
  firstFieldError,
  isRecord,
  standInId,
  stringId,
  stringSetting,
  unixSecondsDate,
  vendorOptionsOf,
  vendorMessage,
  type AdapterContext,
  type AuthorKind,
  type Capabilities,
  type ConnectionOptions,
  type ErrorHint,
  type HttpFailure,
  type MessageAttachment,
  type OrderMessage,
  type OrderMessagingAdapterV1,
  type OrderRef,
  type SendRequest,
} from '../adapter-kit.js';
import type { RateLimitRuleSpec, SpecRateLimit } from '@org/http-runtime';
import { changedOrders, GAMEBOOST_SYNC } from './gameboost/changes.js';

export type { GameBoostClient, GameBoostMessage } from '@org/gameboost-client';

/** GameBoost's kinds of order, each with its own endpoints: `account`, `item`, `currency`. */
export type GameBoostOrderKind = 'account' | 'item' | 'currency';

export interface GameBoostConnectionOptions extends ConnectionOptions {
  /** API key (Partner Dashboard > Developers), sent as a bearer token. */
  token: string;
}

/** Options only GameBoost understands, under `vendorOptions.gameboost`. */
export interface GameBoostSendOptions {
  /** Which kind of order `orderId` is (default `account`). */
  orderKind?: GameBoostOrderKind;
}
/** `vendorOptions` of a GameBoost connection: only the `gameboost` key compiles. */
export type GameBoostVendorOptions = {
  /** GameBoost's own options. */
  gameboost?: GameBoostSendOptions;
};

/** A normalized GameBoost message; `raw` is the chat message as GameBoost returned it. */
export type GameBoostOrderMessage = OrderMessage<GameBoostMessage>;

/** What GameBoost can do (`gameboost.capabilities`, `capabilities(connection)`). */
export const gameboostCapabilities: Capabilities = Object.freeze({
  vendor: 'gameboost',
  list: true,
  send: true,
  // The spec states a maximum only; 1 is the facade's floor (it refuses empty text everywhere).
  text: {
    minLength: 1,
    maxLength: operationsById.sendAccountOrderMessage.request.fields.message.maxLength,
  },
  attachments: false,
  internalNotes: false,
  audiences: ['customer'],
  orderKinds: ['account', 'item', 'currency'],
  sendOptions: ['orderKind'],
  pagination: 'none',
  reconcile: 'by-listing',
  sync: GAMEBOOST_SYNC,
  sendCost: {
    requests: 1,
    note: 'the POST answers with the stored message; nothing is read',
  },
} as const satisfies Capabilities);

/** A bucket of the spec's `x-rate-limit` as a limiter window. */
const windowOf = ({ limit, periodSeconds }: SpecRateLimit) => ({
  limit,
  windowMs: periodSeconds * 1000,
});

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
// Unanchored at the start: a base URL may carry a path prefix (a proxy, the sandbox).
const ORDER_MESSAGES_PATH = /\/v2\/((?:account|item|currency)-orders\/[^/]+)\/messages\/?$/;

/** The order a message send writes to: GameBoost limits writes per resource. */
function sentOrderKey(request: Request): string | undefined {
  if (!WRITE_METHODS.includes(request.method.toUpperCase())) return undefined;
  return ORDER_MESSAGES_PATH.exec(new URL(request.url).pathname)?.[1];
}

const sendBuckets = operationsById.sendAccountOrderMessage.rateLimits;
const readBuckets = operationsById.getAccountOrder.rateLimits;

/** From the spec's `x-rate-limit` (GameBoost "Rate limiting" page), per API key. */
export const gameboostRateLimits: Readonly<Record<string, RateLimitRuleSpec>> = Object.freeze({
  chat: { ...windowOf(sendBuckets.chat), match: { pathPattern: ORDER_MESSAGES_PATH } },
  writes: { ...windowOf(sendBuckets.writes), match: { methods: WRITE_METHODS } },
  reads: { ...windowOf(readBuckets.reads), match: { methods: ['GET', 'HEAD'] } },
  // "Writes to the same resource": each order's sends get their own windows.
  writesSameResource: { ...windowOf(sendBuckets.writesSameResource), key: sentOrderKey },
  writesSameResourceHourly: {
    ...windowOf(sendBuckets.writesSameResourceHourly),
    key: sentOrderKey,
  },
});

type Ctx = AdapterContext<GameBoostClient>;

export interface GameBoostAdapter extends OrderMessagingAdapterV1<
  GameBoostClient,
  GameBoostMessage,
  GameBoostVendorOptions
> {
  /** Always `'gameboost'`. */
  readonly vendor: 'gameboost';
}

const ORDER_STATE_WORDS =
  /processing|status|state|completed|delivered|refunded|cancel|disput|closed|not allowed to (send|message)/i;

/** GameBoost specifics: a 422 about the order's status is not a problem with the message. */
export function gameboostErrorHint(
  failure: Pick<HttpFailure, 'status' | 'body'>,
): ErrorHint | undefined {
  if (failure.status !== 422 && failure.status !== 409 && failure.status !== 400) return undefined;
  const fieldError = firstFieldError(failure.body);
  const text = [vendorMessage(failure.body), fieldError?.message].filter(Boolean).join(' ');
  const aboutTheMessage = fieldError?.field === 'message';
  if (!aboutTheMessage && ORDER_STATE_WORDS.test(text)) {
    return { kind: 'invalid_order_state', retryable: false };
  }
  // GameBoost names the body field `message`; the facade's field is `text`.
  return aboutTheMessage ? { field: 'text' } : undefined;
}

/** The request's GameBoost-only field: which kind of order `orderId` is. */
function kindOf(ref: OrderRef<GameBoostVendorOptions>): GameBoostOrderKind {
  return vendorOptionsOf<GameBoostSendOptions>(ref, 'gameboost').orderKind ?? 'account';
}

function authorKind(message: GameBoostMessage, buyerId: number | undefined): AuthorKind {
  const sender = message.sender;
  if (message.type === 'system_message') return 'system';
  if (sender?.is_admin === true) return 'operator';
  if (buyerId !== undefined && sender?.id === buyerId) return 'customer';
  return 'seller';
}

/** A message's one attachment, when it has one. */
function attachmentsOf(message: GameBoostMessage): MessageAttachment[] {
  if (!isRecord(message.attachment)) return [];
  const a = message.attachment;
  const url = typeof a.url === 'string' ? a.url : undefined;
  const name = [a.name, a.filename, a.file_name].find((v): v is string => typeof v === 'string');
  return [
    {
      id: stringId(a.id) ?? `${message.id ?? ''}:attachment`,
      filename: name ?? 'attachment',
      ...(typeof a.size === 'number' ? { size: a.size } : {}),
      ...(typeof a.mime_type === 'string' ? { contentType: a.mime_type } : {}),
      ...(url ? { url } : {}),
    },
  ];
}

function normalize(
  message: GameBoostMessage,
  ref: OrderRef<GameBoostVendorOptions>,
  buyerId: number | undefined,
  ctx: Ctx,
): GameBoostOrderMessage {
  const sender = message.sender;
  const senderId = stringId(sender?.id);
  return {
    id:
      stringId(message.id) ??
      standInId(ref.orderId, message.sent_at, message.type, senderId, message.text),
    orderId: ref.orderId,
    text: message.text ?? '',
    author: {
      kind: authorKind(message, buyerId),
      ...(senderId === undefined ? {} : { id: senderId }),
      ...(sender?.username ? { name: sender.username } : {}),
    },
    sentAt: unixSecondsDate(message.sent_at) ?? new Date(0),
    attachments: attachmentsOf(message),
    internal: false,
    vendor: 'gameboost',
    connection: ctx.connection,
    raw: message,
  };
}

/** `GET /v2/<kind>-orders/{id}`. */
function getOrder(kind: GameBoostOrderKind, orderId: string, ctx: Ctx) {
  switch (kind) {
    case 'account':
      return ctx.client.GET('/v2/account-orders/{accountOrder}', {
        params: { path: { accountOrder: orderId } },
      });
    case 'item':
      return ctx.client.GET('/v2/item-orders/{itemOrder}', {
        params: { path: { itemOrder: orderId } },
      });
    case 'currency':
      return ctx.client.GET('/v2/currency-orders/{currencyOrder}', {
        params: { path: { currencyOrder: orderId } },
      });
  }
}

/** `GET /v2/<kind>-orders/{id}/messages`. */
function getMessages(kind: GameBoostOrderKind, orderId: string, ctx: Ctx) {
  switch (kind) {
    case 'account':
      return ctx.client.GET('/v2/account-orders/{accountOrder}/messages', {
        params: { path: { accountOrder: orderId } },
      });
    case 'item':
      return ctx.client.GET('/v2/item-orders/{itemOrder}/messages', {
        params: { path: { itemOrder: orderId } },
      });
    case 'currency':
      return ctx.client.GET('/v2/currency-orders/{currencyOrder}/messages', {
        params: { path: { currencyOrder: orderId } },
      });
  }
}

/** `POST /v2/<kind>-orders/{id}/messages`. */
function postMessage(
  kind: GameBoostOrderKind,
  orderId: string,
  body: { message: string },
  ctx: Ctx,
) {
  switch (kind) {
    case 'account':
      return ctx.client.POST('/v2/account-orders/{accountOrder}/messages', {
        params: { path: { accountOrder: orderId } },
        body,
      });
    case 'item':
      return ctx.client.POST('/v2/item-orders/{itemOrder}/messages', {
        params: { path: { itemOrder: orderId } },
        body,
      });
    case 'currency':
      return ctx.client.POST('/v2/currency-orders/{currencyOrder}/messages', {
        params: { path: { currencyOrder: orderId } },
        body,
      });
  }
}

/** The order's buyer, to tell their messages from the seller's. */
async function buyerOf(
  ref: OrderRef<GameBoostVendorOptions>,
  ctx: Ctx,
): Promise<number | undefined> {
  const { data } = await ctx.call(`get ${kindOf(ref)} order`, () =>
    getOrder(kindOf(ref), ref.orderId, ctx),
  );
  const buyer = isRecord(data) && isRecord(data.data) ? data.data.buyer : undefined;
  return isRecord(buyer) && typeof buyer.id === 'number' ? buyer.id : undefined;
}

/** The order's messages (one chat request); the buyer tells the customer's apart. */
async function readMessages(
  ref: OrderRef<GameBoostVendorOptions>,
  buyerId: number | undefined,
  ctx: Ctx,
): Promise<GameBoostOrderMessage[]> {
  const operation = `list ${kindOf(ref)} order messages`;
  const { data } = await ctx.call(operation, () => getMessages(kindOf(ref), ref.orderId, ctx));
  if (!Array.isArray(data?.data)) throw ctx.unexpected(operation, 'no `data` array', data);
  return data.data.map((message) => normalize(message, ref, buyerId, ctx));
}

async function* list(
  ref: OrderRef<GameBoostVendorOptions>,
  ctx: Ctx,
): AsyncGenerator<GameBoostOrderMessage> {
  yield* await readMessages(ref, await buyerOf(ref, ctx), ctx);
}

async function send(
  request: SendRequest<GameBoostVendorOptions>,
  ctx: Ctx,
): Promise<GameBoostOrderMessage> {
  const body = { message: request.text };
  const operation = `send ${kindOf(request)} order message`;
  const { data } = await ctx.call(
    operation,
    () => postMessage(kindOf(request), request.orderId, body, ctx),
    { write: true },
  );
  // A message without its id is no success: nothing could find, quote or reconcile it later.
  if (!isRecord(data?.data) || stringId(data.data.id) === undefined)
    throw ctx.unexpected(operation, 'no message `data` with an `id` in the answer', data, {
      write: true,
    });
  // We wrote it, so the author is the seller side unless GameBoost says otherwise.
  return normalize(data.data, request, undefined, ctx);
}

function createGameBoostAdapter(options: GameBoostConnectionOptions): GameBoostAdapter {
  const clientOptions = { ...clientOptionsOf(options), token: options.token };
  return defineAdapter({
    vendor: 'gameboost',
    capabilities: gameboostCapabilities,
    rateLimits: gameboostRateLimits,
    requestIdHeaders: ['x-gameboost-request-id'],
    createClient: (transport) =>
      createGameBoostClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (options.token ? [options.token] : []),
    send,
    list,
    // The listing carries each order's buyer: no order read before the messages.
    changedOrders: (request, ctx) => changedOrders(request, ctx, readMessages),
    mapError: gameboostErrorHint,
  });
}

/** A GameBoost connection: `gameboost({ token })`; `baseUrl` defaults to https://api.gameboost.com. */
export const gameboost = Object.assign(createGameBoostAdapter, {
  /** Always `'gameboost'`. */
  vendor: 'gameboost' as const,
  /** What GameBoost can do: {@link gameboostCapabilities}. */
  capabilities: gameboostCapabilities,
  /** GameBoost's documented limits per API key: {@link gameboostRateLimits}. */
  rateLimits: gameboostRateLimits,
});
export default gameboost;

/** GameBoost as data: settings (flags, env), sandbox wiring, capabilities. */
export const gameboostVendor = /* @__PURE__ */ defineVendor({
  name: 'gameboost',
  title: 'GameBoost',
  createAdapter: createGameBoostAdapter,
  capabilities: gameboostCapabilities,
  settings: [
    { key: 'token', placeholder: '<token>', description: 'Partner API key', secret: true },
    {
      key: 'baseUrl',
      placeholder: '<url>',
      description: 'base URL (default https://api.gameboost.com)',
    },
  ],
  requirements: [{ anyOf: ['token'] }],
  toOptions(values): GameBoostConnectionOptions {
    const baseUrl = stringSetting(values, 'baseUrl');
    return { ...(baseUrl ? { baseUrl } : {}), token: stringSetting(values, 'token')! };
  },
  sandbox: {
    settings: (access: { baseUrl: string; token: string }) => ({
      baseUrl: access.baseUrl,
      token: access.token,
    }),
    exampleOrder: (seed: { accountOrders: { processing: string } }) =>
      seed.accountOrders.processing,
  },
});
