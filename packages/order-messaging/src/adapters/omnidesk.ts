/**
 * Omnidesk adapter. The "order" is a ticket (`orderId` = ticket id).
 * - send: `POST /message` (multipart) into the ticket, in the channel `type` the request names
 *   (default e-mail, `1`); an internal note goes to the `noteChannel` the connection names (Omnidesk
 *   documents no note channel, so without that option there are no internal notes). Omnidesk answers only
 *   `{type: 'result'}`, so the ticket is read once after the post and the newest matching
 *   timeline entry is the sent message.
 * - list: the ticket's `timeline` (`GET /ticket/{ticketID}`), events left out. One page.
 *
 * This module is the public face (options, capabilities, error wording, the factory, the vendor
 * descriptor); the parts live in `./omnidesk/`: `config` (per-connection settings, the request's
 * channel), `timeline` (reading the ticket, listing), `send` (the post and its read-back) and
 * `validate`.
 */
import {
  createOmnideskClient,
  operationsById,
  type OmnideskClient,
  type OmnideskDomain,
  type OmnideskTimelineEntry,
} from '@org/omnidesk-client';
import {
  defineAdapter,
  defineVendor,
  integerSetting,
  isRecord,
  stringSetting,
  vendorMessage,
  type Capabilities,
  type ErrorHint,
  type HttpFailure,
  type OrderMessagingAdapterV1,
} from '../adapter-kit.js';
import {
  clientOptionsFor,
  configOf,
  type OmnideskConfig,
  type OmnideskConnectionOptions,
  type OmnideskVendorOptions,
} from './omnidesk/config.js';
import { changedOrders } from './omnidesk/changes.js';
import { findSent, send } from './omnidesk/send.js';
import { listMessages } from './omnidesk/timeline.js';
import { checkOptions, validate } from './omnidesk/validate.js';

export type { OmnideskClient, OmnideskTimelineEntry } from '@org/omnidesk-client';
export type {
  OmnideskConnectionOptions,
  OmnideskOrderMessage,
  OmnideskSendOptions,
  OmnideskVendorOptions,
} from './omnidesk/config.js';

/**
 * What Omnidesk can do (`omnidesk.capabilities`); a connection without `noteChannel` reports
 * `internalNotes: false`.
 */
export const omnideskCapabilities: Capabilities = Object.freeze({
  vendor: 'omnidesk',
  list: true,
  send: true,
  text: { minLength: operationsById.createMessage.request.fields.message.minLength },
  // Only existing file ids can be forwarded (`forwardedFileIDs[]`); there is no upload.
  attachments: false,
  // Only with the `noteChannel` connection option: Omnidesk documents no `type` that creates a
  // note, so a connection without it has none (its instance capabilities say `true` when set).
  internalNotes: false,
  audiences: [],
  sendOptions: ['channel'],
  pagination: 'none',
  reconcile: 'by-listing',
  sync: {
    mode: 'scan-open-orders',
    cost: '1 list per 100 tickets and 1 read per ticket, every sync',
    pages: 'offset',
  },
  sendCost: {
    requests: 2,
    note: 'the POST answers without an id, so the ticket is read once after it: the whole timeline (Omnidesk cannot read part of one), so the bytes grow with the history',
  },
} as const satisfies Capabilities);

export interface OmnideskAdapter extends OrderMessagingAdapterV1<
  OmnideskClient,
  OmnideskTimelineEntry,
  OmnideskVendorOptions
> {
  /** Always `'omnidesk'`. */
  readonly vendor: 'omnidesk';
}

/** The wording Omnidesk uses in its `{status: 'error', message}` envelope, mapped to kinds. */
export function omnideskErrorHint(
  failure: Pick<HttpFailure, 'status' | 'body'>,
): ErrorHint | undefined {
  const envelope = isRecord(failure.body) && failure.body.status === 'error';
  // Omnidesk's older API answers some failures with 200 and its error envelope.
  if (failure.status === 200 && !envelope) return undefined;
  const text = vendorMessage(failure.body);
  if (!text || (failure.status !== 400 && failure.status !== 200)) return undefined;
  if (/api\s*key|unauthori[sz]ed|not authenticated/i.test(text)) return { kind: 'authentication' };
  if (/permission|not allowed|forbidden/i.test(text)) return { kind: 'permission' };
  if (/not\s*found|does not exist|unknown ticket|no ticket/i.test(text))
    return { kind: 'not_found' };
  if (/closed|merged|archived|deleted/i.test(text)) return { kind: 'invalid_order_state' };
  return failure.status === 200 ? { kind: 'validation' } : undefined;
}

/** A connection's capabilities: internal notes only when it names its note channel. */
function capabilitiesOf(config: OmnideskConfig): Capabilities {
  return config.noteChannel === undefined
    ? omnideskCapabilities
    : Object.freeze({ ...omnideskCapabilities, internalNotes: true });
}

function createOmnideskAdapter(options: OmnideskConnectionOptions): OmnideskAdapter {
  checkOptions(options);
  const config = configOf(options);
  const clientOptions = clientOptionsFor(options);
  return defineAdapter({
    vendor: 'omnidesk',
    capabilities: capabilitiesOf(config),
    // Omnidesk documents no rate limits; 429 answers are still honoured.
    rateLimits: {},
    createClient: (transport) => createOmnideskClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (options.apiKey ? [options.apiKey] : []),
    validate,
    send: (request, ctx) => send(config, request, ctx),
    list: (ref, ctx) => listMessages(config, ref, ctx),
    findSent: (probe, ctx) => findSent(config, probe, ctx),
    mapError: omnideskErrorHint,
    changedOrders: (request, ctx) => changedOrders(config, request, ctx),
  });
}

/** An Omnidesk connection: `omnidesk({ account | baseUrl, apiKey })`. */
export const omnidesk = Object.assign(createOmnideskAdapter, {
  /** Always `'omnidesk'`. */
  vendor: 'omnidesk' as const,
  /** What Omnidesk can do: {@link omnideskCapabilities}. */
  capabilities: omnideskCapabilities,
  /** Omnidesk documents no rate limits: none are declared (429s are still honoured). */
  rateLimits: {} as Readonly<Record<string, never>>,
});
export default omnidesk;

/** Omnidesk as data: settings (flags, env), sandbox wiring, capabilities. */
export const omnideskVendor = /* @__PURE__ */ defineVendor({
  name: 'omnidesk',
  title: 'Omnidesk',
  createAdapter: createOmnideskAdapter,
  capabilities: omnideskCapabilities,
  orderTerm: 'ticket',
  settings: [
    {
      key: 'account',
      placeholder: '<name>',
      description: 'account name (https://<name>.omnidesk.com)',
    },
    {
      key: 'domain',
      placeholder: '<domain>',
      description: 'omnidesk.com (default) or omnidesk.io, with an account name',
    },
    {
      key: 'baseUrl',
      placeholder: '<url>',
      description: 'full base URL ending in /api/v2, instead of an account name',
    },
    { key: 'apiKey', placeholder: '<key>', description: 'API key', secret: true },
    {
      key: 'userId',
      placeholder: '<id>',
      description: 'administrator user id to send as (default: "Agent Anonymous")',
      type: 'integer',
    },
    {
      key: 'noteChannel',
      placeholder: '<type>',
      description:
        'channel type that makes an internal note (none documented; no notes without it)',
    },
  ],
  requirements: [{ anyOf: ['account', 'baseUrl'] }, { anyOf: ['apiKey'] }],
  toOptions(values): OmnideskConnectionOptions {
    const baseUrl = stringSetting(values, 'baseUrl');
    const domain = stringSetting(values, 'domain');
    const userId = integerSetting(values, 'userId');
    const noteChannel = stringSetting(values, 'noteChannel');
    return {
      ...(baseUrl ? { baseUrl } : { account: stringSetting(values, 'account')! }),
      ...(domain === undefined ? {} : { domain: domain as OmnideskDomain }),
      apiKey: stringSetting(values, 'apiKey')!,
      ...(userId === undefined ? {} : { userId }),
      ...(noteChannel === undefined ? {} : { noteChannel }),
    };
  },
  sandbox: {
    settings: (access: { baseUrl: string; apiKey: string }) => ({
      baseUrl: access.baseUrl,
      apiKey: access.apiKey,
      // The sandbox's own convention (notes show `channel_id: 0` in a timeline), not Omnidesk's.
      noteChannel: '0',
    }),
    exampleOrder: (seed: { ticketWithMessages: number }) => String(seed.ticketWithMessages),
  },
});
