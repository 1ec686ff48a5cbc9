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

export type FetchFunction = (request: Request) => Promise<Response>;

/** Retry settings a caller may override; `false` sends every request once. */
export type RetrySettings =
  Partial<Pick<RetryOptions, 'maxRetries' | 'initialDelayMs' | 'maxDelayMs'>> | false;

/**
 * How calls behave: shared by all connections (`createOrderMessaging` options), overridable per
 * connection (`{ adapter, ...settings }`) and, except `fetch` and `logger`, per call.
 */
export interface RuntimeSettings {
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
  data?: T;
  error?: unknown;
  response: Response;
}

export interface CallOptions {
  /** True for requests that store something (a message post): decides `delivery` on ambiguous failures. */
  write?: boolean;
}

/** A normalized problem with a request, found before anything was sent. */
export interface RequestIssue {
  field: string;
  reason: ValidationReason;
  message: string;
  limit?: number;
  actual?: number;
}

/** The vendor's answer to a failed call, as the shared mapping sees it. */
export interface HttpFailure {
  readonly vendor: string;
  readonly operation: string;
  readonly write: boolean;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body, or the text when it is not JSON (secrets not yet scrubbed). */
  readonly body: unknown;
}

/** How an adapter refines the shared status mapping for one failure. */
export interface ErrorHint {
  kind?: ErrorKind;
  message?: string;
  retryable?: boolean;
  delivery?: Delivery;
  /** For vendor validation errors: the request field the vendor blamed. */
  field?: string;
}

export interface AdapterContext<Client> {
  /**
   * The typed client bound to this facade call: every request it makes goes through the
   * connection's limiter with this call's retries, timeouts, deadline and the caller's signal.
   */
  readonly client: Client;
  readonly connection: string;
  readonly vendor: VendorName;
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
  readonly request: SendRequest<Options>;
  /** When the first attempt started (local clock). */
  readonly since: Date;
  /** Messages that carry an earlier date than this cannot be the one sent (local clock minus skew allowance). */
  readonly notBefore: Date;
}

/**
 * `Options`: the adapter's vendor options, keyed by its vendor name (`{ mirakl?: {...} }`); a
 * connection of this adapter accepts no other key.
 */
export interface OrderMessagingAdapterV1<
  Client = unknown,
  Raw = unknown,
  Options extends object = VendorOptions,
> {
  readonly specificationVersion: 'v1';
  readonly vendor: VendorName;
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
  send(request: SendRequest<Options>, ctx: AdapterContext<Client>): Promise<OrderMessage<Raw>>;
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

export interface AttachmentStream {
  filename?: string;
  contentType?: string;
  /** The size the vendor announced (Content-Length), checked before reading. */
  declaredBytes?: number;
  body: ReadableStream<Uint8Array> | null;
}

/** Any adapter, whatever its client and raw types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = OrderMessagingAdapterV1<any, any, any>;

export type ClientOf<A> = A extends OrderMessagingAdapterV1<infer C, any, any> ? C : never;
export type RawOf<A> = A extends OrderMessagingAdapterV1<any, infer R, any> ? R : never;
/** The vendor options a connection of adapter `A` accepts. */
export type VendorOptionsOf<A> =
  A extends OrderMessagingAdapterV1<any, any, infer O> ? O : VendorOptions;

export const ADAPTER_SPECIFICATION_VERSIONS: readonly string[] = ['v1'];
