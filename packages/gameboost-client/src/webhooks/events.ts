/**
 * Webhook event types, taken from the spec's top-level `webhooks` (generated), and the checks a
 * verified body goes through before it reaches a callback.
 */
import { createHash } from 'node:crypto';
import type { components, webhooks } from '../generated/schema.js';
import { GameBoostWebhookError } from './errors.js';

type JsonBodyOf<Operation> = Operation extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

/** Each documented event name and the body GameBoost posts for it, as the spec declares them. */
export type GameBoostWebhookEventMap = {
  [Name in keyof webhooks]: JsonBodyOf<webhooks[Name]['post']>;
};
/**
 * A webhook event name the spec documents (`account.order.purchased`, `order.dispute.created`…).
 */
export type GameBoostWebhookEventName = keyof GameBoostWebhookEventMap & string;
/** Any documented event, discriminated by `event`. */
export type GameBoostDocumentedWebhookEvent = GameBoostWebhookEventMap[GameBoostWebhookEventName];
/** Any envelope: `event` is open, so a name GameBoost adds later still parses. */
export type GameBoostWebhookEnvelope = components['schemas']['WebhookEvent'];

const DOCUMENTED_EVENTS: readonly string[] = [
  'account.order.purchased',
  'item.order.purchased',
  'currency.order.purchased',
  'gift_card.order.purchased',
  'order.report.issued',
  'order.dispute.created',
  'order.dispute.updated',
] satisfies readonly GameBoostWebhookEventName[];

/** Compile-time check that the list above names every event of the spec. */
type MissingEvents = Exclude<GameBoostWebhookEventName, (typeof DOCUMENTED_EVENTS)[number]>;
const _everyEventListed: [MissingEvents] extends [never] ? true : never = true;
void _everyEventListed;

/**
 * Whether the envelope's `event` is one the spec documents; narrows it to that event's type, so
 * `payload` is typed.
 */
export function isDocumentedGameBoostEvent(
  envelope: GameBoostWebhookEnvelope,
): envelope is GameBoostDocumentedWebhookEvent {
  return DOCUMENTED_EVENTS.includes(envelope.event);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses verified body bytes; only the envelope is checked, payload fields are all optional. */
export function parseGameBoostWebhook(body: Uint8Array): GameBoostWebhookEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new GameBoostWebhookError('malformed_json');
  }
  if (!isPlainObject(parsed) || typeof parsed.event !== 'string' || parsed.event === '') {
    throw new GameBoostWebhookError('unknown_shape', { detail: 'Expected a string "event".' });
  }
  if (!isPlainObject(parsed.payload)) {
    throw new GameBoostWebhookError('unknown_shape', { detail: 'Expected an object "payload".' });
  }
  return parsed as GameBoostWebhookEnvelope;
}

function payloadScalar(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'number' || (typeof value === 'string' && value !== '')
    ? String(value)
    : undefined;
}

/**
 * The default identity of an event, for recognising duplicate deliveries:
 * `<event>:<payload.id>:<payload.updated_at>` when the payload has both (order and report
 * payloads do), so a retry that GameBoost or Outpost serialises differently is still the same
 * event while a real change (a newer `updated_at`) is a new one; otherwise `<event>:sha256:<hex>`
 * of the raw body, as dispute payloads are undocumented.
 */
export function gameBoostWebhookIdentity(
  envelope: GameBoostWebhookEnvelope,
  body: Uint8Array,
): string {
  const id = payloadScalar(envelope.payload, 'id');
  const updatedAt = payloadScalar(envelope.payload, 'updated_at');
  if (id !== undefined && updatedAt !== undefined) return `${envelope.event}:${id}:${updatedAt}`;
  return `${envelope.event}:sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/**
 * Throws `stale_event` when the payload's `updated_at` (else `created_at`, unix seconds) is more
 * than `maxAgeSeconds` before `nowMs`. A payload with neither passes: GameBoost documents no
 * timestamp header, so there is nothing else to judge by.
 */
export function assertFreshGameBoostEvent(
  envelope: GameBoostWebhookEnvelope,
  maxAgeSeconds: number,
  nowMs: number,
): void {
  const stamp = envelope.payload.updated_at ?? envelope.payload.created_at;
  if (typeof stamp !== 'number' || !Number.isFinite(stamp)) return;
  const ageSeconds = nowMs / 1000 - stamp;
  if (ageSeconds > maxAgeSeconds) {
    throw new GameBoostWebhookError('stale_event', {
      detail: `Age ${Math.round(ageSeconds)} s, maximum ${maxAgeSeconds} s.`,
    });
  }
}
