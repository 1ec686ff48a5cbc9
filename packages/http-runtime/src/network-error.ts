import { describeUrl, scrubSecrets, stripUrlQueries } from './redact.js';

/**
 * Where a request failed on the wire:
 * - `connect`: no connection was made (refused, DNS, connect timeout, TLS rejected); nothing was sent.
 * - `sent`: the connection broke after the request started going out (reset, closed, bad response),
 *   or while the response body was arriving (`responseStatus` set).
 * - `timeout`: no complete response (headers and body) within the attempt timeout or the overall
 *   deadline; or the deadline had passed before the request could go (`mayHaveBeenDelivered` false).
 * - `aborted`: the attempt was aborted by a signal that was neither the caller's nor a timeout.
 */
export type TransportPhase = 'connect' | 'sent' | 'timeout' | 'aborted';

/** Failures raised before the request was written, worth another attempt. */
export const TRANSIENT_CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The TLS handshake failed, so nothing was sent; retrying will not change a certificate. */
export const TLS_REJECTION_CODES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Failures after the connection was up: the server may have read, even processed, the request. */
export const AMBIGUOUS_TRANSPORT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
]);

/** What {@link classifyTransportFailure} found out about a network failure. */
export interface TransportFailure {
  /**
   * `connect`: no connection was made, so nothing was sent; `sent`: the request may have reached
   * the server.
   */
  readonly phase: 'connect' | 'sent';
  /** The most specific system or undici code found on the error or its causes. */
  readonly code: string | undefined;
  /** Whether another attempt can succeed without anyone changing anything (refused, DNS, connect timeout). */
  readonly transient: boolean;
}

interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  cause?: unknown;
  errors?: unknown;
  name?: unknown;
  message?: unknown;
}

interface FoundCode {
  readonly code: string;
  readonly syscall: string | undefined;
}

function collectCodes(error: unknown, out: FoundCode[], depth: number): void {
  if (depth > 5 || error === null || typeof error !== 'object') return;
  const e = error as ErrorLike;
  if (typeof e.code === 'string') {
    out.push({ code: e.code, syscall: typeof e.syscall === 'string' ? e.syscall : undefined });
  }
  // Happy-eyeballs connects report one failure per address in an AggregateError.
  if (Array.isArray(e.errors)) for (const inner of e.errors) collectCodes(inner, out, depth + 1);
  collectCodes(e.cause, out, depth + 1);
}

/** The most specific system or undici code on an error or its causes, if any. */
export function deepestCode(error: unknown): string | undefined {
  const found: FoundCode[] = [];
  collectCodes(error, found, 0);
  return found.at(-1)?.code;
}

const connectPhase = ({ code, syscall }: FoundCode): boolean =>
  TRANSIENT_CONNECT_CODES.has(code) ||
  TLS_REJECTION_CODES.has(code) ||
  (syscall === 'connect' && (code === 'ETIMEDOUT' || code === 'ECONNRESET'));

const transientConnect = ({ code, syscall }: FoundCode): boolean =>
  TRANSIENT_CONNECT_CODES.has(code) || (syscall === 'connect' && code === 'ETIMEDOUT');

const knownTransportCode = (found: FoundCode): boolean =>
  connectPhase(found) || AMBIGUOUS_TRANSPORT_CODES.has(found.code) || found.code.startsWith('HPE_');

/** undici refuses these before opening any connection (fetch spec "bad port", non-HTTP schemes). */
const REFUSED_BEFORE_CONNECT = /^(bad port|URL scheme must be a HTTP\(S\) scheme|unknown scheme)$/i;

function refusedBeforeConnect(error: unknown): boolean {
  const cause = (error as ErrorLike | null)?.cause as ErrorLike | undefined;
  return typeof cause?.message === 'string' && REFUSED_BEFORE_CONNECT.test(cause.message);
}

/** undici says "fetch failed"; browsers and other runtimes word their network TypeError differently. */
const NETWORK_TYPE_ERROR = /fetch failed|failed to fetch|networkerror|network error|load failed/i;

/**
 * Tells a network failure from any other exception a fetch can throw, and whether the
 * request can have reached the server. Returns undefined for errors that are not network
 * failures (an invalid URL, a bug in a custom fetch): those must reach the caller untouched.
 */
export function classifyTransportFailure(error: unknown): TransportFailure | undefined {
  const found: FoundCode[] = [];
  collectCodes(error, found, 0);
  const known = found.filter(knownTransportCode);
  const isNetworkTypeError =
    error instanceof TypeError &&
    typeof error.message === 'string' &&
    NETWORK_TYPE_ERROR.test(error.message);
  if (known.length === 0 && !isNetworkTypeError) return undefined;
  if (known.length === 0 && refusedBeforeConnect(error))
    return { phase: 'connect', code: undefined, transient: false };
  const deepest = known.at(-1) ?? found.at(-1);
  // Only when every code on the chain says "not connected" is the request provably unsent.
  if (known.length > 0 && known.every(connectPhase)) {
    return { phase: 'connect', code: deepest?.code, transient: known.every(transientConnect) };
  }
  return { phase: 'sent', code: deepest?.code, transient: false };
}

const secretsOf = new WeakMap<TransportError, readonly string[]>();

export interface TransportErrorInit {
  readonly phase: TransportPhase;
  readonly method: string;
  /** The request URL; only its origin and path are kept. */
  readonly url: string;
  readonly code?: string | undefined;
  readonly attempts: number;
  readonly timeoutMs?: number | undefined;
  /** The status of a response whose body failed: the server answered, so the request arrived. */
  readonly responseStatus?: number | undefined;
  /** False when the call's deadline passed before this attempt could send anything. */
  readonly requestSent?: boolean;
  readonly vendor?: string | undefined;
  readonly connection?: string | undefined;
  readonly cause?: unknown;
  /** Strings scrubbed from the message and from the cause when inspected. */
  readonly secrets?: readonly string[];
}

function explain(init: TransportErrorInit): string {
  const code = init.code ? ` (${init.code})` : '';
  if (init.requestSent === false)
    return 'the deadline passed before the request was sent; it was not sent';
  if (init.responseStatus !== undefined) {
    const response = `the response (HTTP ${init.responseStatus})`;
    return init.phase === 'timeout'
      ? `${response} did not arrive in full within ${init.timeoutMs ?? '?'} ms; the request was delivered`
      : `${response} broke off${code}; the request was delivered`;
  }
  switch (init.phase) {
    case 'connect':
      return `could not connect${code}; the request was not sent`;
    case 'sent':
      return `the connection failed after the request was sent${code}; it may have been delivered`;
    case 'timeout':
      return `no response within ${init.timeoutMs ?? '?'} ms; the request may have been delivered`;
    case 'aborted':
      return `the request was aborted${code}; it may have been delivered`;
  }
}

/**
 * A request that got no HTTP response. `mayHaveBeenDelivered` is false only when the
 * failure happened before any byte was written, which is what a caller needs to decide
 * between resending a message and reconciling (listing what the vendor actually has).
 */
export class TransportError extends Error {
  /** Always `'TransportError'`. */
  override readonly name = 'TransportError';
  /** Where the request failed; see {@link TransportPhase}. */
  readonly phase: TransportPhase;
  /**
   * False only when no byte of the request was written (`connect` phase, or a deadline that passed
   * before sending): then resending cannot duplicate. True means a write may have been applied:
   * reconcile before sending again.
   */
  readonly mayHaveBeenDelivered: boolean;
  /**
   * The most specific system or undici error code found on the cause chain (`ECONNRESET`,
   * `UND_ERR_SOCKET`…), when there is one.
   */
  readonly code: string | undefined;
  /** The request method. */
  readonly method: string;
  /** Origin and path only. */
  readonly url: string;
  /** Attempts made, this one included. */
  readonly attempts: number;
  /** Set when the failure came while reading the body of a response with this status. */
  readonly responseStatus: number | undefined;
  /** The vendor label given to the fetch (`spp`…), for logs and messages. */
  readonly vendor: string | undefined;
  /** The connection label given to the fetch, for logs and messages. */
  readonly connection: string | undefined;

  constructor(init: TransportErrorInit) {
    const secrets = init.secrets ?? [];
    const url = describeUrl(init.url, secrets);
    const label = [init.vendor, init.connection].filter(Boolean).join('/');
    const message = scrubSecrets(
      `${label ? `${label}: ` : ''}${init.method} ${url}: ${explain(init)}`,
      secrets,
    );
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.phase = init.phase;
    this.mayHaveBeenDelivered = init.phase !== 'connect' && init.requestSent !== false;
    this.code = init.code;
    this.method = init.method;
    this.url = url;
    this.attempts = init.attempts;
    this.responseStatus = init.responseStatus;
    this.vendor = init.vendor;
    this.connection = init.connection;
    secretsOf.set(this, secrets);
  }

  /**
   * The error's fields and message as plain data (no cause, no stack): safe to log, secrets are not
   * in it.
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      phase: this.phase,
      mayHaveBeenDelivered: this.mayHaveBeenDelivered,
      code: this.code,
      method: this.method,
      url: this.url,
      attempts: this.attempts,
      responseStatus: this.responseStatus,
      vendor: this.vendor,
      connection: this.connection,
    };
  }

  /**
   * util.inspect would print the cause verbatim, and a custom fetch may have put the full
   * URL (query included) in it; show a scrubbed summary of the cause instead.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const secrets = secretsOf.get(this) ?? [];
    const causes: string[] = [];
    for (
      let cause = this.cause as ErrorLike | undefined, depth = 0;
      cause != null && depth < 4;
      depth++
    ) {
      const text =
        typeof cause === 'object'
          ? `${String(cause.name ?? 'Error')}: ${String(cause.message ?? '')}`
          : String(cause);
      const code =
        typeof cause === 'object' && typeof cause.code === 'string' ? ` [${cause.code}]` : '';
      causes.push(`\n  [cause]: ${scrubSecrets(stripUrlQueries(text), secrets)}${code}`);
      cause = typeof cause === 'object' ? (cause.cause as ErrorLike | undefined) : undefined;
    }
    const causeText = causes.join('');
    const fields = JSON.stringify({
      phase: this.phase,
      mayHaveBeenDelivered: this.mayHaveBeenDelivered,
      code: this.code,
      attempts: this.attempts,
    });
    return `${scrubSecrets(stripUrlQueries(this.stack ?? `${this.name}: ${this.message}`), secrets)}\n  ${fields}${causeText}`;
  }
}
