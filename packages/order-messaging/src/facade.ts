/**
 * The facade: named connections, each an adapter bound to its own typed client,
 * rate limiter and runtime settings. It validates, calls the adapter, maps
 * failures to typed errors and reconciles ambiguous sends. It never speaks a
 * vendor's HTTP itself.
 */
import { ConfigurationError } from '@org/http-runtime';
import type { ClientOf, RawOf, RuntimeSettings, VendorOptionsOf } from './adapter.js';
import {
  openConnection,
  type AdapterOf,
  type CallSettings,
  type Connection,
  type ConnectionEntry,
} from './connection.js';
import type {
  Capabilities,
  DownloadedAttachment,
  OrderMessage,
  OrderRef,
  SendRequest,
  SendResult,
  VendorName,
} from './model.js';
import {
  downloadAttachment,
  findSentMessage,
  listMessages,
  sendMessage,
  type DownloadSettings,
} from './operations.js';
import { resolveReconcileSettings, type ReconcileSettings } from './reconcile.js';
import { connectionNamed } from './request-checks.js';
import { auditSync } from './sync/audit.js';
import { runSync } from './sync/engine.js';
import { inbox } from './sync/inbox.js';
import type {
  AuditOptions,
  AuditReport,
  InboxEntry,
  InboxOptions,
  SyncEvent,
  SyncOptions,
} from './sync/types.js';

export { DEFAULT_TOTAL_TIMEOUT_MS, type CallSettings, type ConnectionEntry } from './connection.js';
export { DEFAULT_MAX_DOWNLOAD_BYTES } from './download.js';
export type { DownloadSettings } from './operations.js';

type Entries = Record<string, ConnectionEntry>;
type RawAt<C extends Entries, K extends keyof C> = RawOf<AdapterOf<C[K]>>;
/** The vendor options connection `K` accepts: its own vendor's key only, when `C` is known. */
type OptionsAt<C extends Entries, K extends keyof C> = VendorOptionsOf<AdapterOf<C[K]>>;

export interface CreateOrderMessagingOptions<C extends Entries> extends RuntimeSettings {
  /**
   * Connection name → adapter, or adapter with the connection's own settings:
   * `{ 'mirakl-fr': mirakl({...}), spp: { adapter: spp({...}), timeoutMs: 5_000 } }`.
   */
  connections: C;
  /** How ambiguous sends are checked before any resend. */
  reconcile?: ReconcileSettings;
}

/** A configured connection: its name and its adapter's vendor. */
export interface ConnectionInfo<Name extends string = string> {
  /** The connection's name, as given in `connections`. */
  readonly name: Name;
  /** The vendor its adapter serves (`mirakl`, `spp`…). */
  readonly vendor: VendorName;
}

/**
 * The facade {@link createOrderMessaging} returns: every operation takes a connection name first.
 * Each operation fails with an `OrderMessagingError` subclass: `instanceof` (or `kind`) says what
 * went wrong, `retryable` whether the same call may succeed later, `delivery` whether the message
 * may have reached the vendor (the README's "Errors" section has the full table).
 */
export interface OrderMessaging<C extends Entries> {
  /** The configured connections, in the order given. */
  readonly connections: readonly ConnectionInfo<keyof C & string>[];
  /**
   * Validates the request against the vendor's capabilities, sends it, and resolves to the message
   * as the vendor stored it. After an ambiguous failure the order is listed and a message found
   * there is returned with `reconciled: true`; nothing is sent twice unless `reconcile.maxResends`
   * says so.
   *
   * @throws `ValidationError` (`delivery: 'not_sent'`) for an unknown connection or an invalid
   * request (field, reason and limit in `field`, `reason`, `limit`, `actual`), and (`rejected`) for
   * the vendor's 400/422.
   * @throws `UnsupportedOperationError` (`not_sent`) when the vendor cannot send.
   * @throws `AuthenticationError`, `PermissionError`, `NotFoundError`, `InvalidOrderStateError`
   * (`rejected`: 401, 403, 404, 409 or the vendor's order-state refusal).
   * @throws `RateLimitedError`: `rejected` for a 429 the retries did not get past (`retryAfterMs`
   * set), `not_sent` when the connection's limiter could not grant a slot within
   * `maxRateLimitWaitMs` / `totalTimeoutMs`.
   * @throws `VendorServerError`, `NetworkError`, `TimeoutError`: `not_sent` when nothing was
   * written (connection refused, a deadline that passed first), `rejected` when the answer proves
   * nothing was stored, and `unknown` when the post may have been stored and reconciliation could
   * not find it: check with {@link OrderMessaging.findSent} before sending again.
   *
   * @example
   * ```ts
   * try {
   *   const { message, reconciled } = await messaging.send('mirakl-fr', {
   *     orderId: 'ORDER-1-A',
   *     text: 'Your parcel left today.',
   *   });
   *   console.log(message.id, reconciled);
   * } catch (error) {
   *   if (error instanceof OrderMessagingError && error.delivery === 'unknown') {
   *     // It may be on the order: findSent before sending again.
   *   } else throw error;
   * }
   * ```
   */
  send<K extends keyof C & string>(
    connection: K,
    request: SendRequest<OptionsAt<C, K>>,
    options?: CallSettings,
  ): Promise<SendResult<RawAt<C, K>>>;
  /**
   * Every message of the order, oldest or newest first as the vendor lists them, walking all pages
   * lazily (Mirakl seek tokens, SPP pages): nothing is requested before the first iteration.
   *
   * @throws (during iteration) `ValidationError` for an unknown connection or an invalid reference,
   * `UnsupportedOperationError` when the vendor cannot list, and the HTTP, network and timeout
   * errors of `send`. A listing posts nothing, so its errors are never `delivery: 'unknown'`:
   * `rejected` when the vendor answered, `not_sent` otherwise.
   *
   * @example
   * ```ts
   * for await (const m of messaging.list('spp', { orderId: 'E4A269FC' })) {
   *   console.log(m.sentAt.toISOString(), m.author.kind, m.internal ? '(note)' : '', m.text);
   * }
   * ```
   */
  list<K extends keyof C & string>(
    connection: K,
    ref: OrderRef<OptionsAt<C, K>>,
    options?: CallSettings,
  ): AsyncIterable<OrderMessage<RawAt<C, K>>>;
  /**
   * {@link OrderMessaging.list}, collected into an array.
   *
   * @throws what `list` throws.
   *
   * @example
   * ```ts
   * const messages = await messaging.listAll('gameboost', {
   *   orderId: '123456',
   *   vendorOptions: { gameboost: { orderKind: 'item' } },
   * });
   * ```
   */
  listAll<K extends keyof C & string>(
    connection: K,
    ref: OrderRef<OptionsAt<C, K>>,
    options?: CallSettings,
  ): Promise<OrderMessage<RawAt<C, K>>[]>;
  /**
   * What the connection's vendor can do, as data (text lengths, attachments, notes, audiences,
   * pagination, sync mode, send cost).
   *
   * @throws `ValidationError` (`field: 'connection'`) for an unknown connection.
   */
  capabilities(connection: keyof C & string): Capabilities;
  /**
   * The message this request would have stored, if it is already on the order: the check `send`
   * makes after an ambiguous failure, for callers that keep their own journal (a bulk run resumed
   * after a crash). `since` is when the first attempt was made; messages from us with the same
   * displayed text dated after `since` minus the clock skew match. Resolves to `undefined` when the
   * order has no such message.
   *
   * @throws `UnsupportedOperationError` for a vendor that cannot list messages; otherwise what
   * `list` throws (never `delivery: 'unknown'`).
   */
  findSent<K extends keyof C & string>(
    connection: K,
    request: SendRequest<OptionsAt<C, K>>,
    options: CallSettings & { since: Date },
  ): Promise<OrderMessage<RawAt<C, K>> | undefined>;
  /**
   * The bytes of a listed attachment (vendors with `capabilities.attachmentDownload`: Mirakl), read
   * up to `maxBytes` (default {@link DEFAULT_MAX_DOWNLOAD_BYTES}).
   *
   * @throws `ValidationError` (`field: 'maxBytes'`) for a file larger than `maxBytes`, refused from
   * its `Content-Length` or stopped as soon as the body passes it, never buffered whole.
   * @throws `UnsupportedOperationError` when the vendor cannot download attachments; otherwise what
   * `list` throws.
   */
  downloadAttachment(
    connection: keyof C & string,
    attachment: string | { id: string },
    options?: DownloadSettings,
  ): Promise<DownloadedAttachment>;
  /**
   * New and edited messages on any order of the connection since the cursor (or `since`), each
   * once, with checkpoint events to persist after each page (see the README, "Sync").
   * `totalTimeoutMs` bounds the whole scan; a scan cut short resumes from its last checkpoint.
   *
   * @throws `ValidationError` without `since` or `cursor`, or for a cursor of another connection or
   * a damaged one (`field: 'cursor'`); `UnsupportedOperationError` when the vendor has no sync;
   * otherwise what `list` throws.
   *
   * @example
   * ```ts
   * let cursor = await store.load(); // undefined the first time
   * for await (const event of messaging.sync('mirakl-fr', cursor ? { cursor } : { since: firstDay })) {
   *   if (event.type === 'message') await handle(event.message, event.order);
   *   else await store.save(event.cursor); // after the events before it are handled
   * }
   * ```
   */
  sync<K extends keyof C & string>(
    connection: K,
    options: SyncOptions,
  ): AsyncIterable<SyncEvent<RawAt<C, K>>>;
  /**
   * Lists every message created or edited in `[since, until)` without any watermark and reports
   * those the caller has not `seen`: proof that a sync lost nothing, or the gap it left.
   *
   * @throws what `sync` throws.
   */
  auditSync<K extends keyof C & string>(
    connection: K,
    options: AuditOptions,
  ): Promise<AuditReport<RawAt<C, K>>>;
  /**
   * Orders whose latest message is the customer's and unanswered, longest waiting first.
   *
   * @throws what `sync` throws.
   */
  inbox<K extends keyof C & string>(
    connection: K,
    options?: InboxOptions,
  ): Promise<InboxEntry<RawAt<C, K>>[]>;
  /** The connection's typed vendor client, sharing its limiter, retries and timeouts. */
  raw<K extends keyof C & string>(connection: K): ClientOf<AdapterOf<C[K]>>;
}

/**
 * Creates the facade over named connections, each an adapter (`mirakl({...})`, `spp({...})`…) or
 * `{ adapter, ...settings }` with settings of its own. Settings are layered: these options, then
 * the connection's, then the call's. Each connection gets its own rate limiter (vendors count per
 * credential) and typed client.
 *
 * @throws `ConfigurationError` for settings no request could carry, naming the setting and never
 * its value: no `connections`, an entry that is not an adapter, an adapter specification this
 * version does not support, a credential, header or `userAgent` with characters HTTP cannot carry,
 * a `baseUrl` with a query or fragment, an invalid timeout, retry or rate-limit setting.
 *
 * @example
 * ```ts
 * import { createOrderMessaging } from '@org/order-messaging';
 * import { mirakl } from '@org/order-messaging/mirakl';
 * import { spp } from '@org/order-messaging/spp';
 *
 * const messaging = createOrderMessaging({
 *   connections: {
 *     'mirakl-fr': mirakl({ instance: 'acme-fr', auth: { type: 'apiKey', apiKey: process.env.MIRAKL_FR_API_KEY! } }),
 *     spp: { adapter: spp({ workspaceUrl: 'acme.spp.co', token: process.env.SPP_TOKEN! }), timeoutMs: 5_000 },
 *   },
 *   timeoutMs: 15_000,
 * });
 * ```
 */
export function createOrderMessaging<const C extends Entries>(
  options: CreateOrderMessagingOptions<C>,
): OrderMessaging<C> {
  if (!options || typeof options.connections !== 'object' || options.connections === null) {
    throw new ConfigurationError('createOrderMessaging: `connections` is required');
  }
  const { connections: _connections, reconcile, ...sharedSettings } = options;
  const reconcileSettings = resolveReconcileSettings(reconcile);
  const connections = new Map<string, Connection>();
  for (const [name, entry] of Object.entries(options.connections)) {
    connections.set(name, openConnection(name, entry, sharedSettings));
  }
  const connectionOf = (name: string) => connectionNamed(connections, name);
  type Message<K extends keyof C> = OrderMessage<RawAt<C, K>>;

  const facade: OrderMessaging<C> = {
    connections: Object.freeze(
      [...connections.values()].map((c) =>
        Object.freeze({ name: c.name as keyof C & string, vendor: c.adapter.vendor }),
      ),
    ),
    send: async (name, request, settings) =>
      (await sendMessage(connectionOf(name), request, settings, reconcileSettings)) as SendResult<
        RawAt<C, typeof name>
      >,
    list: (name, ref, settings) =>
      listMessages(() => connectionOf(name), ref, settings) as AsyncIterable<Message<typeof name>>,
    async listAll(name, ref, settings) {
      const all: Message<typeof name>[] = [];
      for await (const message of facade.list(name, ref, settings)) all.push(message);
      return all;
    },
    capabilities: (name) => connectionOf(name).adapter.capabilities,
    findSent: async (name, request, findOptions) =>
      (await findSentMessage(connectionOf(name), request, findOptions, reconcileSettings)) as
        Message<typeof name> | undefined,
    downloadAttachment: (name, attachment, settings) =>
      downloadAttachment(connectionOf(name), attachment, settings),
    sync: (name, syncOptions) =>
      runSync(() => connectionOf(name), syncOptions) as AsyncIterable<
        SyncEvent<RawAt<C, typeof name>>
      >,
    auditSync: async (name, auditOptions) =>
      (await auditSync(connectionOf(name), auditOptions)) as AuditReport<RawAt<C, typeof name>>,
    inbox: async (name, inboxOptions) =>
      (await inbox(connectionOf(name), inboxOptions)) as InboxEntry<RawAt<C, typeof name>>[],
    raw: (name) => connectionOf(name).client as ClientOf<AdapterOf<C[typeof name]>>,
  };

  Object.defineProperty(facade, Symbol.for('nodejs.util.inspect.custom'), {
    value: () =>
      `OrderMessaging { connections: [${[...connections.values()].map((c) => `${c.name} (${c.adapter.vendor})`).join(', ')}] }`,
  });
  Object.defineProperty(facade, 'toJSON', {
    value: () => ({ connections: facade.connections }),
  });
  return facade;
}
