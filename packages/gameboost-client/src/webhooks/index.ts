/**
 * `@org/gameboost-client/webhooks`: receive GameBoost webhooks. Verifies the `Signature` header
 * (hex HMAC-SHA256 of the raw body with the endpoint's signing secret, several secrets for
 * rotation) in constant time, parses the `{ event, payload }` envelope into the spec's types,
 * answers duplicates once, and replies 200 `{"status":"success"}`.
 *
 * ```ts
 * const receiver = createGameBoostWebhookReceiver({ secrets: [current, previous] })
 *   .on('account.order.purchased', async ({ payload }) => deliver(payload.id));
 * http.createServer((req, res) => receiver.handleNode(req, res));   // Node
 * app.post('/gameboost', (c) => receiver.handleFetch(c.req.raw));    // Hono
 * ```
 *
 * @module
 */
export {
  GAMEBOOST_WEBHOOK_ERROR_STATUS,
  GameBoostWebhookError,
  isGameBoostWebhookError,
  type GameBoostWebhookErrorCode,
} from './errors.js';
export {
  assertFreshGameBoostEvent,
  gameBoostWebhookIdentity,
  isDocumentedGameBoostEvent,
  parseGameBoostWebhook,
  type GameBoostDocumentedWebhookEvent,
  type GameBoostWebhookEnvelope,
  type GameBoostWebhookEventMap,
  type GameBoostWebhookEventName,
} from './events.js';
export {
  createGameBoostWebhookReceiver,
  DEFAULT_WEBHOOK_BODY_TIMEOUT_MS,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  type GameBoostWebhookDelivery,
  type GameBoostWebhookHandler,
  type GameBoostWebhookOutcome,
  type GameBoostWebhookReceiver,
  type GameBoostWebhookReceiverOptions,
} from './receiver.js';
export {
  createMemorySeenStore,
  DEFAULT_SEEN_CAPACITY,
  type GameBoostWebhookSeenStore,
} from './seen-store.js';
export {
  isValidGameBoostSignature,
  signGameBoostWebhook,
  verifyGameBoostSignature,
  type WebhookBody,
} from './signature.js';
