/**
 * `Signature` = lower-case hex HMAC-SHA256 of the raw body bytes, keyed with the webhook signing
 * secret (its UTF-8 bytes). Verification works on the bytes as received: parsing and
 * re-serialising changes spacing, key order and escaping (`\/`, `\u00e9`) and breaks the HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GameBoostWebhookError } from './errors.js';

const HMAC_SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** A raw webhook body: its bytes, or a string taken as UTF-8. */
export type WebhookBody = Uint8Array | ArrayBuffer | string;

/** The body's bytes; a parsed body (an object) cannot be verified and is refused, typed. */
export function bodyBytes(body: WebhookBody): Uint8Array {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new GameBoostWebhookError('misconfigured', {
    detail:
      'The body must be the raw bytes as received (Uint8Array, ArrayBuffer or string), not parsed JSON.',
  });
}

/** The `Signature` header GameBoost sends for `body` (used by tests and the sandbox's twin). */
export function signGameBoostWebhook(secret: string, body: WebhookBody): string {
  return createHmac('sha256', secret).update(bodyBytes(body)).digest('hex');
}

/** Throws `misconfigured` unless there is at least one non-empty secret. */
export function normalizeSecrets(secrets: string | readonly string[]): readonly string[] {
  if (typeof secrets !== 'string' && !Array.isArray(secrets)) {
    throw new GameBoostWebhookError('misconfigured', {
      detail: 'secrets must be a string or an array of strings.',
    });
  }
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0 || list.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new GameBoostWebhookError('misconfigured', {
      detail: 'Give at least one webhook secret in secrets, each a non-empty string.',
    });
  }
  return list;
}

/**
 * Throws a `GameBoostWebhookError` unless `signature` is the HMAC of `body` under one of `secrets`
 * (rotation: the current secret and the previous one during its grace period). For a framework the
 * receiver does not fit: give it the raw body, as received.
 *
 * The format is checked before any HMAC is computed; that check depends only on the header, so its
 * timing says nothing about the secrets. Every secret is then compared, without stopping at the
 * first match, with `timingSafeEqual` on two 32-byte buffers.
 *
 * @throws {@link GameBoostWebhookError}: `empty_body`, `missing_signature`, `malformed_signature`
 * or `signature_mismatch` (401 or 400 as its `status` says); `misconfigured` when no secret (or an
 * empty one) is given.
 *
 * @example
 * ```ts
 * import { verifyGameBoostSignature } from '@org/gameboost-client/webhooks';
 *
 * const body = await request.arrayBuffer(); // the raw bytes, before any JSON parsing
 * verifyGameBoostSignature({
 *   body: new Uint8Array(body),
 *   signature: request.headers.get('Signature'),
 *   secrets: [process.env.GAMEBOOST_WEBHOOK_SECRET!],
 * });
 * const { event, payload } = JSON.parse(new TextDecoder().decode(body));
 * ```
 */
export function verifyGameBoostSignature(input: {
  readonly body: WebhookBody;
  readonly signature: string | null | undefined;
  readonly secrets: string | readonly string[];
}): void {
  const secrets = normalizeSecrets(input.secrets);
  const body = bodyBytes(input.body);
  if (body.byteLength === 0) throw new GameBoostWebhookError('empty_body');
  // Node gives an array for a header sent twice: no one value to check.
  const header = typeof input.signature === 'string' ? input.signature.trim() : undefined;
  if (Array.isArray(input.signature)) throw new GameBoostWebhookError('malformed_signature');
  if (!header) throw new GameBoostWebhookError('missing_signature');
  if (!HMAC_SHA256_HEX.test(header)) throw new GameBoostWebhookError('malformed_signature');
  const received = Buffer.from(header, 'hex');
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    // The comparison comes first so it runs for every secret, whether or not an earlier one matched.
    matched = timingSafeEqual(expected, received) || matched;
  }
  if (!matched) throw new GameBoostWebhookError('signature_mismatch');
}

/** `verifyGameBoostSignature` as a boolean, for callers that only need yes or no. */
export function isValidGameBoostSignature(
  input: Parameters<typeof verifyGameBoostSignature>[0],
): boolean {
  try {
    verifyGameBoostSignature(input);
    return true;
  } catch (error) {
    if (error instanceof GameBoostWebhookError && error.code === 'misconfigured') throw error;
    return false;
  }
}
