/**
 * Omnidesk adapter. The "order" is a ticket (`orderId` = ticket id).
 * - send: `POST /message` (multipart) into the ticket, in the channel `type` the request names
 *   (default e-mail, `1`); an internal note goes to the note channel. Omnidesk answers only
 *   `{type: 'result'}`, so the ticket is read before and after the post and the new timeline
 *   entry is the sent message.
 * - list: the ticket's `timeline` (`GET /ticket/{ticketID}`), events left out. One page.
 */
import {
  createOmnideskClient,
  operationsById,
  type OmnideskClient,
  type OmnideskDomain,
  type OmnideskTicket,
  type OmnideskTimelineEntry,
} from '@org/omnidesk-client';
import {
  clientOptionsOf,
  comparableText,
  defineAdapter,
  defineVendor,
  vendorOptionsOf,
  integerSetting,
  isoDate,
  isRecord,
  pickSent,
  stringId,
  stringSetting,
  vendorMessage,
  type AdapterContext,
  type Capabilities,
  type ConnectionOptions,
  type ErrorHint,
  type HttpFailure,
  type OrderMessage,
  type OrderMessagingAdapterV1,
  type OrderRef,
  type RequestIssue,
  type SendRequest,
  type SentProbe,
} from '../adapter-kit.js';

export type { OmnideskClient, OmnideskTimelineEntry } from '@org/omnidesk-client';

export interface OmnideskConnectionOptions extends ConnectionOptions {
  apiKey: string;
  /** Account subdomain (`acme` of `https://acme.omnidesk.com`); give this or `baseUrl`. */
  account?: string;
  domain?: OmnideskDomain;
  /** Channel `type` used when a request names none. Default `1` (e-mail). */
  defaultChannel?: string;
  /**
   * Channel `type` for internal notes. Default `0`: notes carry `channel_id: 0` in the timeline
   * (inferred; Omnidesk does not document which `type` creates a note).
   */
  noteChannel?: string;
  /** Administrator user id to send as (`userID`); Omnidesk credits "Agent Anonymous" otherwise. */
  userId?: number;
  /** Omnidesk timestamps carry no zone; minutes east of UTC of the account's clock. Default 0 (UTC). */
  utcOffsetMinutes?: number;
}

/** Options only Omnidesk understands, under `vendorOptions.omnidesk`. */
export interface OmnideskSendOptions {
  /** The channel `type` to send in (`1` = e-mail, `calllog`, `contactform`, ...). */
  channel?: string;
}
export type OmnideskVendorOptions = { omnidesk?: OmnideskSendOptions };

export type OmnideskOrderMessage = OrderMessage<OmnideskTimelineEntry>;

export const omnideskCapabilities: Capabilities = Object.freeze({
  vendor: 'omnidesk',
  list: true,
  send: true,
  text: { minLength: operationsById.createMessage.request.fields.message.minLength },
  // Only existing file ids can be forwarded (`forwardedFileIDs[]`); there is no upload.
  attachments: false,
  internalNotes: true,
  audiences: [],
  sendOptions: ['channel'],
  pagination: 'none',
  reconcile: 'by-listing',
} as const satisfies Capabilities);

const CHANNEL = /^([0-9]+|calllog|contactform)$/;
const TICKET_ID = /^[1-9][0-9]{0,15}$/;
const OMNIDESK_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const SNAPSHOT = 'omnidesk.timelineIdsBeforeSend';

type Ctx = AdapterContext<OmnideskClient>;

export interface OmnideskAdapter extends OrderMessagingAdapterV1<
  OmnideskClient,
  OmnideskTimelineEntry,
  OmnideskVendorOptions
> {
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

function createOmnideskAdapter(options: OmnideskConnectionOptions): OmnideskAdapter {
  const clientOptions = {
    ...clientOptionsOf(options),
    apiKey: options.apiKey,
    ...(options.account === undefined ? {} : { account: options.account }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
  };
  const defaultChannel = options.defaultChannel ?? '1';
  const noteChannel = options.noteChannel ?? '0';
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;

  function parseTime(value: unknown): Date | undefined {
    if (typeof value !== 'string') return undefined;
    const match = OMNIDESK_TIME.exec(value.trim());
    if (!match) return isoDate(value);
    const [, y, mo, d, h, mi, s] = match.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMs);
  }

  const isMessage = (entry: OmnideskTimelineEntry) => entry.type !== 'event';

  function normalize(
    entry: OmnideskTimelineEntry,
    ticket: OmnideskTicket,
    ctx: Ctx,
  ): OmnideskOrderMessage {
    const internal = entry.type === 'note';
    const inbound = !internal && entry.direction === 'in';
    const userId =
      typeof entry.user_id === 'number' && entry.user_id > 0 ? String(entry.user_id) : undefined;
    const customerId = stringId(ticket.customer_id);
    const id = inbound ? customerId : userId;
    const name =
      typeof entry.user_name === 'string' && entry.user_name !== '' ? entry.user_name : undefined;
    return {
      id: stringId(entry.id) ?? '',
      orderId: String(ticket.id),
      text: typeof entry.content === 'string' ? entry.content : '',
      author: {
        kind: inbound ? 'customer' : 'staff',
        ...(id === undefined ? {} : { id }),
        ...(name === undefined ? {} : { name }),
      },
      sentAt: parseTime(entry.created_at) ?? new Date(0),
      attachments: [],
      internal,
      vendor: 'omnidesk',
      connection: ctx.connection,
      raw: entry,
    };
  }

  async function getTicket(orderId: string, ctx: Ctx): Promise<OmnideskTicket> {
    const { data } = await ctx.call('get ticket', () =>
      ctx.client.GET('/ticket/{ticketID}', {
        params: { path: { ticketID: Number(orderId) } },
      }),
    );
    const item = isRecord(data) ? data.item : undefined;
    if (!isRecord(item) || item.id === undefined) {
      throw ctx.unexpected(
        'get ticket',
        vendorMessage(data) ?? 'no ticket `item` in the answer',
        data,
      );
    }
    return item as OmnideskTicket;
  }

  async function* list(
    ref: OrderRef<OmnideskVendorOptions>,
    ctx: Ctx,
  ): AsyncGenerator<OmnideskOrderMessage> {
    const ticket = await getTicket(ref.orderId, ctx);
    for (const entry of ticket.timeline ?? [])
      if (isMessage(entry)) yield normalize(entry, ticket, ctx);
  }

  /** The timeline entry the send created: new since the snapshot, same text, newest. */
  function findNew(
    ticket: OmnideskTicket,
    probe: SentProbe<OmnideskVendorOptions>,
    ctx: Ctx,
  ): OmnideskOrderMessage | undefined {
    const before = ctx.sendState.get(SNAPSHOT) as ReadonlySet<string> | undefined;
    const candidates = (ticket.timeline ?? [])
      .filter((entry) => isMessage(entry) && !(before && before.has(String(entry.id))))
      .map((entry) => normalize(entry, ticket, ctx));
    if (before) {
      // Timestamps have no documented zone, so the snapshot decides what is new, not the clock.
      const wanted = comparableText(probe.request.text);
      return candidates
        .filter(
          (m) =>
            m.internal === (probe.request.internal === true) && comparableText(m.text) === wanted,
        )
        .at(-1);
    }
    return pickSent(candidates, probe);
  }

  async function send(
    request: SendRequest<OmnideskVendorOptions>,
    ctx: Ctx,
  ): Promise<OmnideskOrderMessage> {
    if (!ctx.sendState.has(SNAPSHOT)) {
      const before = await getTicket(request.orderId, ctx);
      ctx.sendState.set(
        SNAPSHOT,
        new Set((before.timeline ?? []).map((entry) => String(entry.id))),
      );
    }
    const { channel } = vendorOptionsOf<OmnideskSendOptions>(request, 'omnidesk');
    const type = request.internal ? noteChannel : (channel ?? defaultChannel);
    const { data } = await ctx.call(
      'create message',
      () =>
        ctx.client.POST('/message', {
          body: {
            ticketID: Number(request.orderId),
            type,
            message: request.text,
            ...(options.userId === undefined ? {} : { userID: options.userId }),
          },
        }),
      { write: true },
    );
    if (isRecord(data) && (data as Record<string, unknown>).status === 'error') {
      throw ctx.unexpected('create message', vendorMessage(data) ?? 'error envelope', data);
    }
    const probe: SentProbe<OmnideskVendorOptions> = {
      request,
      since: new Date(),
      notBefore: new Date(Date.now() - 120_000),
    };
    try {
      const found = findNew(await getTicket(request.orderId, ctx), probe, ctx);
      if (found) return found;
    } catch (error) {
      ctx.logger.warn('message sent; reading the ticket back failed', {
        vendor: 'omnidesk',
        connection: ctx.connection,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    // Sent (the vendor said so) but not readable: describe it from the request; the id is unknown.
    const raw: OmnideskTimelineEntry = {
      type: request.internal ? 'note' : 'message',
      ticket_id: Number(request.orderId),
      content: request.text,
      ...(isRecord(data) ? { result: data } : {}),
    };
    return {
      id: '',
      orderId: request.orderId,
      text: request.text,
      author: {
        kind: 'staff',
        ...(options.userId === undefined ? {} : { id: String(options.userId) }),
      },
      sentAt: new Date(),
      attachments: [],
      internal: request.internal === true,
      vendor: 'omnidesk',
      connection: ctx.connection,
      raw,
    };
  }

  async function findSent(probe: SentProbe<OmnideskVendorOptions>, ctx: Ctx) {
    return findNew(await getTicket(probe.request.orderId, ctx), probe, ctx);
  }

  function validate(
    request: OrderRef<OmnideskVendorOptions> | SendRequest<OmnideskVendorOptions>,
    operation: 'send' | 'list',
  ): RequestIssue[] {
    const issues: RequestIssue[] = [];
    if (
      typeof request.orderId === 'string' &&
      request.orderId !== '' &&
      // Ticket ids travel as JSON/form numbers: above 2^53 they would silently name another ticket.
      !(TICKET_ID.test(request.orderId) && Number.isSafeInteger(Number(request.orderId)))
    ) {
      issues.push({
        field: 'orderId',
        reason: 'invalid',
        message: `an Omnidesk order is a ticket: orderId must be the numeric ticket id (got ${JSON.stringify(request.orderId)})`,
      });
    }
    if (operation === 'send') {
      const { internal } = request as SendRequest<OmnideskVendorOptions>;
      const { channel } = vendorOptionsOf<OmnideskSendOptions>(request, 'omnidesk');
      if (typeof channel === 'string' && !CHANNEL.test(channel)) {
        issues.push({
          field: 'vendorOptions.omnidesk.channel',
          reason: 'invalid',
          message: `channel must be a numeric channel id, "calllog" or "contactform" (got ${JSON.stringify(channel)})`,
        });
      }
      if (internal === true && channel !== undefined) {
        issues.push({
          field: 'vendorOptions.omnidesk.channel',
          reason: 'invalid',
          message: 'an internal note goes to the note channel; leave channel out',
        });
      }
    }
    return issues;
  }

  return defineAdapter({
    vendor: 'omnidesk',
    capabilities: omnideskCapabilities,
    // Omnidesk documents no rate limits; 429 answers are still honoured.
    rateLimits: {},
    createClient: (transport) => createOmnideskClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (options.apiKey ? [options.apiKey] : []),
    validate,
    send,
    list,
    findSent,
    mapError: omnideskErrorHint,
  });
}

/** An Omnidesk connection: `omnidesk({ account | baseUrl, apiKey })`. */
export const omnidesk = Object.assign(createOmnideskAdapter, {
  vendor: 'omnidesk' as const,
  capabilities: omnideskCapabilities,
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
  ],
  requirements: [{ anyOf: ['account', 'baseUrl'] }, { anyOf: ['apiKey'] }],
  toOptions(values): OmnideskConnectionOptions {
    const baseUrl = stringSetting(values, 'baseUrl');
    const domain = stringSetting(values, 'domain');
    const userId = integerSetting(values, 'userId');
    return {
      ...(baseUrl ? { baseUrl } : { account: stringSetting(values, 'account')! }),
      ...(domain === undefined ? {} : { domain: domain as OmnideskDomain }),
      apiKey: stringSetting(values, 'apiKey')!,
      ...(userId === undefined ? {} : { userId }),
    };
  },
  sandbox: {
    settings: (access: { baseUrl: string; apiKey: string }) => ({
      baseUrl: access.baseUrl,
      apiKey: access.apiKey,
    }),
    exampleOrder: (seed: { ticketWithMessages: number }) => String(seed.ticketWithMessages),
  },
});
