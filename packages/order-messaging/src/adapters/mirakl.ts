/**
 * Mirakl (MMP) adapter. Order messages live in threads:
 * - send: M11 finds the order's threads; the newest one open to the requested audience gets an
 *   M12 reply, otherwise OR43 opens a thread with a topic. M10 then reads the stored message back.
 * - list: M11 (seek pages, `next_page_token`) for the order's threads, then M10 for each thread,
 *   because M11's `with_messages` stops at the last 100 messages of a thread.
 * - audience → M12/OR43 `to`: customer → CUSTOMER, seller → SHOP, operator → OPERATOR.
 */
import {
  contentDispositionFileName,
  createMiraklClient,
  operationsById,
  type MiraklAuth,
  type MiraklClient,
  type MiraklParticipant,
  type MiraklThread,
  type MiraklThreadMessage,
} from '@org/mirakl-client';
import {
  attachmentFile,
  checkId,
  clientOptionsOf,
  defineAdapter,
  defineVendor,
  vendorOptionsOf,
  integerSetting,
  isoDate,
  MAX_PAGES,
  NotFoundError,
  stringSetting,
  type AdapterContext,
  type AttachmentStream,
  type Audience,
  type AuthorKind,
  type Capabilities,
  type ConnectionOptions,
  type OrderMessage,
  type OrderMessagingAdapterV1,
  type OrderRef,
  type RequestIssue,
  type SendRequest,
} from '../adapter-kit.js';

export type { MiraklAuth, MiraklClient, MiraklThreadMessage } from '@org/mirakl-client';

export interface MiraklConnectionOptions extends ConnectionOptions {
  auth: MiraklAuth;
  /** Instance name (`acme` of `https://acme.mirakl.net`); give this or `baseUrl`. */
  instance?: string;
  /** Seller API: act as this shop when the key reaches several. */
  shopId?: number;
  /** Which side this connection writes as, for the author of sent messages. Default `seller` (shop API). */
  actingAs?: 'seller' | 'operator';
  /** Audience when a request gives none. Default `['customer']`. */
  defaultAudience?: readonly Audience[];
  /** Threads per M11 page (Mirakl's default 50). */
  pageSize?: number;
}

/** Options only Mirakl understands, under `vendorOptions.mirakl`. */
export interface MiraklSendOptions {
  /** Topic (FREE_TEXT) of a new thread; default `Order <orderId>`. */
  subject?: string;
  /** Reply in this thread instead of the order's most recent one. */
  threadId?: string;
}
export type MiraklVendorOptions = { mirakl?: MiraklSendOptions };

function optionsOf(ref: OrderRef<MiraklVendorOptions>): Partial<MiraklSendOptions> {
  return vendorOptionsOf<MiraklSendOptions>(ref, 'mirakl');
}

export type MiraklOrderMessage = OrderMessage<MiraklThreadMessage>;

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
  sendOptions: ['subject', 'threadId'],
  pagination: 'seek',
  reconcile: 'by-listing',
  attachmentDownload: true,
} as const satisfies Capabilities);

type ParticipantType = 'CUSTOMER' | 'SHOP' | 'OPERATOR';

const TO_PARTICIPANT: Record<Audience, ParticipantType> = {
  customer: 'CUSTOMER',
  seller: 'SHOP',
  operator: 'OPERATOR',
};

const AUTHOR_KIND: Record<string, AuthorKind> = {
  CUSTOMER: 'customer',
  SHOP: 'seller',
  OPERATOR: 'operator',
};

type Ctx = AdapterContext<MiraklClient>;

/** Threads name their entities; a thread that names none is taken at M11's word. */
function belongsTo(thread: MiraklThread, orderId: string): boolean {
  return !thread.entities?.length || thread.entities.some((entity) => entity.id === orderId);
}

export interface MiraklAdapter extends OrderMessagingAdapterV1<
  MiraklClient,
  MiraklThreadMessage,
  MiraklVendorOptions
> {
  readonly vendor: 'mirakl';
}

function createMiraklAdapter(options: MiraklConnectionOptions): MiraklAdapter {
  const secret = options.auth?.type === 'apiKey' ? options.auth.apiKey : options.auth?.token;
  const actingAs: AuthorKind = options.actingAs ?? 'seller';
  const defaultAudience = options.defaultAudience ?? ['customer'];
  const pageSize = options.pageSize;
  const clientOptions = {
    ...clientOptionsOf(options),
    auth: options.auth,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    ...(options.shopId === undefined ? {} : { shopId: options.shopId }),
  };

  function normalize(
    message: MiraklThreadMessage,
    thread: MiraklThread,
    orderId: string,
    ctx: Ctx,
  ): MiraklOrderMessage {
    const from = message.from;
    const kind =
      AUTHOR_KIND[String(from?.type ?? from?.organization_details?.type ?? '')] ?? 'system';
    const authorId = from?.organization_details?.id;
    const authorName = from?.display_name ?? from?.organization_details?.display_name;
    return {
      id: message.id ?? '',
      orderId,
      threadId: thread.id,
      text: message.body ?? '',
      author: {
        kind,
        ...(authorId === undefined ? {} : { id: authorId }),
        ...(authorName === undefined ? {} : { name: authorName }),
      },
      sentAt: isoDate(message.date_created) ?? isoDate(thread.date_updated) ?? new Date(0),
      attachments: (message.attachments ?? []).map((attachment) => ({
        id: attachment.id ?? '',
        filename: attachment.name ?? attachment.id ?? '',
        ...(attachment.size === undefined ? {} : { size: attachment.size }),
      })),
      internal: false,
      vendor: 'mirakl',
      connection: ctx.connection,
      raw: message,
    };
  }

  /** Every thread of the order (M11, following `next_page_token`). */
  async function* orderThreads(orderId: string, ctx: Ctx): AsyncGenerator<MiraklThread> {
    let pageToken: string | undefined;
    const seenTokens = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = pageToken
        ? { page_token: pageToken, ...(pageSize ? { limit: pageSize } : {}) }
        : {
            entity_type: 'MMP_ORDER' as const,
            entity_id: [orderId],
            ...(pageSize ? { limit: pageSize } : {}),
          };
      const { data } = await ctx.call('M11 list threads', () =>
        ctx.client.GET('/api/inbox/threads', { params: { query } }),
      );
      if (!Array.isArray(data?.data))
        throw ctx.unexpected('M11 list threads', 'no `data` array', data);
      for (const thread of data.data) {
        // Mirakl filters by entity; checking again keeps a lax server from mixing in other orders.
        if (!belongsTo(thread, orderId)) continue;
        yield thread;
      }
      const next = data.next_page_token;
      if (!next || seenTokens.has(next)) return;
      seenTokens.add(next);
      pageToken = next;
    }
  }

  async function getThread(threadId: string, ctx: Ctx) {
    const { data } = await ctx.call('M10 get thread', () =>
      ctx.client.GET('/api/inbox/threads/{thread_id}', {
        params: { path: { thread_id: threadId } },
      }),
    );
    if (!data || !Array.isArray(data.messages))
      throw ctx.unexpected('M10 get thread', 'no `messages` array', data);
    return data;
  }

  async function* list(
    ref: OrderRef<MiraklVendorOptions>,
    ctx: Ctx,
  ): AsyncGenerator<MiraklOrderMessage> {
    for await (const thread of orderThreads(ref.orderId, ctx)) {
      const full = await getThread(thread.id, ctx);
      for (const message of full.messages) yield normalize(message, full, ref.orderId, ctx);
    }
  }

  function recipients(thread: MiraklThread, audience: readonly Audience[]) {
    return audience.map((target) => {
      const type = TO_PARTICIPANT[target];
      const participant: MiraklParticipant | undefined = [
        ...(thread.authorized_participants ?? []),
        ...(thread.current_participants ?? []),
      ].find((p) => p.type === type);
      return type === 'OPERATOR' || !participant?.id ? { type } : { type, id: participant.id };
    });
  }

  function openTo(thread: MiraklThread, audience: readonly Audience[]): boolean {
    const types = new Set((thread.authorized_participants ?? []).map((p) => String(p.type)));
    return audience.every((target) => types.has(TO_PARTICIPANT[target]));
  }

  async function chooseThread(
    request: SendRequest<MiraklVendorOptions>,
    audience: readonly Audience[],
    ctx: Ctx,
  ) {
    const { threadId } = optionsOf(request);
    if (threadId) {
      const thread = await getThread(threadId, ctx);
      if (!belongsTo(thread, request.orderId)) {
        throw new NotFoundError(
          `${ctx.connection}: thread ${threadId} is not a thread of order ${request.orderId}`,
          { vendor: 'mirakl', connection: ctx.connection, delivery: 'not_sent' },
        );
      }
      return thread;
    }
    let best: MiraklThread | undefined;
    for await (const thread of orderThreads(request.orderId, ctx)) {
      if (!openTo(thread, audience)) continue;
      if (
        !best ||
        (isoDate(thread.date_updated)?.getTime() ?? 0) >
          (isoDate(best.date_updated)?.getTime() ?? 0)
      ) {
        best = thread;
      }
    }
    return best;
  }

  async function send(
    request: SendRequest<MiraklVendorOptions>,
    ctx: Ctx,
  ): Promise<MiraklOrderMessage> {
    const audience =
      request.audience && request.audience.length > 0 ? request.audience : defaultAudience;
    const files = (request.attachments ?? []).map(attachmentFile);
    const thread = await chooseThread(request, audience, ctx);

    let created: { message_id?: string; thread_id?: string };
    if (thread) {
      // The thread the caller named, as named; otherwise the one M11 found.
      const threadId = optionsOf(request).threadId ?? thread.id;
      const { data } = await ctx.call(
        'M12 reply to thread',
        () =>
          ctx.client.POST('/api/inbox/threads/{thread_id}/message', {
            params: { path: { thread_id: threadId } },
            body: {
              message_input: { body: request.text, to: recipients(thread, audience) },
              ...(files.length > 0 ? { files } : {}),
            },
          }),
        { write: true },
      );
      created = { thread_id: threadId, ...data };
    } else {
      const { data } = await ctx.call(
        'OR43 create order thread',
        () =>
          ctx.client.POST('/api/orders/{order_id}/threads', {
            params: { path: { order_id: request.orderId } },
            body: {
              thread_input: {
                body: request.text,
                to: audience.map((target) => TO_PARTICIPANT[target]),
                topic: {
                  type: 'FREE_TEXT',
                  value: optionsOf(request).subject ?? `Order ${request.orderId}`,
                },
              },
              ...(files.length > 0 ? { files } : {}),
            },
          }),
        { write: true },
      );
      created = data ?? {};
    }
    if (!created.message_id || !created.thread_id) {
      throw ctx.unexpected('send', 'no message_id/thread_id in the answer', created, {
        write: true,
      });
    }
    return readBack(created.thread_id, created.message_id, request, files, ctx);
  }

  /** The stored message from M10; a description from the request when the read-back fails (it was sent). */
  async function readBack(
    threadId: string,
    messageId: string,
    request: SendRequest<MiraklVendorOptions>,
    files: File[],
    ctx: Ctx,
  ): Promise<MiraklOrderMessage> {
    try {
      const thread = await getThread(threadId, ctx);
      const stored = thread.messages.find((message) => message.id === messageId);
      if (stored) return normalize(stored, thread, request.orderId, ctx);
    } catch (error) {
      ctx.logger.warn('message sent; reading it back failed', {
        vendor: 'mirakl',
        connection: ctx.connection,
        messageId,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    const raw: MiraklThreadMessage = {
      id: messageId,
      body: request.text,
      date_created: new Date().toISOString(),
      attachments: files.map((file) => ({ name: file.name, size: file.size })),
    };
    return {
      id: messageId,
      orderId: request.orderId,
      threadId,
      text: request.text,
      author: { kind: actingAs },
      sentAt: new Date(),
      attachments: files.map((file) => ({
        id: '',
        filename: file.name,
        size: file.size,
        contentType: file.type,
      })),
      internal: false,
      vendor: 'mirakl',
      connection: ctx.connection,
      raw,
    };
  }

  /** M13: the attachment's bytes as a stream; the facade bounds how much of it is read. */
  async function downloadAttachment(attachmentId: string, ctx: Ctx): Promise<AttachmentStream> {
    const { data, response } = await ctx.call('M13 download attachment', () =>
      ctx.client.GET('/api/inbox/threads/{attachment_id}/download', {
        params: { path: { attachment_id: attachmentId } },
        parseAs: 'stream',
      }),
    );
    const length = Number(response.headers.get('content-length'));
    const filename = contentDispositionFileName(response.headers.get('content-disposition'));
    const contentType = response.headers.get('content-type');
    return {
      ...(filename ? { filename } : {}),
      ...(contentType ? { contentType } : {}),
      ...(Number.isSafeInteger(length) && length >= 0 && response.headers.has('content-length')
        ? { declaredBytes: length }
        : {}),
      body: (data as ReadableStream<Uint8Array> | null | undefined) ?? null,
    };
  }

  function validate(
    request: OrderRef<MiraklVendorOptions> | SendRequest<MiraklVendorOptions>,
  ): RequestIssue[] {
    const issues: RequestIssue[] = [];
    if (typeof request.orderId === 'string' && request.orderId.includes(',')) {
      issues.push({
        field: 'orderId',
        reason: 'invalid',
        message: 'a Mirakl order id cannot contain "," (M11 takes entity ids comma-separated)',
      });
    }
    const { threadId } = optionsOf(request);
    if (threadId !== undefined) {
      const issue = checkId(threadId, 'vendorOptions.mirakl.threadId');
      if (issue) issues.push(issue);
    }
    return issues;
  }

  return defineAdapter({
    vendor: 'mirakl',
    capabilities: miraklCapabilities,
    // Mirakl documents "call frequency" guidance but no numbers; 429 answers are still honoured.
    rateLimits: {},
    createClient: (transport) => createMiraklClient({ ...clientOptions, fetch: transport.fetch }),
    secrets: () => (secret ? [secret] : []),
    validate,
    send,
    list,
    downloadAttachment,
  });
}

/** A Mirakl connection: `mirakl({ baseUrl | instance, auth, shopId? })`. */
export const mirakl = Object.assign(createMiraklAdapter, {
  vendor: 'mirakl' as const,
  capabilities: miraklCapabilities,
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
