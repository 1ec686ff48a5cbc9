/**
 * Typed errors. Every failure of the facade is an `OrderMessagingError` with a
 * `kind`; callers branch on the class or on `kind`, and on `delivery` to know
 * whether the message may have reached the vendor.
 *
 * `instanceof` must keep working when an application ends up with two copies
 * of this package (two versions in node_modules, or ESM and a bundle): the
 * classes recognise each other's instances by a `Symbol.for` brand and the
 * `kind`, not by prototype identity.
 */

/**
 * What went wrong, one value per error class: branch on it (or on the class) rather than on
 * messages. The CLI's exit codes follow it.
 */
export type ErrorKind =
  | 'validation'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'invalid_order_state'
  | 'rate_limited'
  | 'vendor_server'
  | 'network'
  | 'timeout'
  | 'unsupported';

/** Every {@link ErrorKind}, in a fixed order. */
export const ERROR_KINDS: readonly ErrorKind[] = [
  'validation',
  'authentication',
  'permission',
  'not_found',
  'invalid_order_state',
  'rate_limited',
  'vendor_server',
  'network',
  'timeout',
  'unsupported',
];

/**
 * What is known about the message when the error happened:
 * - `not_sent`: it never left this process (or the connection was refused before the request was written);
 * - `rejected`: the vendor answered and refused it, nothing was stored;
 * - `unknown`: the request may have been stored (timeout after writing, connection reset, 502/504) and
 *   reconciliation could not tell. Check the order before sending again.
 */
export type Delivery = 'not_sent' | 'rejected' | 'unknown';

/**
 * The `Symbol.for` brand every `OrderMessagingError` carries: how `instanceof` recognises errors
 * made by another copy of this package (two versions installed, or ESM next to a bundle).
 */
export const ERROR_BRAND: unique symbol = Symbol.for('@org/order-messaging/error');

/**
 * Constructor options of {@link OrderMessagingError} and its subclasses; what an adapter or the
 * facade knows when it raises one.
 */
export interface OrderMessagingErrorOptions {
  /** The vendor (`mirakl`, `spp`…). */
  vendor?: string;
  /** The connection name the call used. */
  connection?: string;
  /** The HTTP status of the vendor's answer, when there was one. */
  status?: number;
  /** The vendor's request id from its response headers, to quote to its support. */
  requestId?: string;
  /**
   * Whether the same call may succeed later unchanged; defaults by kind (rate limits, 5xx, network
   * and timeouts yes; the others no).
   */
  retryable?: boolean;
  /**
   * What is known about the message; defaults to `not_sent` for validation errors and `rejected`
   * otherwise.
   */
  delivery?: Delivery;
  /** The vendor's error body. Callers pass it with secrets already scrubbed. */
  body?: unknown;
  /** The underlying error, kept as `cause`. */
  cause?: unknown;
}

const DEFAULT_RETRYABLE: Readonly<Record<ErrorKind, boolean>> = {
  validation: false,
  authentication: false,
  permission: false,
  not_found: false,
  invalid_order_state: false,
  rate_limited: true,
  vendor_server: true,
  network: true,
  timeout: true,
  unsupported: false,
};

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** The classes this package defines; they recognise each other's instances across copies by brand and kind. */
const BUILT_IN_CLASSES = new WeakSet<object>();

/**
 * The base class of every error the facade throws. `kind` and the subclass say what went wrong,
 * `retryable` whether to try again unchanged, `delivery` whether the message may have reached the
 * vendor (`unknown`: look with `findSent` before sending again). `toJSON()` gives every field
 * without secrets.
 *
 * @example
 * ```ts
 * try {
 *   await messaging.send('spp', { orderId, text });
 * } catch (error) {
 *   if (error instanceof RateLimitedError) await sleep(error.retryAfterMs ?? 60_000);
 *   else if (isOrderMessagingError(error) && error.delivery === 'unknown') await checkLater(orderId);
 *   else throw error;
 * }
 * ```
 */
export class OrderMessagingError extends Error {
  /** The kind a subclass stands for; undefined on the base class (which matches every kind). */
  static readonly errorKind: ErrorKind | undefined = undefined;

  /**
   * `instanceof` that also recognises instances made by another copy of this package (by
   * `ERROR_BRAND` and `kind`); an application's own subclass keeps the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // An application's own subclass keeps the ordinary prototype check.
    if (
      !BUILT_IN_CLASSES.has(this) ||
      (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] !== true
    ) {
      return ordinaryHasInstance.call(this, value);
    }
    const kind = (this as { errorKind?: ErrorKind }).errorKind;
    return kind === undefined || (value as { kind?: unknown }).kind === kind;
  }

  /** What went wrong; one value per subclass. */
  readonly kind: ErrorKind;
  /** The vendor of the connection, when the error came from one. */
  readonly vendor: string | undefined;
  /** The connection name, when the error came from one. */
  readonly connection: string | undefined;
  /** The HTTP status of the vendor's answer, when there was one. */
  readonly status: number | undefined;
  /**
   * The vendor's request id (SPP `X-Api-Identifier`, GameBoost `X-GameBoost-Request-Id` or
   * `request_id`), to quote to its support.
   */
  readonly requestId: string | undefined;
  /** True when the same call may succeed later without changes (after `retryAfterMs` for rate limits). */
  readonly retryable: boolean;
  /** What is known about the message: `not_sent`, `rejected` or `unknown`; see {@link Delivery}. */
  readonly delivery: Delivery;
  /** The vendor's error body, secrets scrubbed; `undefined` when there was none. */
  readonly body: unknown;

  constructor(kind: ErrorKind, message: string, options: OrderMessagingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.vendor = options.vendor;
    this.connection = options.connection;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE[kind];
    this.delivery = options.delivery ?? (kind === 'validation' ? 'not_sent' : 'rejected');
    this.body = options.body;
  }

  /**
   * The error as plain data: `name`, `kind`, `message`, `vendor`, `connection`, `status`,
   * `requestId`, `retryable`, `delivery`, `body` (and the subclass's own fields), leaving out those
   * that are undefined; never a secret.
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      kind: this.kind,
      message: this.message,
      vendor: this.vendor,
      connection: this.connection,
      status: this.status,
      requestId: this.requestId,
      retryable: this.retryable,
      delivery: this.delivery,
      body: this.body,
    };
    for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
    return json;
  }
}

Object.defineProperty(OrderMessagingError.prototype, ERROR_BRAND, {
  value: true,
  enumerable: false,
});

/**
 * Why a field is invalid: `required`, `invalid`, `too_short`, `too_long`, `too_many` (attachments),
 * `too_large` (bytes), `unsupported` (by this vendor).
 */
export type ValidationReason =
  'required' | 'invalid' | 'too_short' | 'too_long' | 'too_many' | 'too_large' | 'unsupported';

/**
 * Constructor options of {@link ValidationError}: which field failed, why, and the limit it
 * crossed.
 */
export interface ValidationErrorOptions extends OrderMessagingErrorOptions {
  /** The request field at fault, e.g. `text`, `attachments[1].data`, `audience[0]`, `orderId`. */
  field: string;
  /** Why the field is invalid. */
  reason: ValidationReason;
  /** The limit that was crossed, where there is one. */
  limit?: number;
  /** The value measured against `limit`. */
  actual?: number;
}

/** The request is invalid: found before the network (`delivery: 'not_sent'`) or refused by the vendor (`rejected`). */
export class ValidationError extends OrderMessagingError {
  static override readonly errorKind = 'validation' as const;
  /**
   * The request field at fault, e.g. `text`, `attachments[1].data`, `vendorOptions.gameboost`,
   * `orderId`, `cursor`.
   */
  readonly field: string;
  /** Why it is invalid. */
  readonly reason: ValidationReason;
  /** The limit that was crossed, where there is one (a length, a count, bytes). */
  readonly limit: number | undefined;
  /** The value measured against `limit`. */
  readonly actual: number | undefined;

  constructor(message: string, options: ValidationErrorOptions) {
    super('validation', message, options);
    this.field = options.field;
    this.reason = options.reason;
    this.limit = options.limit;
    this.actual = options.actual;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    json.field = this.field;
    json.reason = this.reason;
    if (this.limit !== undefined) json.limit = this.limit;
    if (this.actual !== undefined) json.actual = this.actual;
    return json;
  }
}

/** The credential is missing, invalid, expired or revoked (HTTP 401). */
export class AuthenticationError extends OrderMessagingError {
  static override readonly errorKind = 'authentication' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('authentication', message, options);
  }
}

/** The credential is valid but may not do this (HTTP 403, missing API-key permission). */
export class PermissionError extends OrderMessagingError {
  static override readonly errorKind = 'permission' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('permission', message, options);
  }
}

/** The order, ticket or thread does not exist or is not visible to this credential. */
export class NotFoundError extends OrderMessagingError {
  static override readonly errorKind = 'not_found' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('not_found', message, options);
  }
}

/** The order exists but cannot take a message now (GameBoost: not in processing status). */
export class InvalidOrderStateError extends OrderMessagingError {
  static override readonly errorKind = 'invalid_order_state' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('invalid_order_state', message, options);
  }
}

/** Constructor options of {@link RateLimitedError}. */
export interface RateLimitedErrorOptions extends OrderMessagingErrorOptions {
  /** How long the vendor asked to wait (Retry-After or its reset header), when it said. */
  retryAfterMs?: number;
  /** The connection's own rule that was full, when its limiter refused (not the vendor). */
  rule?: string;
}

/** The vendor answered 429, or the connection's own limiter could not grant a slot in time. */
export class RateLimitedError extends OrderMessagingError {
  static override readonly errorKind = 'rate_limited' as const;
  /**
   * How long to wait before trying again: the vendor's `Retry-After` or reset time for a 429, or
   * the wait the local limiter would have needed; `undefined` when neither said.
   */
  readonly retryAfterMs: number | undefined;
  /**
   * The connection's own rule that had no slot in time (`learned` for a limit learned from 429s),
   * when its limiter refused before sending; `undefined` for the vendor's 429.
   */
  readonly rule: string | undefined;
  constructor(message: string, options: RateLimitedErrorOptions = {}) {
    super('rate_limited', message, options);
    this.retryAfterMs = options.retryAfterMs;
    this.rule = options.rule;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.rule !== undefined) json.rule = this.rule;
    return json;
  }
}

/** The vendor failed (5xx), redirected (3xx, never followed) or answered something that is not its documented shape. */
export class VendorServerError extends OrderMessagingError {
  static override readonly errorKind = 'vendor_server' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('vendor_server', message, options);
  }
}

/** The connection failed (DNS, refused, reset). */
export class NetworkError extends OrderMessagingError {
  static override readonly errorKind = 'network' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('network', message, options);
  }
}

/**
 * A per-attempt or total timeout expired, or the caller's signal aborted the call (then, whatever
 * the reason, it is the `cause` and the error is not retryable).
 */
export class TimeoutError extends OrderMessagingError {
  static override readonly errorKind = 'timeout' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('timeout', message, options);
  }
}

/** The vendor (or this adapter) cannot do this at all, e.g. list messages where no list endpoint exists. */
export class UnsupportedOperationError extends OrderMessagingError {
  static override readonly errorKind = 'unsupported' as const;
  constructor(message: string, options: OrderMessagingErrorOptions = {}) {
    super('unsupported', message, options);
  }
}

/**
 * The class that stands for each kind. The type makes a kind without its class (or a class
 * under the wrong kind) a compile error, so cross-copy `instanceof` and `makeError` cover
 * every kind.
 */
export const ERROR_CLASSES = {
  validation: ValidationError,
  authentication: AuthenticationError,
  permission: PermissionError,
  not_found: NotFoundError,
  invalid_order_state: InvalidOrderStateError,
  rate_limited: RateLimitedError,
  vendor_server: VendorServerError,
  network: NetworkError,
  timeout: TimeoutError,
  unsupported: UnsupportedOperationError,
} as const satisfies { readonly [K in ErrorKind]: { readonly errorKind: K } };

for (const builtIn of [OrderMessagingError, ...Object.values(ERROR_CLASSES)]) {
  BUILT_IN_CLASSES.add(builtIn);
}

/**
 * Whether `value` is an {@link OrderMessagingError} of this or any other copy of the package;
 * narrows its type.
 */
export function isOrderMessagingError(value: unknown): value is OrderMessagingError {
  return value instanceof OrderMessagingError;
}
