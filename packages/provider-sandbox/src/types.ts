/**
 * The contract between the sandbox core (routing, validation, faults, rate limits)
 * and the vendor modules in `src/vendors/`. A vendor module owns everything that
 * differs per vendor: credentials, seed data, handlers keyed by `operationId`,
 * error bodies and the headers it adds to every response.
 */

/** A file received in a multipart body. */
export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly bytes: Uint8Array;
}

/** True for a file part of a parsed form body (as opposed to a text field). */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as UploadedFile).bytes instanceof Uint8Array &&
    typeof (value as UploadedFile).filename === 'string'
  );
}

/** One reason a request does not match the vendor's spec. */
export interface ValidationIssue {
  readonly location: 'path' | 'query' | 'header' | 'body';
  /** Dotted field path inside the location (`message`, `thread_input.to.0`); empty for the whole body. */
  readonly field: string;
  /** The JSON Schema keyword that failed (`required`, `maxLength`, `type`...), or `body` / `content-type`. */
  readonly rule: string;
  /** The limit or expected value the rule names (`maxLength` → 10000), when there is one. */
  readonly limit?: unknown;
  /** A neutral English description; vendors word their own messages from `rule`, `field` and `limit`. */
  readonly message: string;
}

/** What a handler or an error formatter answers. */
export interface Reply {
  readonly status: number;
  /** JSON body; `undefined` for no body. */
  readonly body?: unknown;
  /** A non-JSON body (downloads). */
  readonly binary?: { readonly bytes: Uint8Array; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
}

/** The rate-limit window a response counted against, for vendors that advertise it in headers. */
export interface RateLimitSnapshot {
  readonly bucket: string;
  readonly limit: number;
  readonly remaining: number;
  /** When the window resets. */
  readonly resetAt: Date;
}

/**
 * What a vendor module reads from its own spec (the one the sandbox loaded), so the numbers
 * and example data the spec states are never restated by hand.
 */
export interface VendorSpec {
  /** The number the operation states as `x-limits.<key>`; throws when the spec states none. */
  limit(operationId: string, key: string): number;
  /**
   * The value at `path` below the spec's root (`'components', 'examples', 'ThreadExample',
   * 'value'`), `$ref`s followed on the way; throws when nothing is there.
   */
  at(...path: readonly (string | number)[]): unknown;
  /** `at` from an operation's object (`'requestBody', 'content', 'application/json', …`). */
  operationAt(operationId: string, ...path: readonly (string | number)[]): unknown;
}

/** What every reply formatter gets to know about the request it answers. */
export interface ReplyContext {
  readonly vendor: string;
  readonly operationId: string | undefined;
  readonly method: string;
  /** Path below the vendor's mount point, e.g. `/api/inbox/threads`. */
  readonly path: string;
  readonly requestId: string;
  readonly now: Date;
  readonly rateLimit?: RateLimitSnapshot;
}

/** A request that passed auth, rate limits and spec validation. */
export interface HandlerContext extends ReplyContext {
  readonly operationId: string;
  /** Deserialized path parameters (numbers and booleans already converted per the spec). */
  readonly pathParams: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** JSON body, or the multipart/urlencoded form as an object (files as `UploadedFile`). */
  readonly body: unknown;
  readonly mediaType: string | undefined;
  /** Vendor base URL as clients reach it, e.g. `http://127.0.0.1:4010/spp`. */
  readonly baseUrl: string;
  /** Raw query string values, for building pagination links. */
  readonly url: URL;
  /** The vendor's spec as the sandbox loaded it: limits and examples come from here. */
  readonly spec: VendorSpec;
}

/** A message as it was really stored, vendor-neutral, for tests that count lost and duplicated sends. */
export interface StoredMessage {
  /** The vendor that stored it. */
  readonly vendor: string;
  /** The vendor's message id. */
  readonly id: string;
  /** The vendor's order reference: Mirakl order id, SPP order id, Omnidesk ticket id, GameBoost order id. */
  readonly orderId: string;
  /** The Mirakl thread it is in. */
  readonly threadId?: string;
  /** The text as stored. */
  readonly text: string;
  /** When it was stored, on the sandbox clock. */
  readonly createdAt: Date;
  /** Who wrote it. */
  readonly author: {
    /** The author's side, in the vendor's own terms. */
    readonly kind: string;
    /** The author's id, where the vendor has one. */
    readonly id?: string;
    /** The author's name, where the vendor has one. */
    readonly name?: string;
  };
  /** True for a staff-only note (SPP `staff_only`, Omnidesk notes). */
  readonly internal?: boolean;
  /** Its files. */
  readonly attachments?: readonly {
    /** The vendor's file id. */
    readonly id: string;
    /** The file name. */
    readonly name: string;
    /** Its size in bytes. */
    readonly size: number;
  }[];
  /** The vendor's own representation, as the list/read endpoints return it. */
  readonly raw: unknown;
}

export interface VendorErrors {
  unauthorized(ctx: ReplyContext): Reply;
  validation(ctx: ReplyContext, issues: readonly ValidationIssue[]): Reply;
  /** Unknown route, or an unknown id when a handler does not word it itself. */
  notFound(ctx: ReplyContext, message?: string): Reply;
  rateLimited(ctx: ReplyContext, retryAfterSeconds: number): Reply;
  /** Any other status in the vendor's error envelope (faults, 405, 413, 500). */
  generic(ctx: ReplyContext, status: number, message?: string): Reply;
}

/**
 * A vendor client's request body type as a handler receives it. The client types its
 * file fields as the `Blob`s it sends; the sandbox hands over whatever parts arrived
 * under those names, and `isUploadedFile` picks the files.
 */
export type ReceivedBody<Body, FileField extends keyof Body> = Omit<Body, FileField> & {
  readonly [K in FileField]?: readonly unknown[];
};

/** A message a customer writes on an order, injected by a test (`sb.simulate.customerMessage`). */
export interface CustomerMessageInput {
  /** The vendor's order reference, as `StoredMessage.orderId` has it (SPP also takes the number). */
  readonly orderId: string;
  readonly text: string;
  readonly at: Date;
  /** Mirakl: the thread to write in (default: the order's newest thread, or a new one). */
  readonly threadId?: string;
}

/** Bulk orders with messages for load tests (`sb.simulate.populate`). */
export interface PopulateInput {
  readonly orders: number;
  readonly messagesPerOrder: number;
  /** Time of the first message; each next message comes `spacingMs` later. */
  readonly from: Date;
  readonly spacingMs: number;
  /** GameBoost: `account`, `item` or `currency` (default `account`). */
  readonly kind?: string;
  /** The orders' (tickets') status; the vendor's open status by default. */
  readonly status?: string;
}

export type Handler<State> = (ctx: HandlerContext, state: State) => Reply | Promise<Reply>;

export interface VendorModule<State, Credentials extends object, Seed> {
  /** Vendor name; its spec is `specs/<name>.yaml` and its mount point `/<name>` + the spec's server path. */
  readonly name: string;
  /** Fixed sandbox credentials, returned to callers with the base URL. */
  readonly credentials: Credentials;
  /** The secret each security scheme of the spec must carry, by scheme name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The state every start and `reset()` begins with; `spec` supplies limits and example data. */
  seed(now: Date, spec: VendorSpec): State;
  /** The ids a test or a person needs to start with. */
  seedIds(state: State): Seed;
  messages(state: State, orderId?: string): StoredMessage[];
  readonly handlers: Readonly<Record<string, Handler<State>>>;
  readonly errors: VendorErrors;
  /** A ready-to-paste `curl` command against the seeded data, printed by the CLI. */
  example?(baseUrl: string, seed: Seed): string;
  /**
   * Stores a customer's message as the vendor would receive it and moves the order's change
   * times with it; returns the new message's id (`StoredMessage.id`). Throws a `RangeError`
   * for an unknown order.
   */
  customerMessage?(state: State, input: CustomerMessageInput): string;
  /** Adds orders with messages (customer and staff taking turns); returns the new order ids. */
  populate?(state: State, input: PopulateInput): string[];
  /** Headers on every response of this vendor (request ids, rate-limit state). */
  responseHeaders?(ctx: ReplyContext): Record<string, string>;
}

// The registry holds modules of different State types; `any` keeps their own types at definition.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyVendorModule = VendorModule<any, object, unknown>;

/** Keeps a module's own State, Credentials and Seed types when it is declared. */
export function defineVendor<State, Credentials extends object, Seed>(
  module: VendorModule<State, Credentials, Seed>,
): VendorModule<State, Credentials, Seed> {
  return module;
}
