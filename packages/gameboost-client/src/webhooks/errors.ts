/**
 * The one error type the webhook receiver throws. Messages are fixed per code, so neither the
 * secret nor the received signature (which would help an attacker probe) ever reaches a log.
 */

/** What went wrong, and the HTTP status the receiver answers with. */
export const GAMEBOOST_WEBHOOK_ERROR_STATUS = {
  /** No `Signature` header. */
  missing_signature: 401,
  /** The header is not 64 hex digits (HMAC-SHA256). */
  malformed_signature: 401,
  /** Well-formed, but no configured secret produces it for these body bytes. */
  signature_mismatch: 401,
  /** GameBoost never sends an empty body. */
  empty_body: 400,
  /** The body is not valid JSON. */
  malformed_json: 400,
  /** JSON, but not the `{ event: string, payload: object }` envelope. */
  unknown_shape: 400,
  /** The payload's `updated_at`/`created_at` is older than `maxEventAgeSeconds` (off by default). */
  stale_event: 400,
  /** The body ended before its declared length (connection dropped). */
  body_incomplete: 400,
  /** Not a POST. */
  method_not_allowed: 405,
  /** The body did not arrive within `bodyTimeoutMs`. */
  body_timeout: 408,
  /** The body is larger than `maxBodyBytes`. */
  body_too_large: 413,
  /** A callback threw; GameBoost retries deliveries that do not get a 2xx. */
  handler_failed: 500,
  /** Bad options, or the raw body was already consumed by a body parser. */
  misconfigured: 500,
} as const;

/**
 * Why a delivery was refused or failed; each code's HTTP status is in
 * {@link GAMEBOOST_WEBHOOK_ERROR_STATUS}.
 */
export type GameBoostWebhookErrorCode = keyof typeof GAMEBOOST_WEBHOOK_ERROR_STATUS;

const MESSAGES: Record<GameBoostWebhookErrorCode, string> = {
  missing_signature: 'The Signature header is missing.',
  malformed_signature: 'The Signature header is not a hex HMAC-SHA256 (64 hex digits).',
  signature_mismatch: 'The Signature header does not match the body for any configured secret.',
  empty_body: 'The request body is empty.',
  malformed_json: 'The request body is not valid JSON.',
  unknown_shape: 'The request body is not a GameBoost webhook envelope { event, payload }.',
  stale_event: 'The event is older than the configured maximum age.',
  body_incomplete: 'The request body ended early.',
  method_not_allowed: 'GameBoost webhooks are delivered with POST.',
  body_timeout: 'The request body was not received in time.',
  body_too_large: 'The request body is larger than the configured maximum.',
  handler_failed: 'A webhook handler failed.',
  misconfigured: 'The webhook receiver is misconfigured.',
};

/**
 * Why a delivery was refused or failed, with the status the receiver answers
 * (`handleNode`/`handleFetch` reply `{"status":"error","code"}` with it; `receive` throws it). Its
 * message is fixed per code plus a detail that never holds the secret or the received signature.
 */
export class GameBoostWebhookError extends Error {
  /** Always `'GameBoostWebhookError'`. */
  override readonly name = 'GameBoostWebhookError';
  /** What went wrong; see {@link GAMEBOOST_WEBHOOK_ERROR_STATUS}. */
  readonly code: GameBoostWebhookErrorCode;
  /** The HTTP status the receiver answers with. */
  readonly status: number;

  /** `detail` must never contain the secret or the received signature. */
  constructor(code: GameBoostWebhookErrorCode, options: { detail?: string; cause?: unknown } = {}) {
    super(options.detail ? `${MESSAGES[code]} ${options.detail}` : MESSAGES[code], {
      cause: options.cause,
    });
    this.code = code;
    this.status = GAMEBOOST_WEBHOOK_ERROR_STATUS[code];
  }

  /**
   * `{ name, code, status, message }`, without `cause`: a handler's own error may carry anything.
   */
  toJSON(): { name: string; code: GameBoostWebhookErrorCode; status: number; message: string } {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }
}

/**
 * Whether `value` is a {@link GameBoostWebhookError}, e.g. in an `onError` callback or around
 * `receive`.
 */
export function isGameBoostWebhookError(value: unknown): value is GameBoostWebhookError {
  return value instanceof GameBoostWebhookError;
}
