/**
 * `@org/gameboost-client`: a typed client for GameBoost API v2 ({@link createGameBoostClient}),
 * the API's documented limits ({@link GAMEBOOST_LIMITS}) and named types for its schemas. Webhook
 * receivers are in `@org/gameboost-client/webhooks`.
 *
 * @module index
 */
import type { Client } from 'openapi-fetch';
import { bearer, type CommonClientOptions, createVendorClient } from '@org/http-runtime';
import type { components, paths } from './generated/schema.js';
import { operationsById, requestBodies } from './generated/operations.js';
import { PACKAGE_VERSION } from './version.js';

export type { components, operations, paths, webhooks } from './generated/schema.js';
export { operationTable, operationsById, requestBodies } from './generated/operations.js';
export { PACKAGE_VERSION } from './version.js';

/** Default production base URL. GameBoost has one global host (no tenants); all paths start with `/v2/`. */
export const GAMEBOOST_BASE_URL = 'https://api.gameboost.com';

/**
 * Options of {@link createGameBoostClient}: the API key, and the options every vendor client takes
 * (`baseUrl` defaults to {@link GAMEBOOST_BASE_URL}; `fetch`, `headers`, `userAgent`,
 * `middleware`…).
 */
export interface GameBoostClientOptions extends CommonClientOptions {
  /** API key from the Partner Dashboard > Developers, sent as `Authorization: Bearer <token>`. */
  token: string;
}

/**
 * An openapi-fetch client typed by GameBoost's spec: `GET`/`POST` take the spec's paths and return
 * `{ data, error, response }` without throwing on HTTP errors.
 */
export type GameBoostClient = Client<paths>;

/**
 * A typed openapi-fetch client for GameBoost API v2.
 *
 * Mind the limits per API key (`GAMEBOOST_LIMITS`): the chat bucket counts message reads AND sends
 * together, and is the tightest. This client only types and sends; retries, rate limiting and
 * normalized errors are in `@org/order-messaging`.
 *
 * @throws `ConfigurationError` (from `@org/http-runtime`) when the token is missing or blank, a
 * `baseUrl` is not https, or an option has the wrong type (a number as `token`, `null` as
 * `baseUrl`…). The message names the option, never its value.
 *
 * @example
 * ```ts
 * const gameboost = createGameBoostClient({ token: process.env.GAMEBOOST_TOKEN! });
 * // Messages can only be sent while the order is "processing".
 * const sent = await gameboost.POST('/v2/account-orders/{accountOrder}/messages', {
 *   params: { path: { accountOrder: '123456' } },
 *   body: { message: 'Hi! Your account is ready, please check your email.' },
 * });
 * if (sent.error) console.error(sent.response.status, sent.error.message, sent.error.request_id);
 * else console.log(sent.data.data?.id);
 * ```
 */
export function createGameBoostClient(options: GameBoostClientOptions): GameBoostClient {
  return createVendorClient<paths>(
    {
      vendor: 'gameboost',
      packageName: '@org/gameboost-client',
      packageVersion: PACKAGE_VERSION,
      operations: requestBodies,
    },
    { ...options, baseUrl: options.baseUrl ?? GAMEBOOST_BASE_URL },
    [bearer(options.token)],
  );
}

/**
 * Documented limits (spec `maxLength` and `x-rate-limit`), per API key, read from the operation table
 * (`operationsById`). The chat bucket covers every message read AND send, on all order kinds together.
 */
export const GAMEBOOST_LIMITS = /* @__PURE__ */ (() => {
  // A pure call: a bundle that never reads the limits drops them, and the operation table too.
  const send = operationsById.sendAccountOrderMessage;
  return {
    /** `message` of a send: at most this many characters. */
    maxMessageLength: send.request.fields.message.maxLength,
    /** Chat operations (global): message lists and sends together, per minute. */
    chatPerMinute: send.rateLimits.chat.limit,
    /** GET requests per minute. */
    readsPerMinute: operationsById.getAccountOrder.rateLimits.reads.limit,
    /** POST/PUT/PATCH/DELETE requests per minute (global). */
    writesPerMinute: send.rateLimits.writes.limit,
    /** Writes to the same resource per minute. */
    writesPerResourcePerMinute: send.rateLimits.writesSameResource.limit,
    /** Writes to the same resource per hour. */
    writesPerResourcePerHour: send.rateLimits.writesSameResourceHourly.limit,
  } as const;
})();

type Schemas = components['schemas'];

// Named types for the main schemas, so users never index `components` themselves.
/** A chat message on an account, item or currency order. */
export type GameBoostMessage = Schemas['Message'];
/** The sender of a message: `id`, `username`, `is_admin`. */
export type GameBoostMessageSender = Schemas['MessageSender'];
/** `user_message | system_message`, open: any other string is accepted. */
export type GameBoostMessageType = NonNullable<Schemas['Message']['type']>;
/** Message types the docs name: `user_message`, `system_message`. */
export type GameBoostKnownMessageType = Schemas['KnownMessageType'];
/** Body of the three send-message operations: `{ message }` (`GAMEBOOST_LIMITS.maxMessageLength`). */
export type GameBoostSendMessageRequest = Schemas['SendMessageRequest'];
/** 200 body of a send: `{ data: Message }`. */
export type GameBoostSendMessageResponse = Schemas['SendMessageResponse'];
/** 200 body of a message list: `{ data: Message[], message: string | null }` (not paginated). */
export type GameBoostMessageListResponse = Schemas['MessageListResponse'];
/**
 * An account order. Field presence is not documented: every field is optional and unknown ones are
 * kept.
 */
export type GameBoostAccountOrder = Schemas['AccountOrder'];
/** An item order (quantity and prices confirmed; the other fields inferred from account orders). */
export type GameBoostItemOrder = Schemas['ItemOrder'];
/**
 * A currency order (quantity, prices, `currency_unit`, `credentials` and `completion_proof_url`
 * confirmed).
 */
export type GameBoostCurrencyOrder = Schemas['CurrencyOrder'];
/** `{ data: GameBoostAccountOrder }`: the answer of `getAccountOrder`. */
export type GameBoostAccountOrderResponse = Schemas['AccountOrderResponse'];
/** `{ data: GameBoostItemOrder }`: the answer of `getItemOrder`. */
export type GameBoostItemOrderResponse = Schemas['ItemOrderResponse'];
/** `{ data: GameBoostCurrencyOrder }`: the answer of `getCurrencyOrder`. */
export type GameBoostCurrencyOrderResponse = Schemas['CurrencyOrderResponse'];
/** One page of `listAccountOrders`: `{ data, meta, links }`. */
export type GameBoostAccountOrderList = Schemas['AccountOrderList'];
/** One page of `listItemOrders`. */
export type GameBoostItemOrderList = Schemas['ItemOrderList'];
/** One page of `listCurrencyOrders`. */
export type GameBoostCurrencyOrderList = Schemas['CurrencyOrderList'];
/** Page information of an order list: `current_page`, `last_page`, `per_page`, `total`… */
export type GameBoostPaginationMeta = Schemas['PaginationMeta'];
/** Page URLs of an order list; `prev`/`next` are `null` at the ends. */
export type GameBoostPaginationLinks = Schemas['PaginationLinks'];
/** Order status, open (known account-order values in `GameBoostKnownAccountOrderStatus`). */
export type GameBoostOrderStatus = Schemas['OrderStatus'];
/**
 * Account-order statuses the docs name: `pending`, `in_delivery`, `delivered`, `refunded`, and
 * `processing` (the only status in which messages can be sent).
 */
export type GameBoostKnownAccountOrderStatus = Schemas['KnownAccountOrderStatus'];
/** The game an order belongs to: `id`, `name`, `slug`. */
export type GameBoostGame = Schemas['Game'];
/** The buyer of an order (the username comes censored). */
export type GameBoostOrderBuyer = Schemas['OrderBuyer'];
/** The promised delivery time of an order. */
export type GameBoostDeliveryTime = Schemas['DeliveryTime'];
/** Body of 401, 403, 404 and 429: `{ message, request_id }`. */
export type GameBoostError = Schemas['Error'];
/** Body of 422: `{ message, errors: { field: string | string[] }, request_id }`. */
export type GameBoostValidationError = Schemas['ValidationError'];
/** Any webhook delivery: `{ event, payload }`. */
export type GameBoostWebhookEvent = Schemas['WebhookEvent'];
/** The webhook event names the docs list (`account.order.purchased`, `order.dispute.created`…). */
export type GameBoostKnownWebhookEventName = Schemas['KnownWebhookEventName'];
/** The `account.order.purchased` webhook: `{ event, payload }` with the account order. */
export type GameBoostAccountOrderPurchasedEvent = Schemas['AccountOrderPurchasedEvent'];
/** The `item.order.purchased` webhook: `{ event, payload }` with the item order. */
export type GameBoostItemOrderPurchasedEvent = Schemas['ItemOrderPurchasedEvent'];
/** The `currency.order.purchased` webhook: `{ event, payload }` with the currency order. */
export type GameBoostCurrencyOrderPurchasedEvent = Schemas['CurrencyOrderPurchasedEvent'];
/** The `gift_card.order.purchased` webhook (payload shape unknown beyond `id`). */
export type GameBoostGiftCardOrderPurchasedEvent = Schemas['GiftCardOrderPurchasedEvent'];
/** @deprecated GameBoost replaced `order.report.issued` with the `order.dispute.*` events. */
export type GameBoostOrderReportIssuedEvent = Schemas['OrderReportIssuedEvent'];
/** The `order.dispute.created` webhook (payload shape undocumented: any object). */
export type GameBoostOrderDisputeCreatedEvent = Schemas['OrderDisputeCreatedEvent'];
/** The `order.dispute.updated` webhook (payload shape undocumented: any object). */
export type GameBoostOrderDisputeUpdatedEvent = Schemas['OrderDisputeUpdatedEvent'];
/** The known webhook deliveries, discriminated by `event`. */
export type GameBoostKnownWebhookEvent =
  | GameBoostAccountOrderPurchasedEvent
  | GameBoostItemOrderPurchasedEvent
  | GameBoostCurrencyOrderPurchasedEvent
  | GameBoostGiftCardOrderPurchasedEvent
  | GameBoostOrderReportIssuedEvent
  | GameBoostOrderDisputeCreatedEvent
  | GameBoostOrderDisputeUpdatedEvent;
/** The reply your webhook endpoint must send: 200 `{ status: 'success' }`. */
export type GameBoostWebhookAck = Schemas['WebhookAck'];
