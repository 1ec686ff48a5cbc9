/**
 * SPP (Service Provider Pro) adapter.
 * - send: `POST /api/order_messages/{order}` (JSON, or multipart with `attachments[]` files);
 *   `internal` ↔ `staff_only`, always sent explicitly since the REST default is undocumented.
 * - list: `GET /api/order_messages/{order}`, Laravel pages walked through `links.next`
 *   (newest first, as SPP returns them).
 * - sync: `GET /api/orders` by `last_message_at` (see `./spp/changes.ts`).
 */
import {
  createSppClient,
  operationsById,
  type SppClient,
  type SppMessage,
  type SppMessageCollection,
} from '@org/spp-client';
import {
  attachmentFile,
  clientOptionsOf,
  defineAdapter,
  checkWholeNumber,
  defineVendor,
  fileNameFromUrl,
  findInListing,
  integerSetting,
  isoDate,
  MAX_PAGES,
  standInId,
  stringId,
  stringSetting,
  type AdapterContext,
  type Capabilities,
  type ConnectionOptions,
  type OrderMessage,
  type OrderMessagingAdapterV1,
  type OrderRef,
  type SendRequest,
} from '../adapter-kit.js';
import { changedOrders } from './spp/changes.js';

export type { SppClient, SppMessage } from '@org/spp-client';

export interface SppConnectionOptions extends ConnectionOptions {
  /** API key (Modules > API > Settings), sent as a bearer token. */
  token: string;
  /** Workspace host such as `acme.spp.co`; give this or `baseUrl`. */
  workspaceUrl?: string;
  /** `X-Api-Version` (default: the client's pinned version); `null` sends none. */
  apiVersion?: string | null;
  /** Author of sent messages (a user id, 1 or more); default: the user who owns the API key. */
  userId?: number;
  /**
   * Messages per page when listing (SPP's default 20; at most 100, inferred), a whole number
   * within the spec's bounds of `limit`; anything else throws a `ConfigurationError`.
   */
  pageSize?: number;
}

/** SPP takes no vendor options; the key exists so that another vendor's options do not compile. */
export type SppVendorOptions = {
  /** Always empty: SPP honours no vendor option. */
  spp?: Record<string, never>;
};

/** A normalized SPP message; `raw` is SPP's `MessageResource`. */
export type SppOrderMessage = OrderMessage<SppMessage>;

/** What SPP can do (`spp.capabilities`, `capabilities(connection)`). */
export const sppCapabilities: Capabilities = Object.freeze({
  vendor: 'spp',
  list: true,
  send: true,
  // SPP documents "non-empty" only; no maximum length, attachment size, count or type limits.
  text: { minLength: operationsById.createOrderMessage.request.fields.message.minLength },
  attachments: {},
  internalNotes: true,
  audiences: [],
  sendOptions: [],
  pagination: 'page',
  reconcile: 'by-listing',
  sync: {
    mode: 'updated-since',
    cost: `1 order list per ${operationsById.listOrders.limits.maxLimit} changed orders, plus each changed order's message pages`,
    pages: 'seek',
  },
  sendCost: {
    requests: 1,
    note: 'the POST answers with the stored message; nothing is read',
  },
} as const satisfies Capabilities);

type Ctx = AdapterContext<SppClient>;

export interface SppAdapter extends OrderMessagingAdapterV1<
  SppClient,
  SppMessage,
  SppVendorOptions
> {
  /** Always `'spp'`. */
  readonly vendor: 'spp';
}

/** The page number `links.next` points at, or undefined at the last page. */
export function nextPageOf(
  collection: Pick<SppMessageCollection, 'links' | 'meta'>,
  current: number,
): number | undefined {
  const next = collection.links?.next;
  if (!next) return undefined;
  let page: number | undefined;
  try {
    const value = new URL(next).searchParams.get('page');
    page = value === null ? undefined : Number(value);
  } catch {
    page = undefined;
  }
  // Only forward: a vendor link that points back (or nowhere sensible) would loop.
  if (page === undefined || !Number.isSafeInteger(page) || page <= current) page = current + 1;
  const last = collection.meta?.last_page;
  if (typeof last === 'number' && page > last) return undefined;
  return page;
}

/** A connection's settings, read from its options once by the factory. */
interface SppConfig {
  readonly options: SppConnectionOptions;
  /** Messages per page when listing; absent: SPP's default. */
  readonly pageSize: number | undefined;
}

function normalize(message: SppMessage, orderId: string, ctx: Ctx): SppOrderMessage {
  const order = message.order;
  const clientIds = new Set(
    [order?.user_id, order?.client?.id].filter((id) => typeof id === 'number'),
  );
  const byClient = clientIds.has(message.user_id);
  return {
    id:
      stringId(message.id) ??
      standInId(orderId, message.created_at, message.user_id, message.message),
    orderId,
    text: message.message ?? '',
    author: {
      kind: byClient ? 'customer' : 'staff',
      ...(message.user_id === undefined || message.user_id === null
        ? {}
        : { id: String(message.user_id) }),
      ...(byClient && order?.client?.name ? { name: order.client.name } : {}),
    },
    sentAt: isoDate(message.created_at) ?? new Date(0),
    attachments: (message.files ?? []).map((url) => ({
      id: url,
      filename: fileNameFromUrl(url),
      url,
    })),
    internal: message.staff_only === true,
    vendor: 'spp',
    connection: ctx.connection,
    raw: message,
  };
}

async function* list(
  config: SppConfig,
  ref: OrderRef<SppVendorOptions>,
  ctx: Ctx,
): AsyncGenerator<SppOrderMessage> {
  const { pageSize } = config;
  let page: number | undefined = 1;
  for (let count = 0; page !== undefined && count < MAX_PAGES; count++) {
    const current: number = page;
    const { data } = await ctx.call('list order messages', () =>
      ctx.client.GET('/api/order_messages/{order}', {
        params: {
          path: { order: ref.orderId },
          query: { page: current, ...(pageSize ? { limit: pageSize } : {}) },
        },
      }),
    );
    if (!Array.isArray(data?.data))
      throw ctx.unexpected('list order messages', 'no `data` array', data);
    for (const message of data.data) yield normalize(message, ref.orderId, ctx);
    page = data.data.length === 0 ? undefined : nextPageOf(data, current);
  }
}

async function send(
  config: SppConfig,
  request: SendRequest<SppVendorOptions>,
  ctx: Ctx,
): Promise<SppOrderMessage> {
  const { userId } = config.options;
  const files = (request.attachments ?? []).map(attachmentFile);
  const fields = {
    message: request.text,
    staff_only: request.internal === true,
    ...(userId === undefined ? {} : { user_id: userId }),
  };
  const { data } = await ctx.call(
    'create order message',
    () =>
      files.length > 0
        ? ctx.client.POST('/api/order_messages/{order}', {
            params: { path: { order: request.orderId } },
            body: { ...fields, attachments: files },
          })
        : ctx.client.POST('/api/order_messages/{order}', {
            params: { path: { order: request.orderId } },
            body: fields,
          }),
    { write: true },
  );
  if (!data || stringId(data.id) === undefined) {
    throw ctx.unexpected('create order message', 'no message in the answer', data, {
      write: true,
    });
  }
  return normalize(data, request.orderId, ctx);
}

const listing = operationsById.listOrderMessages;
/** `limit` of a message listing, as the spec bounds it. */
const PAGE_SIZE_RANGE = {
  min: listing.request.params.query.limit.minimum,
  max: listing.limits.maxLimit,
};

/** The options only this adapter reads, checked before they reach a request. */
function checkOptions(options: SppConnectionOptions): void {
  checkWholeNumber('spp', 'pageSize', options.pageSize, PAGE_SIZE_RANGE);
  // The spec types `user_id` as an integer only; SPP's user ids are database ids, from 1.
  checkWholeNumber('spp', 'userId', options.userId, { min: 1 });
}

function createSppAdapter(options: SppConnectionOptions): SppAdapter {
  checkOptions(options);
  const config: SppConfig = { options, pageSize: options.pageSize };
  const clientOptions = {
    ...clientOptionsOf(options),
    token: options.token,
    ...(options.workspaceUrl === undefined ? {} : { workspaceUrl: options.workspaceUrl }),
    ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }),
  };
  return defineAdapter({
    vendor: 'spp',
    capabilities: sppCapabilities,
    // SPP documents no rate limits; 429 answers are still honoured.
    rateLimits: {},
    requestIdHeaders: ['x-api-identifier'],
    createClient: (transport) => createSppClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (options.token ? [options.token] : []),
    send: (request, ctx) => send(config, request, ctx),
    list: (ref, ctx) => list(config, ref, ctx),
    // SPP lists newest first: the check stops at the first page that reaches before the send.
    findSent: (probe, ctx) =>
      findInListing(list(config, probe.request, ctx), probe, undefined, true),
    changedOrders,
  });
}

/** An SPP connection: `spp({ workspaceUrl | baseUrl, token })`. */
export const spp = Object.assign(createSppAdapter, {
  /** Always `'spp'`. */
  vendor: 'spp' as const,
  /** What SPP can do: {@link sppCapabilities}. */
  capabilities: sppCapabilities,
  /** SPP documents no rate limits: none are declared (429s are still honoured). */
  rateLimits: {} as Readonly<Record<string, never>>,
});
export default spp;

/** SPP as data: settings (flags, env), sandbox wiring, capabilities. */
export const sppVendor = /* @__PURE__ */ defineVendor({
  name: 'spp',
  title: 'SPP',
  createAdapter: createSppAdapter,
  capabilities: sppCapabilities,
  settings: [
    {
      key: 'workspaceUrl',
      placeholder: '<host>',
      description: 'workspace host, e.g. acme.spp.co',
    },
    {
      key: 'baseUrl',
      placeholder: '<url>',
      description:
        'full base URL without /api (e.g. https://support.acme.com), instead of a workspace host',
    },
    {
      key: 'token',
      placeholder: '<token>',
      description: 'API key (Modules > API > Settings)',
      secret: true,
    },
    {
      key: 'apiVersion',
      placeholder: '<version>',
      description: "X-Api-Version to send (default: the client's pinned version)",
    },
    {
      key: 'userId',
      placeholder: '<id>',
      description: 'author of sent messages (default: the owner of the API key)',
      type: 'integer',
    },
    {
      key: 'pageSize',
      placeholder: '<n>',
      description: "messages per page when listing (SPP's default 20)",
      type: 'integer',
    },
  ],
  requirements: [{ anyOf: ['workspaceUrl', 'baseUrl'] }, { anyOf: ['token'] }],
  toOptions(values): SppConnectionOptions {
    const baseUrl = stringSetting(values, 'baseUrl');
    const apiVersion = stringSetting(values, 'apiVersion');
    const userId = integerSetting(values, 'userId');
    const pageSize = integerSetting(values, 'pageSize');
    return {
      ...(baseUrl ? { baseUrl } : { workspaceUrl: stringSetting(values, 'workspaceUrl')! }),
      token: stringSetting(values, 'token')!,
      ...(apiVersion === undefined ? {} : { apiVersion }),
      ...(userId === undefined ? {} : { userId }),
      ...(pageSize === undefined ? {} : { pageSize }),
    };
  },
  sandbox: {
    settings: (access: { baseUrl: string; token: string }) => ({
      baseUrl: access.baseUrl,
      token: access.token,
    }),
    exampleOrder: (seed: { orderWithFewMessages: { number: string } }) =>
      seed.orderWithFewMessages.number,
  },
});
