/**
 * What one `send` is on the wire, per vendor, written out by hand so that every tier of a
 * benchmark (raw fetch, raw undici, bare openapi-fetch, the vendor client, the facade) makes
 * the same HTTP requests and only the code around them differs. test/plans.test.ts checks
 * these against the requests the facade really makes, so a change in an adapter shows up
 * as a failing test rather than as a silently unfair comparison.
 */
import type { ConnectionEntry, RateLimitRuleSpec, RetrySettings } from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { spp } from '@org/order-messaging/spp';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { gameboost } from '@org/order-messaging/gameboost';
import { createMiraklClient } from '@org/mirakl-client';
import { createSppClient, SPP_DEFAULT_API_VERSION } from '@org/spp-client';
import { createOmnideskClient } from '@org/omnidesk-client';
import { createGameBoostClient } from '@org/gameboost-client';
import type { SandboxSeed, SandboxVendors } from '@org/provider-sandbox';
import type { Vendor } from './paths.js';

/** What a benchmark needs to know about a running sandbox; plain data, so it crosses process boundaries. */
export interface SandboxInfo {
  readonly url: string;
  readonly vendors: SandboxVendors;
  readonly seed: SandboxSeed;
}

export type FetchLike = (request: Request) => Promise<Response>;

/** A multipart field: objects and arrays go out as one `application/json` part. */
export type FormValue = string | number | boolean | Record<string, unknown> | unknown[];

export interface PlannedCall {
  readonly method: 'GET' | 'POST';
  /** The spec's path template, e.g. `/api/inbox/threads/{thread_id}/message`. */
  readonly path: string;
  readonly pathParams?: Readonly<Record<string, string | number>>;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly json?: unknown;
  readonly multipart?: Readonly<Record<string, FormValue>>;
}

export interface ConnectionExtras {
  fetch?: FetchLike;
  rateLimits?: Readonly<Record<string, RateLimitRuleSpec>> | false;
  retry?: RetrySettings;
}

/** Minimal view of an openapi-fetch client, for calling any vendor's client from one executor. */
export type AnyOpenApiClient = Record<
  'GET' | 'POST',
  (
    path: string,
    init?: Record<string, unknown>,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
>;

export interface VendorPlan {
  readonly vendor: Vendor;
  readonly baseUrl: string;
  /** Sent on every request: credentials and vendor defaults (what the vendor client adds). */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The order (ticket) every benchmark message goes to. */
  readonly orderId: string;
  /** The HTTP requests the facade's `send` makes for one message, in order. */
  sendCalls(text: string): PlannedCall[];
  /** Index of the write among `sendCalls` (the "one POST" of the single-call tiers). */
  readonly writeIndex: number;
  /** The vendor's adapter with the connection settings in `extras`. */
  connection(extras?: ConnectionExtras): ConnectionEntry;
  client(fetch?: FetchLike): AnyOpenApiClient;
}

function asAnyClient(client: unknown): AnyOpenApiClient {
  return client as AnyOpenApiClient;
}

export function vendorPlans(sandbox: SandboxInfo): Record<Vendor, VendorPlan> {
  const { vendors, seed } = sandbox;

  const miraklPlan: VendorPlan = {
    vendor: 'mirakl',
    baseUrl: vendors.mirakl.baseUrl,
    headers: { Authorization: vendors.mirakl.apiKey },
    query: { shop_id: String(vendors.mirakl.shopId) },
    orderId: seed.mirakl.orderWithThread,
    writeIndex: 1,
    sendCalls: (text) => [
      // M11: the order's threads, to reply in the one open to the customer.
      {
        method: 'GET',
        path: '/api/inbox/threads',
        query: { entity_type: 'MMP_ORDER', entity_id: seed.mirakl.orderWithThread },
      },
      // M12: the reply.
      {
        method: 'POST',
        path: '/api/inbox/threads/{thread_id}/message',
        pathParams: { thread_id: seed.mirakl.threadId },
        multipart: {
          message_input: { body: text, to: [{ type: 'CUSTOMER', id: seed.mirakl.customerId }] },
        },
      },
      // M10: the stored message, read back.
      {
        method: 'GET',
        path: '/api/inbox/threads/{thread_id}',
        pathParams: { thread_id: seed.mirakl.threadId },
      },
    ],
    connection: (extras = {}) => ({
      adapter: mirakl({
        baseUrl: vendors.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: vendors.mirakl.apiKey },
        shopId: vendors.mirakl.shopId,
      }),
      ...extras,
    }),
    client: (fetch) =>
      asAnyClient(
        createMiraklClient({
          baseUrl: vendors.mirakl.baseUrl,
          auth: { type: 'apiKey', apiKey: vendors.mirakl.apiKey },
          shopId: vendors.mirakl.shopId,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };

  const sppOrder = seed.spp.orderWithFewMessages.id;
  const sppPlan: VendorPlan = {
    vendor: 'spp',
    baseUrl: vendors.spp.baseUrl,
    headers: {
      Authorization: `Bearer ${vendors.spp.token}`,
      'X-Api-Version': SPP_DEFAULT_API_VERSION,
    },
    query: {},
    orderId: sppOrder,
    writeIndex: 0,
    sendCalls: (text) => [
      {
        method: 'POST',
        path: '/api/order_messages/{order}',
        pathParams: { order: sppOrder },
        json: { message: text, staff_only: false },
      },
    ],
    connection: (extras = {}) => ({
      adapter: spp({ baseUrl: vendors.spp.baseUrl, token: vendors.spp.token }),
      ...extras,
    }),
    client: (fetch) =>
      asAnyClient(
        createSppClient({
          baseUrl: vendors.spp.baseUrl,
          token: vendors.spp.token,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };

  const ticket = seed.omnidesk.ticketWithOneMessage;
  const omnideskPlan: VendorPlan = {
    vendor: 'omnidesk',
    baseUrl: vendors.omnidesk.baseUrl,
    headers: {},
    query: { apiKey: vendors.omnidesk.apiKey },
    orderId: String(ticket),
    writeIndex: 1,
    sendCalls: (text) => [
      // The ticket before: which timeline entries already exist.
      { method: 'GET', path: '/ticket/{ticketID}', pathParams: { ticketID: ticket } },
      {
        method: 'POST',
        path: '/message',
        multipart: { ticketID: ticket, type: '1', message: text },
      },
      // The ticket after: the new entry is the sent message (the POST returns no id).
      { method: 'GET', path: '/ticket/{ticketID}', pathParams: { ticketID: ticket } },
    ],
    connection: (extras = {}) => ({
      adapter: omnidesk({ baseUrl: vendors.omnidesk.baseUrl, apiKey: vendors.omnidesk.apiKey }),
      ...extras,
    }),
    client: (fetch) =>
      asAnyClient(
        createOmnideskClient({
          baseUrl: vendors.omnidesk.baseUrl,
          apiKey: vendors.omnidesk.apiKey,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };

  const gameboostOrder = seed.gameboost.accountOrders.processing;
  const gameboostPlan: VendorPlan = {
    vendor: 'gameboost',
    baseUrl: vendors.gameboost.baseUrl,
    headers: { Authorization: `Bearer ${vendors.gameboost.token}` },
    query: {},
    orderId: gameboostOrder,
    writeIndex: 0,
    sendCalls: (text) => [
      {
        method: 'POST',
        path: '/v2/account-orders/{accountOrder}/messages',
        pathParams: { accountOrder: gameboostOrder },
        json: { message: text },
      },
    ],
    connection: (extras = {}) => ({
      adapter: gameboost({ baseUrl: vendors.gameboost.baseUrl, token: vendors.gameboost.token }),
      ...extras,
    }),
    client: (fetch) =>
      asAnyClient(
        createGameBoostClient({
          baseUrl: vendors.gameboost.baseUrl,
          token: vendors.gameboost.token,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };

  return { mirakl: miraklPlan, spp: sppPlan, omnidesk: omnideskPlan, gameboost: gameboostPlan };
}
