import type { Client } from 'openapi-fetch';
import { bearer, createVendorClient, type CommonClientOptions } from '@org/http-runtime';
import type { components, paths } from './generated/schema.js';
import { operationsById, operationTable } from './generated/operations.js';
import { PACKAGE_VERSION } from './version.js';

export type { components, operations, paths, webhooks } from './generated/schema.js';
export { operationTable, operationsById } from './generated/operations.js';
export { PACKAGE_VERSION } from './version.js';

/** Default production base URL. GameBoost has one global host (no tenants); all paths start with `/v2/`. */
export const GAMEBOOST_BASE_URL = 'https://api.gameboost.com';

export interface GameBoostClientOptions extends CommonClientOptions {
  /** API key from the Partner Dashboard > Developers, sent as `Authorization: Bearer <token>`. */
  token: string;
}

export type GameBoostClient = Client<paths>;

/**
 * A typed openapi-fetch client for GameBoost API v2.
 *
 * Mind the limits per API key (`GAMEBOOST_LIMITS`): the chat bucket counts message reads AND sends
 * together, and is the tightest. This client only types and sends; retries, rate limiting and
 * normalized errors are in `@org/order-messaging`.
 */
export function createGameBoostClient(options: GameBoostClientOptions): GameBoostClient {
  return createVendorClient<paths>(
    {
      vendor: 'gameboost',
      packageName: '@org/gameboost-client',
      packageVersion: PACKAGE_VERSION,
      operations: operationTable,
    },
    { ...options, baseUrl: options.baseUrl ?? GAMEBOOST_BASE_URL },
    [bearer(options.token)],
  );
}

const send = operationsById.sendAccountOrderMessage;

/**
 * Documented limits (spec `maxLength` and `x-rate-limit`), per API key, read from the operation table
 * (`operationsById`). The chat bucket covers every message read AND send, on all order kinds together.
 */
export const GAMEBOOST_LIMITS = {
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

type Schemas = components['schemas'];

// Named types for the main schemas, so users never index `components` themselves.
/** A chat message on an account, item or currency order. */
export type GameBoostMessage = Schemas['Message'];
export type GameBoostMessageSender = Schemas['MessageSender'];
/** `user_message | system_message`, open: any other string is accepted. */
export type GameBoostMessageType = NonNullable<Schemas['Message']['type']>;
export type GameBoostKnownMessageType = Schemas['KnownMessageType'];
/** Body of the three send-message operations: `{ message }` (`GAMEBOOST_LIMITS.maxMessageLength`). */
export type GameBoostSendMessageRequest = Schemas['SendMessageRequest'];
/** 200 body of a send: `{ data: Message }`. */
export type GameBoostSendMessageResponse = Schemas['SendMessageResponse'];
/** 200 body of a message list: `{ data: Message[], message: string | null }` (not paginated). */
export type GameBoostMessageListResponse = Schemas['MessageListResponse'];
export type GameBoostAccountOrder = Schemas['AccountOrder'];
export type GameBoostItemOrder = Schemas['ItemOrder'];
export type GameBoostCurrencyOrder = Schemas['CurrencyOrder'];
export type GameBoostAccountOrderResponse = Schemas['AccountOrderResponse'];
export type GameBoostItemOrderResponse = Schemas['ItemOrderResponse'];
export type GameBoostCurrencyOrderResponse = Schemas['CurrencyOrderResponse'];
/** One page of `listAccountOrders`: `{ data, meta, links }`. */
export type GameBoostAccountOrderList = Schemas['AccountOrderList'];
/** One page of `listItemOrders`. */
export type GameBoostItemOrderList = Schemas['ItemOrderList'];
/** One page of `listCurrencyOrders`. */
export type GameBoostCurrencyOrderList = Schemas['CurrencyOrderList'];
export type GameBoostPaginationMeta = Schemas['PaginationMeta'];
export type GameBoostPaginationLinks = Schemas['PaginationLinks'];
/** Order status, open (known account-order values in `GameBoostKnownAccountOrderStatus`). */
export type GameBoostOrderStatus = Schemas['OrderStatus'];
export type GameBoostKnownAccountOrderStatus = Schemas['KnownAccountOrderStatus'];
export type GameBoostGame = Schemas['Game'];
export type GameBoostOrderBuyer = Schemas['OrderBuyer'];
export type GameBoostDeliveryTime = Schemas['DeliveryTime'];
/** Body of 401, 403, 404 and 429: `{ message, request_id }`. */
export type GameBoostError = Schemas['Error'];
/** Body of 422: `{ message, errors: { field: string | string[] }, request_id }`. */
export type GameBoostValidationError = Schemas['ValidationError'];
/** Any webhook delivery: `{ event, payload }`. */
export type GameBoostWebhookEvent = Schemas['WebhookEvent'];
export type GameBoostKnownWebhookEventName = Schemas['KnownWebhookEventName'];
export type GameBoostAccountOrderPurchasedEvent = Schemas['AccountOrderPurchasedEvent'];
export type GameBoostItemOrderPurchasedEvent = Schemas['ItemOrderPurchasedEvent'];
export type GameBoostCurrencyOrderPurchasedEvent = Schemas['CurrencyOrderPurchasedEvent'];
export type GameBoostGiftCardOrderPurchasedEvent = Schemas['GiftCardOrderPurchasedEvent'];
/** @deprecated GameBoost replaced `order.report.issued` with the `order.dispute.*` events. */
export type GameBoostOrderReportIssuedEvent = Schemas['OrderReportIssuedEvent'];
export type GameBoostOrderDisputeCreatedEvent = Schemas['OrderDisputeCreatedEvent'];
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
