import createClient, {
  mergeHeaders,
  type Client,
  type ClientOptions,
  type Middleware,
} from 'openapi-fetch';
import type { AuthPlacement } from './auth.js';
import {
  assertHeaders,
  assertHeaderValue,
  assertSafeBaseUrl,
  ConfigurationError,
} from './base-url.js';
import { encodeMultipart, hasBlob } from './multipart.js';
import { safePathSerializer } from './path-params.js';
import { ReplayableRequest } from './replayable-body.js';

/** One operation of a vendor spec, as `pnpm generate` writes it to `src/generated/operations.ts`. */
export interface OperationInfo {
  /** The spec's `operationId`, e.g. `createOrderMessage`. */
  readonly operationId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The spec's path template, e.g. `/api/order_messages/{order}`. */
  readonly path: string;
  /** Request media types the spec declares, in spec order. */
  readonly requestMediaTypes: readonly string[];
  /** Multipart properties that go out as `application/json` parts. */
  readonly jsonParts: readonly string[];
  /** Wire names of multipart parts that differ from the property (`x-multipart-part-name`). */
  readonly partNames?: Readonly<Record<string, string>>;
  /** The operation's `x-limits`: documented numbers a schema cannot express. */
  readonly limits?: Readonly<Record<string, number>>;
  /** Keys of `limits` the vendor does not document for this operation (`x-limits-inferred`). */
  readonly inferredLimits?: readonly string[];
  /** The operation's `x-rate-limit`, by bucket name. */
  readonly rateLimits?: Readonly<Record<string, SpecRateLimit>>;
  /** Numeric schema constraints of the request (`minLength`, `maxItems`, `maximum`...). */
  readonly request?: {
    /** Body fields by dotted path (`message_input.body`; array items end in `[]`). */
    readonly fields?: Readonly<Record<string, FieldConstraints>>;
    /** Parameters by location (`path`, `query`, `header`, `cookie`), then name. */
    readonly params?: Readonly<Record<string, Readonly<Record<string, FieldConstraints>>>>;
  };
}

/** One bucket of an operation's `x-rate-limit`: `limit` requests per `periodSeconds`. */
export interface SpecRateLimit {
  /** Requests allowed per window. */
  readonly limit: number;
  /** Window length in seconds. */
  readonly periodSeconds: number;
  /** What one window counts: `api-key`, `api-key+resource`... */
  readonly scope?: string;
}

/** A field's or parameter's numeric schema keywords (and numeric `x-` extensions). */
export type FieldConstraints = Readonly<Record<string, number>>;

/** How a request body goes out: the part of {@link OperationInfo} the client reads. */
export type RequestBodyLayout = Pick<
  OperationInfo,
  'requestMediaTypes' | 'jsonParts' | 'partNames'
>;

/**
 * Body layouts keyed by `"<METHOD> <path>"`: a generated client's `requestBodies` (its multipart
 * operations), or a whole {@link OperationTable}.
 */
export type RequestBodyTable = Readonly<Record<string, RequestBodyLayout>>;

/**
 * Keyed by `"<METHOD> <path>"`, e.g. `"POST /api/inbox/threads/{thread_id}/message"`; each
 * client also exports the same entries by operationId (`operationsById`).
 */
export type OperationTable = Readonly<Record<string, OperationInfo>>;

/**
 * What `createVendorClient` needs to know about a vendor client package; each client passes its
 * own.
 */
export interface VendorDefinition {
  /** Short vendor name: `mirakl`, `spp`... */
  readonly vendor: string;
  /** Sent first in the User-Agent, e.g. `@org/spp-client`. */
  readonly packageName: string;
  /** Sent after the package name in the User-Agent. */
  readonly packageVersion: string;
  /**
   * Multipart bodies are laid out from it: the client's generated `requestBodies`. A whole
   * `operationTable` works too, but keeps every limit it states in the client's bundle.
   */
  readonly operations: RequestBodyTable;
  /**
   * How the vendor wants query arrays and objects written, when it differs from
   * openapi-fetch's default (repeated `name=a&name=b`); Mirakl, for one, takes
   * comma-joined lists (`style: form, explode: false`).
   */
  readonly querySerializer?: ClientOptions['querySerializer'];
}

/** Options every vendor client accepts, beside its own credentials. */
export interface CommonClientOptions {
  /** Tenant base URL. Must be https, except for loopback hosts or with `allowInsecureHttp`. */
  baseUrl?: string;
  /** Replaces `globalThis.fetch`: for tests, proxies, or the retrying fetch of the facade. */
  fetch?: (request: Request) => Promise<Response>;
  /** Extra headers sent on every request. */
  headers?: Record<string, string>;
  /** Appended to this package's User-Agent, e.g. `my-app/1.2`. */
  userAgent?: string;
  /**
   * Allow an `http://` `baseUrl` to a non-loopback host (default false: credentials would travel in
   * clear text). Loopback hosts (the sandbox) are always allowed.
   */
  allowInsecureHttp?: boolean;
  /** openapi-fetch middleware; requests reach it with credentials already in place. */
  middleware?: Middleware[];
}

function multipartWanted(info: RequestBodyLayout, body: unknown): boolean {
  const types = info.requestMediaTypes;
  if (!types.includes('multipart/form-data')) return false;
  if (!types.includes('application/json')) return true;
  return hasBlob(body);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

type RequestInit_ = {
  params?: { query?: Record<string, unknown> } & Record<string, unknown>;
  body?: unknown;
  headers?: unknown;
} & Record<string, unknown>;

/**
 * Builds an openapi-fetch `Client<Paths>` the way every vendor client of this repository does: the
 * credential placements of `auth`, the package's User-Agent (plus `options.userAgent`), redirects
 * returned rather than followed, path parameters that cannot leave their segment, and multipart
 * bodies laid out from `definition.operations`.
 *
 * Every setting is checked here, so an unusable one fails before any request.
 *
 * @throws {@link ConfigurationError} for a missing or blank credential, an unsafe or malformed
 * `baseUrl`, or a header (extra header, credential, `userAgent`) HTTP cannot carry; the message
 * names the option, never its value.
 *
 * @example
 * ```ts
 * export function createAcmeClient(options: AcmeClientOptions): Client<paths> {
 *   return createVendorClient<paths>(
 *     { vendor: 'acme', packageName: '@acme/client', packageVersion: '1.0.0', operations: requestBodies },
 *     { ...options, baseUrl: options.baseUrl ?? 'https://api.acme.test' },
 *     [bearer(options.token)],
 *   );
 * }
 * ```
 */
export function createVendorClient<Paths extends {}>(
  definition: VendorDefinition,
  options: CommonClientOptions & {
    baseUrl: string;
    /** Query parameters sent on every request unless the call sets them (Mirakl's `shop_id`). */
    defaultQuery?: Readonly<Record<string, string | number>>;
  },
  auth: readonly AuthPlacement[],
): Client<Paths> {
  let baseUrl: string;
  // One place names the vendor in every message: an application builds several clients.
  try {
    for (const placement of auth) {
      // A bearer placement built from `undefined` still has a non-empty value ("Bearer undefined").
      const secret = 'secret' in placement ? placement.secret : placement.value;
      if (typeof secret !== 'string' || secret.trim() === '') {
        throw new ConfigurationError(
          `${placement.option ?? placement.name} is missing or not a string (the credential)`,
        );
      }
      assertHeaderValue(placement.option ?? placement.name, placement.value);
    }
    assertHeaders(options.headers);
    if (options.userAgent !== undefined) assertHeaderValue('userAgent', options.userAgent);
    baseUrl = assertSafeBaseUrl(options.baseUrl, options.allowInsecureHttp).toString();
  } catch (error) {
    throw error instanceof ConfigurationError
      ? new ConfigurationError(`${definition.vendor}: ${error.message}`)
      : error;
  }
  const userAgent = [
    `${definition.packageName}/${definition.packageVersion}`,
    typeof process === 'object' && process.version ? `node/${process.version}` : undefined,
    options.userAgent,
  ]
    .filter(Boolean)
    .join(' ');
  const place = (where: AuthPlacement['in']) =>
    Object.fromEntries(auth.filter((p) => p.in === where).map((p) => [p.name, p.value]));
  const authHeaders = place('header');
  const authQuery = place('query');
  const defaultQuery = options.defaultQuery ?? {};
  const addsQuery = Object.keys(authQuery).length + Object.keys(defaultQuery).length > 0;

  // Credentials and fixed query parameters go in as openapi-fetch inputs, not as
  // middleware: a middleware can only change the query by copying the whole Request.
  const client = createClient<Paths>({
    baseUrl,
    // Notes each serialized body, so a retrying fetch sends it again without cloning streams.
    Request: ReplayableRequest,
    // A redirect is the answer, never followed: a followed one would re-send the request and
    // its credentials to wherever `Location` points.
    redirect: 'manual',
    pathSerializer: safePathSerializer,
    // openapi-fetch falls back to its defaults for these when they are undefined.
    querySerializer: definition.querySerializer,
    fetch: options.fetch,
    headers: {
      Accept: 'application/json',
      'User-Agent': userAgent,
      ...options.headers,
      ...authHeaders,
    },
  });
  if (options.middleware?.length) client.use(...options.middleware);

  const prepare = (
    method: string,
    path: string,
    init: RequestInit_ | undefined,
  ): RequestInit_ | undefined => {
    let next = init;
    if (addsQuery) {
      // The call's own parameters first, then the defaults it left out; the
      // credential always wins over a caller's parameter of the same name.
      const query: Record<string, unknown> = { ...init?.params?.query };
      for (const [name, value] of Object.entries(defaultQuery)) query[name] ??= value;
      Object.assign(query, authQuery);
      next = { ...init, params: { ...init?.params, query } };
    }
    // openapi-fetch serializes every body as JSON; multipart operations need their
    // parts laid out from the spec, so body methods look the operation up first.
    if (!BODY_METHODS.has(method)) return next;
    const info = definition.operations[`${method} ${path}`];
    const body = next?.body;
    if (!info || body === undefined || body instanceof FormData || !multipartWanted(info, body)) {
      return next;
    }
    const encoded = encodeMultipart(body as Record<string, unknown>, info);
    const contentType = { 'Content-Type': encoded.contentType };
    const headers = next?.headers;
    return {
      ...next,
      bodySerializer: () => encoded.body,
      // openapi-fetch merges a plain object itself: a `Headers` built here for the usual call
      // without headers of its own was one more per multipart request.
      headers:
        headers === undefined ? contentType : mergeHeaders(headers as HeadersInit, contentType),
    };
  };

  const untyped = client as unknown as Record<string, (...args: any[]) => Promise<unknown>>;
  for (const method of METHODS) {
    const original = untyped[method]!.bind(client);
    untyped[method] = (path: string, init?: RequestInit_) =>
      original(path, prepare(method, path, init));
  }
  const originalRequest = untyped['request']!.bind(client);
  untyped['request'] = (method: string, path: string, init?: RequestInit_) =>
    originalRequest(method, path, prepare(method.toUpperCase(), path, init));
  return client;
}
