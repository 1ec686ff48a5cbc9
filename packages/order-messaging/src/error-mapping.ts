/**
 * One mapping from HTTP statuses and transport failures to error kinds, shared
 * by every vendor. Adapters only add what is specific to them (GameBoost's 422
 * for an order that is not in processing, Omnidesk's error envelope).
 */
import {
  classifyTransportFailure,
  LocalRateLimitError,
  ResponseTooLargeError,
  retryAfterMsOf,
  scrubSecrets,
  scrubValue,
  TransportError,
  REQUEST_ID_HEADERS,
} from '@org/http-runtime';
import type { ErrorHint, HttpFailure } from './adapter.js';
import { deliveryForStatus, RETRYABLE_STATUSES } from './delivery-rule.js';
import {
  ERROR_CLASSES,
  NetworkError,
  OrderMessagingError,
  RateLimitedError,
  TimeoutError,
  ValidationError,
  VendorServerError,
  type Delivery,
  type ErrorKind,
  type OrderMessagingErrorOptions,
  type ValidationReason,
} from './errors.js';

export interface ErrorScope {
  readonly vendor: string;
  readonly connection: string;
  readonly secrets: readonly string[];
}

export interface MakeErrorOptions extends OrderMessagingErrorOptions {
  retryAfterMs?: number;
  field?: string;
  reason?: ValidationReason;
}

/** Builds the class that stands for `kind`. */
export function makeError(
  kind: ErrorKind,
  message: string,
  options: MakeErrorOptions = {},
): OrderMessagingError {
  const { retryAfterMs, field, reason, ...common } = options;
  switch (kind) {
    case 'validation':
      return new ValidationError(message, {
        ...common,
        field: field ?? 'request',
        reason: reason ?? 'invalid',
      });
    case 'rate_limited':
      return new RateLimitedError(message, {
        ...common,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    default:
      return new ERROR_CLASSES[kind](message, common);
  }
}

export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
    case 410:
      return 'not_found';
    case 405:
    case 501:
      return 'unsupported';
    case 408:
      return 'timeout';
    case 409:
    case 423:
      return 'invalid_order_state';
    case 429:
      return 'rate_limited';
  }
  if (status >= 500) return 'vendor_server';
  return 'validation';
}

/** The vendor's own wording, from the error envelopes these APIs use (`message`, `error`, `errors`). */
export function vendorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text && text.length <= 500 && !text.startsWith('<') ? text : undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'error', 'detail', 'title']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** Laravel-style `errors: { field: [messages] }`: the first field and its first message. */
export function firstFieldError(body: unknown): { field: string; message?: string } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const errors = (body as { errors?: unknown }).errors;
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors)) return undefined;
  for (const [field, value] of Object.entries(errors)) {
    const first = Array.isArray(value) ? value[0] : value;
    return { field, ...(typeof first === 'string' ? { message: first } : {}) };
  }
  return undefined;
}

const isSuccessStatus = (status: number | undefined) =>
  status !== undefined && status >= 200 && status < 300;

function label(scope: ErrorScope): string {
  return scope.connection === scope.vendor ? scope.vendor : `${scope.vendor} (${scope.connection})`;
}

/** Scrubbed: a hostile server may echo the credential it got as its request id. */
function requestIdFrom(
  headers: Headers,
  body: unknown,
  extraHeaders: readonly string[],
  secrets: readonly string[],
): string | undefined {
  for (const name of [...extraHeaders, ...REQUEST_ID_HEADERS]) {
    const value = headers.get(name);
    if (value) return scrubSecrets(value, secrets);
  }
  if (body !== null && typeof body === 'object') {
    const id = (body as { request_id?: unknown }).request_id;
    if (typeof id === 'string' && id) return scrubSecrets(id, secrets);
  }
  return undefined;
}

/** Where a redirect pointed, as far as it is safe to say: the host, never the path or query. */
function redirectTarget(location: string | null): string {
  if (!location) return 'without a Location';
  const placeholder = 'relative.invalid';
  let host: string;
  try {
    host = new URL(location, `http://${placeholder}`).host;
  } catch {
    return 'to an invalid Location';
  }
  return host === placeholder ? 'to another path on the same host' : `to host ${host}`;
}

/**
 * A 3xx. The runtime never follows a redirect (it would re-send the request and its credentials
 * to wherever `Location` points), so the vendor's answer is a redirect the facade cannot use:
 * `vendor_server`, not retryable. The message names the target's host only: the Location's path
 * and query may carry a credential, and its body (often echoing the Location) is dropped. A 3xx
 * does not prove a write was not applied (303 is the usual answer after a POST was processed,
 * and a proxy may answer 301/302/307/308 after forwarding), so a write's delivery is `unknown`;
 * a read delivers nothing and is `rejected`, as for other statuses.
 */
function redirectError(
  failure: HttpFailure,
  scope: ErrorScope,
  requestIdHeaders: readonly string[],
): OrderMessagingError {
  const requestId = requestIdFrom(failure.headers, undefined, requestIdHeaders, scope.secrets);
  const target = redirectTarget(failure.headers.get('location'));
  const details = [`HTTP ${failure.status}`, requestId ? `request id ${requestId}` : undefined]
    .filter(Boolean)
    .join(', ');
  const message = scrubSecrets(
    `${label(scope)}: ${failure.operation} failed: the vendor redirected ${target}; redirects are not followed (${details})`,
    scope.secrets,
  );
  return new VendorServerError(message, {
    vendor: scope.vendor,
    connection: scope.connection,
    status: failure.status,
    ...(requestId === undefined ? {} : { requestId }),
    retryable: false,
    delivery: failure.write ? 'unknown' : 'rejected',
  });
}

export function errorFromHttp(
  failure: HttpFailure,
  scope: ErrorScope,
  hint: ErrorHint | undefined,
  requestIdHeaders: readonly string[] = [],
): OrderMessagingError {
  if (failure.status >= 300 && failure.status < 400) {
    return redirectError(failure, scope, requestIdHeaders);
  }
  const kind = hint?.kind ?? kindForStatus(failure.status);
  const body = scrubValue(failure.body, scope.secrets);
  const requestId = requestIdFrom(failure.headers, body, requestIdHeaders, scope.secrets);
  const vendorText = hint?.message ?? vendorMessage(body);
  const fieldError = kind === 'validation' ? firstFieldError(body) : undefined;
  const details = [`HTTP ${failure.status}`, requestId ? `request id ${requestId}` : undefined]
    .filter(Boolean)
    .join(', ');
  const message = scrubSecrets(
    `${label(scope)}: ${failure.operation} failed: ${vendorText ?? defaultText(kind)} (${details})`,
    scope.secrets,
  );
  const response = new Response(null, { status: 204, headers: failure.headers });
  const retryAfterMs = kind === 'rate_limited' ? retryAfterMsOf(response) : undefined;
  return makeError(kind, message, {
    vendor: scope.vendor,
    connection: scope.connection,
    status: failure.status,
    ...(requestId === undefined ? {} : { requestId }),
    retryable: hint?.retryable ?? RETRYABLE_STATUSES.has(failure.status),
    delivery: hint?.delivery ?? deliveryForStatus(failure.status, failure.write),
    body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    field: hint?.field ?? fieldError?.field ?? 'request',
    reason: failure.status === 413 ? 'too_large' : 'invalid',
  });
}

function defaultText(kind: ErrorKind): string {
  switch (kind) {
    case 'authentication':
      return 'the credential was refused';
    case 'permission':
      return 'the credential may not do this';
    case 'not_found':
      return 'not found';
    case 'invalid_order_state':
      return 'the order cannot take this message in its current state';
    case 'rate_limited':
      return 'rate limited';
    case 'vendor_server':
      return 'vendor server error';
    case 'unsupported':
      return 'not supported by the vendor';
    case 'timeout':
      return 'the vendor timed out reading the request';
    default:
      return 'the vendor rejected the request';
  }
}

export interface ExceptionContext {
  readonly operation: string;
  readonly write: boolean;
  /** Whether at least one attempt of this call reached the network layer. */
  readonly attempted: boolean;
  /** The caller's signal: once it has aborted, whatever the call threw stands for that abort. */
  readonly signal?: AbortSignal | undefined;
  /** Whether any write of the whole operation (not only this request) had started. */
  readonly writeStarted?: boolean;
}

/** A short, scrubbed stand-in for a low-level cause, safe to print. */
function safeCause(error: unknown, secrets: readonly string[]): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const copy = new Error(
    scrubSecrets(error.message.replace(/\?[^\s"']*/g, '?[REDACTED]'), secrets),
  );
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

function isAbort(error: unknown): boolean {
  return (
    (error instanceof DOMException || error instanceof Error) &&
    (error.name === 'AbortError' || error.name === 'TimeoutError')
  );
}

/** Whether `error` is what the caller's abort of `signal` threw: its reason, or an AbortError. */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (!signal?.aborted || error instanceof OrderMessagingError) return false;
  return error === signal.reason || isAbort(error);
}

/**
 * The caller aborted the call, with any reason (`abort()`, a string, an Error): a TimeoutError
 * that is not retryable and keeps the reason as `cause`. Nothing left unless a write had started;
 * after that, a post may have been stored.
 */
export function abortError(
  reason: unknown,
  scope: ErrorScope,
  context: { readonly operation: string; readonly writeStarted: boolean },
): OrderMessagingError {
  return new TimeoutError(
    `${label(scope)}: ${context.operation} failed: the call was aborted by the caller`,
    {
      vendor: scope.vendor,
      connection: scope.connection,
      retryable: false,
      delivery: context.writeStarted ? 'unknown' : 'not_sent',
      cause: reason,
    },
  );
}

/**
 * Maps anything a client call threw. Errors that are not network failures (bugs, invalid
 * arguments) are returned untouched so they reach the caller as they are; anything thrown once
 * the caller's signal aborted is that abort.
 */
export function errorFromException(
  error: unknown,
  scope: ErrorScope,
  context: ExceptionContext,
): unknown {
  if (isCallerAbort(error, context.signal)) {
    return abortError(error, scope, {
      operation: context.operation,
      writeStarted: context.writeStarted ?? (context.write && context.attempted),
    });
  }
  if (error instanceof OrderMessagingError) return error;
  const base = { vendor: scope.vendor, connection: scope.connection };
  const where = `${label(scope)}: ${context.operation} failed`;
  const ambiguous: Delivery = context.write ? 'unknown' : 'not_sent';

  if (error instanceof LocalRateLimitError) {
    return new RateLimitedError(scrubSecrets(`${where}: ${error.message}`, scope.secrets), {
      ...base,
      retryable: true,
      delivery: 'not_sent',
      retryAfterMs: error.retryAfterMs,
      ...(error.source === 'server' ? {} : { rule: error.rule }),
    });
  }
  if (error instanceof ResponseTooLargeError) {
    // The vendor answered (so a write reached it) with more than any documented answer holds.
    return new VendorServerError(scrubSecrets(`${where}: ${error.message}`, scope.secrets), {
      ...base,
      status: error.status,
      retryable: false,
      delivery: context.write ? 'unknown' : 'rejected',
    });
  }
  if (error instanceof TransportError) {
    const delivery: Delivery = error.mayHaveBeenDelivered ? ambiguous : 'not_sent';
    const message = scrubSecrets(`${where}: ${error.message}`, scope.secrets);
    // A write whose 2xx answer broke off was taken by the vendor: sending it again is a duplicate.
    const accepted = context.write && isSuccessStatus(error.responseStatus);
    const options = {
      ...base,
      retryable: !accepted,
      delivery,
      cause: safeCause(error, scope.secrets),
    };
    return error.phase === 'timeout' || error.phase === 'aborted'
      ? new TimeoutError(message, options)
      : new NetworkError(message, options);
  }
  if (isAbort(error)) {
    const delivery: Delivery = context.attempted ? ambiguous : 'not_sent';
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'was aborted';
    return new TimeoutError(scrubSecrets(`${where}: the call ${reason}`, scope.secrets), {
      ...base,
      retryable: true,
      delivery,
      cause: safeCause(error, scope.secrets),
    });
  }
  const transport = classifyTransportFailure(error);
  if (transport) {
    const delivery: Delivery = transport.phase === 'connect' ? 'not_sent' : ambiguous;
    const code = transport.code ? ` (${transport.code})` : '';
    return new NetworkError(
      scrubSecrets(
        `${where}: ${transport.phase === 'connect' ? 'could not connect' : 'the connection failed'}${code}`,
        scope.secrets,
      ),
      { ...base, retryable: true, delivery, cause: safeCause(error, scope.secrets) },
    );
  }
  if (error instanceof SyntaxError) {
    // The vendor answered 2xx with a body that is not JSON: for a post, it may well have stored the message.
    return new VendorServerError(
      scrubSecrets(`${where}: the vendor's answer is not valid JSON`, scope.secrets),
      {
        ...base,
        retryable: false,
        delivery: context.write ? 'unknown' : 'rejected',
        cause: safeCause(error, scope.secrets),
      },
    );
  }
  return error;
}
