/**
 * Mirakl (MMP) adapter. Order messages live in threads:
 * - send: M11 finds the order's threads (once per order and connection: the thread is
 *   remembered); the newest one open to the requested audience gets an M12 reply, otherwise OR43
 *   opens a thread with a topic. The message returned is built from M12's answer; M10 reads the
 *   stored copy back only with `vendorOptions.mirakl.readBack` or attachments.
 * - list: M11 (seek pages, `next_page_token`) for the order's threads, then M10 for each thread,
 *   because M11's `with_messages` stops at the last 100 messages of a thread.
 * - audience → M12/OR43 `to`: customer → CUSTOMER, seller → SHOP, operator → OPERATOR.
 *
 * This module is the public face (options, capabilities, the factory, the vendor descriptor);
 * the parts live in `./mirakl/`: `config` (per-connection settings, the request's Mirakl fields),
 * `threads` (M11/M10, listing), `send` (M12/OR43 and the read-back), `normalize`, `download`
 * (M13) and `validate`.
 */
import {
  createMiraklClient,
  operationsById,
  type MiraklClient,
  type MiraklThreadMessage,
} from '@org/mirakl-client';
import {
  defineAdapter,
  defineVendor,
  integerSetting,
  stringSetting,
  type Capabilities,
  type OrderMessagingAdapterV1,
} from '../adapter-kit.js';
import {
  clientOptionsFor,
  configOf,
  secretOf,
  type MiraklConnectionOptions,
  type MiraklVendorOptions,
} from './mirakl/config.js';
import { changedOrders } from './mirakl/changes.js';
import { downloadAttachment } from './mirakl/download.js';
import { send } from './mirakl/send.js';
import { findSent, listMessages } from './mirakl/threads.js';
import { checkOptions, validate } from './mirakl/validate.js';

export type { MiraklAuth, MiraklClient, MiraklThreadMessage } from '@org/mirakl-client';
export type {
  MiraklConnectionOptions,
  MiraklOrderMessage,
  MiraklSendOptions,
  MiraklVendorOptions,
} from './mirakl/config.js';

/** What Mirakl can do (`mirakl.capabilities`, `capabilities(connection)`). */
export const miraklCapabilities: Capabilities = Object.freeze({
  vendor: 'mirakl',
  list: true,
  send: true,
  // The spec states no minimum; 1 is the facade's floor (it refuses empty text everywhere).
  text: { minLength: 1 },
  attachments: {
    // M12's `files` count; OR43 states none, and its threads count towards the same per-entity cap.
    maxCount: operationsById.replyToThread.request.fields.files.maxItems,
    // Documented for OR43, inferred for M12 (`x-limits-inferred`).
    maxTotalBytes: operationsById.createOrderThread.limits.maxMessageBytes,
  },
  internalNotes: false,
  audiences: ['customer', 'seller', 'operator'],
  sendOptions: ['subject', 'threadId', 'readBack'],
  pagination: 'seek',
  reconcile: 'by-listing',
  attachmentDownload: true,
  sync: {
    mode: 'updated-since',
    cost: `1 M11 per page of changed threads; 1 M10 per thread changed past M11's ${operationsById.listThreads.limits.withMessagesMaxMessagesPerThread}-message cap`,
    pages: 'seek',
  },
  sendCost: {
    requests: 1,
    firstRequests: 2,
    note: 'M12 in the thread the connection remembers (M11 first when it knows none); +1 M10 reading the whole thread with `readBack` or attachments',
  },
} as const satisfies Capabilities);

export interface MiraklAdapter extends OrderMessagingAdapterV1<
  MiraklClient,
  MiraklThreadMessage,
  MiraklVendorOptions
> {
  /** Always `'mirakl'`. */
  readonly vendor: 'mirakl';
}

function createMiraklAdapter(options: MiraklConnectionOptions): MiraklAdapter {
  checkOptions(options, miraklCapabilities.audiences);
  const config = configOf(options);
  const clientOptions = clientOptionsFor(options);
  const secret = secretOf(options);
  return defineAdapter({
    vendor: 'mirakl',
    capabilities: miraklCapabilities,
    // Mirakl documents "call frequency" guidance but no numbers; 429 answers are still honoured.
    rateLimits: {},
    createClient: (transport) => createMiraklClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (secret ? [secret] : []),
    validate,
    send: (request, ctx) => send(config, request, ctx),
    list: (ref, ctx) => listMessages(config, ref, ctx),
    findSent: (probe, ctx) => findSent(config, probe, ctx),
    downloadAttachment,
    changedOrders: (request, ctx) => changedOrders(config, request, ctx),
  });
}

/** A Mirakl connection: `mirakl({ baseUrl | instance, auth, shopId? })`. */
export const mirakl = Object.assign(createMiraklAdapter, {
  /** Always `'mirakl'`. */
  vendor: 'mirakl' as const,
  /** What Mirakl can do: {@link miraklCapabilities}. */
  capabilities: miraklCapabilities,
  /** Mirakl documents no rate-limit numbers: none are declared (429s are still honoured). */
  rateLimits: {} as Readonly<Record<string, never>>,
});
export default mirakl;

/** Mirakl as data: settings (flags, env), sandbox wiring, capabilities. */
export const miraklVendor = /* @__PURE__ */ defineVendor({
  name: 'mirakl',
  title: 'Mirakl',
  createAdapter: createMiraklAdapter,
  capabilities: miraklCapabilities,
  permissionNote: 'the shop id',
  settings: [
    {
      key: 'baseUrl',
      placeholder: '<url>',
      description: 'Mirakl instance origin, without /api (e.g. https://acme.mirakl.net)',
    },
    {
      key: 'instance',
      placeholder: '<name>',
      description: 'Mirakl instance name (https://<name>.mirakl.net), instead of a base URL',
    },
    {
      key: 'apiKey',
      placeholder: '<key>',
      description: 'shop API key (sent as the Authorization header)',
      secret: true,
    },
    {
      key: 'token',
      placeholder: '<token>',
      description: 'OAuth 2 bearer token, instead of an API key',
      secret: true,
    },
    {
      key: 'shopId',
      placeholder: '<id>',
      description: 'shop to act as when the key reaches several shops',
      type: 'integer',
    },
    {
      key: 'pageSize',
      placeholder: '<n>',
      description: "threads per M11 page (Mirakl's default 50)",
      type: 'integer',
    },
  ],
  requirements: [
    { anyOf: ['baseUrl', 'instance'] },
    { anyOf: ['apiKey', 'token'], exclusive: true },
  ],
  toOptions(values): MiraklConnectionOptions {
    const baseUrl = stringSetting(values, 'baseUrl');
    const apiKey = stringSetting(values, 'apiKey');
    const shopId = integerSetting(values, 'shopId');
    const pageSize = integerSetting(values, 'pageSize');
    return {
      ...(baseUrl ? { baseUrl } : { instance: stringSetting(values, 'instance')! }),
      auth: apiKey
        ? { type: 'apiKey', apiKey }
        : { type: 'bearer', token: stringSetting(values, 'token')! },
      ...(shopId === undefined ? {} : { shopId }),
      ...(pageSize === undefined ? {} : { pageSize }),
    };
  },
  sandbox: {
    settings: (access: { baseUrl: string; apiKey: string; shopId: number }) => ({
      baseUrl: access.baseUrl,
      apiKey: access.apiKey,
      shopId: access.shopId,
    }),
    exampleOrder: (seed: { orderWithThread: string }) => seed.orderWithThread,
  },
});
