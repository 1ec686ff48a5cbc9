/**
 * The versioned contract between the facade and one vendor. An adapter turns a
 * normalized request into calls of the vendor's typed client and the vendor's
 * answers into normalized messages; it owns nothing else: HTTP, auth and
 * retries belong to the client and the shared runtime, limits are declared here
 * as data and enforced by the runtime's limiter.
 *
 * A new vendor is one file implementing `OrderMessagingAdapterV1` plus one
 * subpath export. Breaking changes to this interface get a new
 * `specificationVersion`; the facade rejects versions it does not know.
 */
import type { Logger, RateLimiter, RateLimitRuleSpec, RetryOptions } from '@org/http-runtime';
import type { RequestHooks } from './hooks.js';
import type { Delivery, ErrorKind, OrderMessagingError, ValidationReason } from './errors.js';
import type { ChangedOrder, ChangesRequest } from './sync/types.js';
import type {
  Capabilities,
  OrderMessage,
  OrderRef,
  SendRequest,
  VendorName,
  VendorOptions,
} from './model.js';

/**
 * A `fetch` taking a `Request`: what the `fetch` setting replaces `globalThis.fetch` with, and what
 * a client built on the facade's transport calls.
 */
export type FetchFunction = (request: Request) => Promise<Response>;

/** Retry settings a caller may override; `false` sends every request once. */
export type RetrySettings =
  Partial<Pick<RetryOptions, 'maxRetries' | 'initialDelayMs' | 'maxDelayMs'>> | false;

/**
 * How calls behave: shared by all connections (`createOrderMessaging` options), overridable per
 * connection (`{ adapter, ...settings }`) and, except `fetch` and `logger`, per call.
 */
export interface RuntimeSettings {
  /**
   * Retries of failed attempts (default: 2 retries, 500 ms doubling up to 8 s, with jitter); only
   * what cannot duplicate a message is retried. `false` sends every request once.
   */
  retry?: RetrySettings;
  /** Per-attempt timeout, until the response body has been read (default 30 s). */
  timeoutMs?: number;
  /**
   * Deadline for a whole facade call: every request and response body, retries, rate-limit
   * waits and a send's reconciliation (settle delay, listing, resend) included (default 120 s).
   */
  totalTimeoutMs?: number;
  /**
   * Most bytes of one response body read (decompressed) before the call fails (default 8 MiB,
   * above the largest documented answer). Attachment downloads read up to their `maxBytes`.
   */
  maxResponseBytes?: number;
  /**
   * Longest wait for a free rate-limit slot before failing with `RateLimitedError` (nothing sent).
   * Default: none of its own; a call waits as long as its `totalTimeoutMs` allows.
   */
  maxRateLimitWaitMs?: number;
  /**
   * Longest a server's wait (a 429's `Retry-After`, a spent quota's reset time) holds the
   * connection's other calls; longer waits hold it this long. Default 60 s.
   */
  maxServerHoldMs?: number;
  /**
   * Where requests, retries and waits are logged (default: nowhere); every line is scrubbed of the
   * connection's secrets first.
   */
  logger?: Logger;
  /** Replaces `globalThis.fetch` (tests, proxies). */
  fetch?: FetchFunction;
  /**
   * Told of every HTTP attempt (facade calls and the raw client): for tracing and metrics. A
   * connection's own hooks replace the facade's.
   */
  hooks?: RequestHooks;
}

/** A connection's own settings, beside its adapter. */
export interface ConnectionSettings extends RuntimeSettings {
  /**
   * Replaces the adapter's declared rate limits for this connection (e.g. a plan with higher
   * quotas, or a sandbox); `false` drops the declared limits: 429 answers still hold later calls,
   * and the limiter learns a limit from them (see the README, "Rate limits").
   */
  rateLimits?: Readonly<Record<string, RateLimitRuleSpec>> | false;
  /**
   * Replaces the connection's own limiter (which `rateLimits` configures): for an account whose
   * budget several processes share, e.g. `@org/order-messaging-queue`'s `createAccountRateLimiter`,
   * kept in Redis. It then enforces every limit of the connection, declared ones included.
   */
  rateLimiter?: RateLimiter;
}

/** Options every built-in adapter factory accepts besides its vendor's credentials. */
export interface ConnectionOptions {
  /** Full base URL; tenant vendors also accept their tenant name instead. */
  baseUrl?: string;
  /** Allows a plain-http, non-loopback base URL (credentials would travel in clear text). */
  allowInsecureHttp?: boolean;
  /** Extra headers on every request of this connection. */
  headers?: Record<string, string>;
  /** Appended to the client's User-Agent. */
  userAgent?: string;
}

/** What the facade hands an adapter to build its typed client with. */
export interface ClientTransport {
  /** The connection's resilient fetch (limiter, retries, timeouts), wrapping the user's fetch. */
  fetch: FetchFunction;
}

/** The outcome of an openapi-fetch call. */
export interface ClientResult<T> {
  /** The parsed body of a 2xx answer. */
  data?: T;
  /** The parsed body of an error answer. */
  error?: unknown;
  /** The HTTP response. */
  response: Response;
}

/** Options of one `ctx.call`. */
export interface CallOptions {
  /** True for requests that store something (a message post): decides `delivery` on ambiguous failures. */
  write?: boolean;
}

/** A normalized problem with a request, found before anything was sent. */
export interface RequestIssue {
  /** The request field at fault (`orderId`, `vendorOptions.gameboost.orderKind`…). */
  field: string;
  /** Why it is invalid. */
  reason: ValidationReason;
  /** A message for the `ValidationError`, without secrets. */
  message: string;
  /** The limit crossed, where there is one. */
  limit?: number;
  /** The measured value. */
  actual?: number;
}

/** The vendor's answer to a failed call, as the shared mapping sees it. */
export interface HttpFailure {
  /** The adapter's vendor. */
  readonly vendor: string;
  /** The operation name the adapter gave `ctx.call` (`send message`, `list threads`…). */
  readonly operation: string;
  /** Whether the call stores something (`CallOptions.write`). */
  readonly write: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** Parsed JSON body, or the text when it is not JSON (secrets not yet scrubbed). */
  readonly body: unknown;
}

/** How an adapter refines the shared status mapping for one failure. */
export interface ErrorHint {
  /** The error class to raise instead of the status's default. */
  kind?: ErrorKind;
  /** The message, instead of the vendor's. */
  message?: string;
  /** Whether the same call may succeed later unchanged. */
  retryable?: boolean;
  /** What is known about the message, instead of the status's default. */
  delivery?: Delivery;
  /** For vendor validation errors: the request field the vendor blamed. */
  field?: string;
}

/**
 * What an adapter's operations get from the facade for one call: the typed client bound to the
 * call, names for errors and logs, the caller's signal and deadline, and `call`/`unexpected` to
 * turn answers into typed errors.
 */
export interface AdapterContext<Client> {
  /**
   * The typed client bound to this facade call: every request it makes goes through the
   * connection's limiter with this call's retries, timeouts, deadline and the caller's signal.
   */
  readonly client: Client;
  /** The connection name. */
  readonly connection: string;
  /** The adapter's vendor. */
  readonly vendor: VendorName;
  /** The connection's logger, scrubbed of its secrets. */
  readonly logger: Logger;
  /** The caller's signal, for waits of the adapter's own (requests already carry it). */
  readonly signal: AbortSignal | undefined;
  /**
   * When the facade call's `totalTimeoutMs` runs out (`Date.now()` clock): requests already stop
   * there; waits of the adapter's own should too. Undefined: no deadline.
   */
  readonly deadline?: number;
  /**
   * Runs one client call and returns its data, or throws the mapped `OrderMessagingError`
   * (HTTP errors through the shared status mapping and the adapter's `mapError`, transport
   * failures through the runtime's classification).
   */
  call<T>(
    operation: string,
    run: () => Promise<ClientResult<T>>,
    options?: CallOptions,
  ): Promise<{ data: T; response: Response }>;
  /** An error for a 2xx answer that does not have the documented shape. */
  unexpected(
    operation: string,
    detail: string,
    body: unknown,
    options?: CallOptions,
  ): OrderMessagingError;
  /** State shared by every attempt (and reconciliation) of one send, e.g. a pre-send snapshot. */
  readonly sendState: Map<string, unknown>;
}

/** What `findSent` looks for after an ambiguous send. */
export interface SentProbe<Options extends object = VendorOptions> {
  /** The request whose send was ambiguous. */
  readonly request: SendRequest<Options>;
  /** When the first attempt started (local clock). */
  readonly since: Date;
  /** Messages that carry an earlier date than this cannot be the one sent (local clock minus skew allowance). */
  readonly notBefore: Date;
}

/**
 * The contract between the facade and one vendor (`specificationVersion: 'v1'`). Write one with
 * `defineAdapter` from `@org/order-messaging/adapter-kit`, which fills in the version, default rate
 * limits and `findSent`.
 *
 * `Options`: the adapter's vendor options, keyed by its vendor name (`{ mirakl?: {...} }`); a
 * connection of this adapter accepts no other key.
 */
export interface OrderMessagingAdapterV1<
  Client = unknown,
  Raw = unknown,
  Options extends object = VendorOptions,
> {
  /**
   * The contract version; the facade refuses versions it does not know
   * (`ADAPTER_SPECIFICATION_VERSIONS`).
   */
  readonly specificationVersion: 'v1';
  /** The vendor's name; the same as `capabilities.vendor`. */
  readonly vendor: VendorName;
  /** What the vendor can do; validation, the CLI and the capability table read it. */
  readonly capabilities: Capabilities;
  /** Proactive limits per connection (per credential), enforced by the runtime's limiter. */
  readonly rateLimits: Readonly<Record<string, RateLimitRuleSpec>>;
  /** Response headers that carry the vendor's id of a request (quoted in errors and logs). */
  readonly requestIdHeaders?: readonly string[];
  /**
   * Builds the typed vendor client on the facade's transport. An openapi-fetch client is built
   * once per connection and bound to each call (its requests get the call's fetch and signal);
   * any other client is built once per call on that call's transport.
   */
  createClient(transport: ClientTransport): Client;
  /** The credentials this connection sends, for scrubbing; never enumerable or printed. */
  secrets(): readonly string[];
  /** Vendor-specific checks of a reference or request (id formats, order kinds, channel names). */
  validate?(
    request: OrderRef<Options> | SendRequest<Options>,
    operation: 'send' | 'list',
  ): RequestIssue[];
  /**
   * Sends one validated request and returns the message as the vendor stored it. Throw through
   * `ctx.call` (with `write: true` for the post) so failures get the right `delivery`.
   */
  send(request: SendRequest<Options>, ctx: AdapterContext<Client>): Promise<OrderMessage<Raw>>;
  /** Every message of the order, fetching pages lazily. */
  list(ref: OrderRef<Options>, ctx: AdapterContext<Client>): AsyncIterable<OrderMessage<Raw>>;
  /**
   * After an ambiguous send: the message if the vendor has it, `undefined` if it clearly does not.
   * Throws when it cannot tell (the listing failed). Absent when the vendor cannot list.
   */
  findSent?(
    probe: SentProbe<Options>,
    ctx: AdapterContext<Client>,
  ): Promise<OrderMessage<Raw> | undefined>;
  /** Vendor specifics on top of the shared HTTP status mapping. */
  mapError?(failure: HttpFailure): ErrorHint | undefined;
  /**
   * Opens an attachment's bytes as a stream; the facade reads it within the caller's `maxBytes`.
   * Present when `capabilities.attachmentDownload` is true.
   */
  downloadAttachment?(attachmentId: string, ctx: AdapterContext<Client>): Promise<AttachmentStream>;
  /**
   * For `sync`, `auditSync` and `inbox` (with `capabilities.sync.mode` other than `'none'`): the
   * orders with a message created or edited at or after `request.since`, one array per vendor
   * page (the engine checkpoints between pages). Listing more than changed is harmless; listing
   * less loses messages. The engine owns watermarks, overlap, de-duplication and cursors.
   */
  changedOrders?(
    request: ChangesRequest,
    ctx: AdapterContext<Client>,
  ): AsyncIterable<readonly ChangedOrder<Raw>[]>;
}

/**
 * An attachment opened by `downloadAttachment`: its bytes as a stream, and what the vendor said
 * about them.
 */
export interface AttachmentStream {
  /** The file name the vendor announced. */
  filename?: string;
  /** The media type the vendor announced. */
  contentType?: string;
  /** The size the vendor announced (Content-Length), checked before reading. */
  declaredBytes?: number;
  /** The bytes; `null` for an empty body. */
  body: ReadableStream<Uint8Array> | null;
}

/** Any adapter, whatever its client and raw types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = OrderMessagingAdapterV1<any, any, any>;

/** The typed client of adapter `A` (what `raw(connection)` returns). */
export type ClientOf<A> = A extends OrderMessagingAdapterV1<infer C, any, any> ? C : never;
/** The vendor's own message type of adapter `A` (an `OrderMessage`'s `raw`). */
export type RawOf<A> = A extends OrderMessagingAdapterV1<any, infer R, any> ? R : never;
/** The vendor options a connection of adapter `A` accepts. */
export type VendorOptionsOf<A> =
  A extends OrderMessagingAdapterV1<any, any, infer O> ? O : VendorOptions;

/** The adapter contract versions this version of the facade accepts. */
export const ADAPTER_SPECIFICATION_VERSIONS: readonly string[] = ['v1'];
