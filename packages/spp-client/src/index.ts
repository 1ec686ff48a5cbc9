import type { Client } from 'openapi-fetch';
import {
  assertNoApiSuffix,
  bearer,
  type CommonClientOptions,
  ConfigurationError,
  createVendorClient,
} from '@org/http-runtime';
import type { components, operations, paths } from './generated/schema.js';
import { requestBodies } from './generated/operations.js';
import { PACKAGE_VERSION } from './version.js';

export type { components, operations, paths } from './generated/schema.js';
export { operationTable, operationsById, requestBodies } from './generated/operations.js';
export { PACKAGE_VERSION } from './version.js';

/**
 * SPP has no single production host: every workspace lives on its own host
 * (`<name>.spp.co` or a custom domain). This is the spec's server template;
 * build a real base URL with {@link sppBaseUrl} or pass `workspaceUrl`.
 */
export const SPP_BASE_URL = 'https://{workspaceUrl}';

/** The API version this package was written against, sent as `X-Api-Version` unless overridden. */
export const SPP_DEFAULT_API_VERSION = '2024-03-05';

const API_VERSION_HEADER = 'X-Api-Version';
/**
 * `https://<workspaceUrl>` for a workspace host such as `example.spp.co`.
 *
 * @throws `ConfigurationError` when `workspaceUrl` is not a bare host name (optionally with
 * `:port`). The message never quotes the value: a key or a URL with credentials put here by
 * mistake must not be printed back.
 */
export function sppBaseUrl(workspaceUrl: string): string {
  const host = typeof workspaceUrl === 'string' ? workspaceUrl.trim() : '';
  if (host === '' || !/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) {
    throw new ConfigurationError(
      'spp: workspaceUrl must be a bare host name such as "example.spp.co", not a URL or a key; pass a full URL as baseUrl instead',
    );
  }
  return `https://${host}`;
}

/**
 * Options of {@link createSppClient}: the API key, the workspace (`workspaceUrl` or `baseUrl`), and
 * the options every vendor client takes (`fetch`, `headers`, `userAgent`, `middleware`…).
 */
export interface SppClientOptions extends CommonClientOptions {
  /** API key from Modules > API > Settings in the SPP dashboard, sent as `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Workspace host, e.g. `example.spp.co`; the client talks to `https://<workspaceUrl>`.
   * Give this or `baseUrl` (which wins, and must not include the `/api` prefix: the paths carry it).
   */
  workspaceUrl?: string;
  /**
   * Sent as `X-Api-Version` on every request (default {@link SPP_DEFAULT_API_VERSION}).
   * `null` sends no version header, leaving the choice to the server. An `X-Api-Version`
   * in `headers`, or in a request's `params.header`, wins over this.
   */
  apiVersion?: string | null;
}

/**
 * An openapi-fetch client typed by SPP's spec: `GET`/`POST`/`DELETE` take the spec's paths and
 * return `{ data, error, response }` without throwing on HTTP errors.
 */
export type SppClient = Client<paths>;

function resolveBaseUrl(options: SppClientOptions): string {
  if (options.baseUrl !== undefined) {
    assertNoApiSuffix('spp', options.baseUrl, 'https://example.spp.co');
    return options.baseUrl;
  }
  if (options.workspaceUrl !== undefined) return sppBaseUrl(options.workspaceUrl);
  throw new ConfigurationError('spp: pass workspaceUrl (e.g. "example.spp.co") or baseUrl');
}

function defaultHeaders(options: SppClientOptions): Record<string, string> {
  const userHeaders = options.headers ?? {};
  // Spread below, a string would become headers named 0, 1, 2…
  if (typeof userHeaders !== 'object' || userHeaders === null || Array.isArray(userHeaders)) {
    throw new ConfigurationError('spp: headers must be an object of header names to values');
  }
  const userSetsVersion = Object.keys(userHeaders).some(
    (name) => name.toLowerCase() === API_VERSION_HEADER.toLowerCase(),
  );
  const apiVersion =
    options.apiVersion === undefined ? SPP_DEFAULT_API_VERSION : options.apiVersion;
  if (apiVersion !== null && (typeof apiVersion !== 'string' || apiVersion.trim() === '')) {
    throw new ConfigurationError(
      'spp: apiVersion must be a non-empty string such as "2024-03-05", or null',
    );
  }
  return {
    ...(apiVersion === null || userSetsVersion ? {} : { [API_VERSION_HEADER]: apiVersion }),
    ...userHeaders,
  };
}

/**
 * A typed client for SPP's order messages and orders, on `https://<workspaceUrl>` (or `baseUrl`),
 * sending the key as `Authorization: Bearer <token>` and `X-Api-Version` (default
 * {@link SPP_DEFAULT_API_VERSION}). It only types and sends: no retries, rate limiting or error
 * normalisation (those are `@org/order-messaging`'s).
 *
 * @throws `ConfigurationError` (from `@org/http-runtime`) when neither `workspaceUrl` nor `baseUrl`
 * is given, `workspaceUrl` is not a bare host name, a `baseUrl` ends in `/api` or is not https,
 * `apiVersion` is empty, the token is missing, or an option has the wrong type. The message names
 * the option, never its value.
 *
 * @example
 * ```ts
 * const spp = createSppClient({ token: process.env.SPP_TOKEN!, workspaceUrl: 'example.spp.co' });
 * const created = await spp.POST('/api/order_messages/{order}', {
 *   params: { path: { order: 'E4A269FC' } },
 *   body: { message: 'Your order is ready.', staff_only: false },
 * });
 * if (created.error) throw new Error(`SPP ${created.response.status}: ${created.error.message}`);
 * console.log(created.data.id);
 * ```
 */
export function createSppClient(options: SppClientOptions): SppClient {
  return createVendorClient<paths>(
    {
      vendor: 'spp',
      packageName: '@org/spp-client',
      packageVersion: PACKAGE_VERSION,
      operations: requestBodies,
    },
    { ...options, baseUrl: resolveBaseUrl(options), headers: defaultHeaders(options) },
    [bearer(options.token)],
  );
}

/** A message on an order, as created (201) and listed: `MessageResource`. */
export type SppMessage = components['schemas']['MessageResource'];
/** The short message form inside `SppTicket.messages` and `SppOrder.messages`. */
export type SppMessageSummary = components['schemas']['Message'];
/** One page of `listOrderMessages`: `{ data, links, meta }`. */
export type SppMessageCollection = components['schemas']['MessageCollection'];
/** JSON body of `createOrderMessage`. */
export type SppMessageRequest = components['schemas']['MessageRequest'];
/** Multipart body of `createOrderMessage` (with `attachments`). */
export type SppMessageMultipartRequest = components['schemas']['MessageMultipartRequest'];
/**
 * An order as embedded in messages and tickets. SPP's document does not describe it; the fields
 * come from its order list and order resource.
 */
export type SppOrder = components['schemas']['Order'];
/** An order as `listOrders` returns it. */
export type SppIndexOrder = components['schemas']['IndexOrder'];
/** One page of `listOrders`: `{ data, links, meta }`. */
export type SppOrderCollection = components['schemas']['OrderCollection'];
/** Query of `listOrders`: `page`, `limit`, `sort` and the `filters[field][$op]` parameters. */
export type SppListOrdersQuery = NonNullable<operations['listOrders']['parameters']['query']>;
/** A support ticket (`TicketResource`), as embedded in a message's `ticket`. */
export type SppTicket = components['schemas']['Ticket'];
/** A user (client or staff member) of the workspace. */
export type SppUser = components['schemas']['User'];
/** A role and its permissions (integer access levels or on/off flags). */
export type SppRole = components['schemas']['Role'];
/** A postal and billing address of a user. */
export type SppAddress = components['schemas']['Address'];
/** A manager of a user. */
export type SppUserManager = components['schemas']['UserManager'];
/** An employee assigned to a ticket or an order. */
export type SppEmployee = components['schemas']['Employee'];
/** The `links` of a page: URLs of the first, last, previous and next pages (`null` at the ends). */
export type SppPaginationLinks = components['schemas']['PaginationLinks'];
/**
 * The `meta` of a page (Laravel paginator): `current_page`, `last_page`, `per_page`, `total`… The
 * page helpers stop at `last_page`.
 */
export type SppPaginationMeta = components['schemas']['PaginationMeta'];
/** One entry of `meta.links`: a page link with its label and whether it is the current page. */
export type SppPaginationMetaLink = components['schemas']['PaginationMetaLink'];
/** Laravel-style error body of 400/401/404/422 responses. */
export type SppError = components['schemas']['Error'];

export { listOrderMessagePages, listOrderPages } from './pages.js';
