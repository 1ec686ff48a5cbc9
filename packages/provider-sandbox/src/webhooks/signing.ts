/**
 * How the sandbox writes and signs a GameBoost webhook body. Written apart from
 * `@org/gameboost-client/webhooks` on purpose, so each side tests the other.
 */
import { createHmac } from 'node:crypto';

/** `Signature`: lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the secret's UTF-8 bytes. */
export function signWebhookBody(secret: string, body: Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * JSON as PHP's `json_encode` writes it by default (GameBoost runs Laravel, an inference): `/` as
 * `\/` and every non-ASCII character as `\uXXXX`. Both survive `JSON.parse` but not a
 * `JSON.stringify` round trip, so a receiver that verifies a re-serialised body fails here as it
 * would against GameBoost. Plain string replacement is safe: in JSON text, `/` and non-ASCII
 * characters only occur inside strings.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}
