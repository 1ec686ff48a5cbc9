import type { Client } from 'openapi-fetch';
import {
  type AuthPlacement,
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
 * Production base URL template. Omnidesk is multi-tenant: `{account}` is your account's subdomain
 * (build the URL with `omnideskBaseUrl(account)`, or pass `account` to `createOmnideskClient`).
 */
export const OMNIDESK_BASE_URL = 'https://{account}.omnidesk.com/api/v2';

/** The two hosts Omnidesk serves its API v2 on: the current docs use `.com`, the older docs `.io`. */
export type OmnideskDomain = 'omnidesk.com' | 'omnidesk.io';

// One DNS label: a longer value (`acme.evil.example/x`) would let the account name pick the host.
const ACCOUNT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DOMAINS: readonly OmnideskDomain[] = ['omnidesk.com', 'omnidesk.io'];

/**
 * `https://<account>.<domain>/api/v2`.
 *
 * @throws `ConfigurationError` unless `account` is one subdomain label and `domain` one of
 * {@link OmnideskDomain}. The message never quotes the value: a key or a URL with credentials put
 * here by mistake must not be printed back.
 */
export function omnideskBaseUrl(account: string, domain: OmnideskDomain = 'omnidesk.com'): string {
  if (typeof account !== 'string' || !ACCOUNT_LABEL.test(account)) {
    throw new ConfigurationError(
      'omnidesk: account must be the subdomain of your Omnidesk host (letters, digits and "-"), not a URL or a key; pass baseUrl for any other host',
    );
  }
  if (!DOMAINS.includes(domain)) {
    throw new ConfigurationError(`omnidesk: domain must be one of ${DOMAINS.join(', ')}`);
  }
  return `https://${account.toLowerCase()}.${domain}/api/v2`;
}

/**
 * The operation paths (`/message`, `/ticket`) leave out `/api/v2`, so a bare Omnidesk host as
 * `baseUrl` would turn every call into a 404 far from its cause.
 */
function assertApiPrefix(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return; // not a URL at all: the shared runtime rejects it with a clearer message
  }
  const omnideskHost = DOMAINS.some((d) => url.hostname === d || url.hostname.endsWith(`.${d}`));
  if (omnideskHost && !/\/api\/v2\/?$/.test(url.pathname)) {
    // Never the path: a key put in the wrong place may be in it.
    throw new ConfigurationError(
      'omnidesk: baseUrl must end with /api/v2 (e.g. https://acme.omnidesk.com/api/v2)',
    );
  }
}

/**
 * Options of {@link createOmnideskClient}: the API key, the account (`account`/`domain`, or
 * `baseUrl`), and the options every vendor client takes (`fetch`, `headers`, `userAgent`,
 * `middleware`…).
 */
export interface OmnideskClientOptions extends CommonClientOptions {
  /**
   * API key created in the Omnidesk app (its permissions decide which endpoints work, e.g.
   * `MESSAGE_CREATE`, `TICKET_READ`). Sent as the `apiKey` query parameter on every request.
   */
  apiKey: string;
  /** Your account's subdomain (`acme` for `https://acme.omnidesk.com`). Ignored when `baseUrl` is given. */
  account?: string;
  /** Host for `account`; default `omnidesk.com`. */
  domain?: OmnideskDomain;
}

/**
 * An openapi-fetch client typed by Omnidesk's spec: `GET`/`POST` take the spec's paths and return
 * `{ data, error, response }` without throwing on HTTP errors.
 */
export type OmnideskClient = Client<paths>;

/**
 * A typed openapi-fetch client for the Omnidesk API v2 (`https://<account>.omnidesk.com/api/v2`).
 *
 * Messages are created with `POST /message` (multipart form; `forwardedFileIDs` goes out as
 * repeated `forwardedFileIDs[]` parts) and read from the `timeline` of `GET /ticket/{ticketID}`. No
 * rate limits are documented. This client only types and sends; retries, rate limiting and
 * normalized errors are in `@org/order-messaging`.
 *
 * @throws `ConfigurationError` (from `@org/http-runtime`) when the API key is missing or blank,
 * neither `account` nor `baseUrl` is given, `account` is not one subdomain label, an Omnidesk
 * `baseUrl` does not end in `/api/v2`, a `baseUrl` is not https, or an option has the wrong type.
 * The message names the option, never its value.
 *
 * @example
 * ```ts
 * const omnidesk = createOmnideskClient({ apiKey: process.env.OMNIDESK_API_KEY!, account: 'acme' });
 * const sent = await omnidesk.POST('/message', {
 *   body: { ticketID: 12345, type: '1', message: '<p>Your order left our warehouse today.</p>' },
 * });
 * if (sent.error !== undefined) throw new Error(`Omnidesk ${sent.response.status}`);
 * const ticket = await omnidesk.GET('/ticket/{ticketID}', { params: { path: { ticketID: 12345 } } });
 * for (const entry of ticket.data?.item.timeline ?? []) console.log(entry.created_at, entry.content);
 * ```
 */
export function createOmnideskClient(options: OmnideskClientOptions): OmnideskClient {
  const { apiKey, account, domain, ...common } = options;
  let baseUrl = common.baseUrl;
  if (baseUrl === undefined) {
    if (account === undefined) {
      throw new ConfigurationError('omnidesk: pass either account (your subdomain) or baseUrl');
    }
    baseUrl = omnideskBaseUrl(account, domain);
  } else {
    assertApiPrefix(baseUrl);
  }
  const auth: AuthPlacement = { in: 'query', name: 'apiKey', value: apiKey, option: 'apiKey' };
  return createVendorClient<paths>(
    {
      vendor: 'omnidesk',
      packageName: '@org/omnidesk-client',
      packageVersion: PACKAGE_VERSION,
      operations: requestBodies,
    },
    { ...common, baseUrl },
    [auth],
  );
}

type Schemas = components['schemas'];

// Named types for the main schemas, so users never index `components` themselves.
/** Form fields of `POST /message`: `ticketID`, `type`, `message` (5+ chars) and optional extras. */
export type OmnideskMessageCreateRequest = Schemas['MessageCreateRequest'];
/** `{ type: 'result', message }`: the 200 body of actions such as `POST /message`. */
export type OmnideskResultEnvelope = Schemas['ResultEnvelope'];
/** `{ type: 'item', item: Ticket }`: the 200 body of `GET /ticket/{ticketID}`. */
export type OmnideskTicketEnvelope = Schemas['TicketEnvelope'];
/**
 * A ticket. Only `id` is known to be always present; the other fields the sources name are
 * optional, and unknown ones are kept.
 */
export type OmnideskTicket = Schemas['Ticket'];
/** One message, note or event of a ticket's `timeline`; `type` is an open string. */
export type OmnideskTimelineEntry = Schemas['TimelineEntry'];
/** `YYYY-MM-DD HH:MM:SS`, no time zone (not RFC 3339). */
export type OmnideskDateTime = Schemas['OmnideskDateTime'];
/** Body of `POST /ticket`: fields undocumented, so any properties. */
export type OmnideskTicketCreateRequest = Schemas['TicketCreateRequest'];
/** 200 body of `POST /ticket`: contains the new ticket id; exact shape undocumented. */
export type OmnideskTicketCreated = Schemas['TicketCreated'];
/** 200 body of `GET /ticket`: envelope undocumented, an open object. */
export type OmnideskTicketListResponse = Schemas['TicketListResponse'];
/** Query of `GET /ticket` (`applyView`, `query`, `itemStart`, `itemLimit` <= 9999, ...). */
export type OmnideskListTicketsQuery = NonNullable<
  operations['listTickets']['parameters']['query']
>;
/** `{ status: 'error', message }`, the body of 400/401/403/404 (a 400 may also come with an empty body). */
export type OmnideskErrorEnvelope = Schemas['ErrorEnvelope'];
