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
import { DEFAULT_RECONCILE, type ReconcileSettings } from './reconcile.js';
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

export interface ConnectionInfo<Name extends string = string> {
  readonly name: Name;
  readonly vendor: VendorName;
}

export interface OrderMessaging<C extends Entries> {
  readonly connections: readonly ConnectionInfo<keyof C & string>[];
  /** Sends a message and returns it as the vendor stored it (found by reconciliation after an ambiguous failure). */
  send<K extends keyof C & string>(
    connection: K,
    request: SendRequest<OptionsAt<C, K>>,
    options?: CallSettings,
  ): Promise<SendResult<RawAt<C, K>>>;
  /** Every message of the order, walking all pages lazily. */
  list<K extends keyof C & string>(
    connection: K,
    ref: OrderRef<OptionsAt<C, K>>,
    options?: CallSettings,
  ): AsyncIterable<OrderMessage<RawAt<C, K>>>;
  listAll<K extends keyof C & string>(
    connection: K,
    ref: OrderRef<OptionsAt<C, K>>,
    options?: CallSettings,
  ): Promise<OrderMessage<RawAt<C, K>>[]>;
  capabilities(connection: keyof C & string): Capabilities;
  /**
   * The message this request would have stored, if it is already on the order: the check
   * `send` makes after an ambiguous failure, for callers that keep their own journal (a bulk
   * run resumed after a crash). `since` is when the first attempt was made; messages from us
   * with the same text dated after `since` minus the clock skew match.
   * Throws UnsupportedOperationError for a vendor that cannot list messages.
   */
  findSent<K extends keyof C & string>(
    connection: K,
    request: SendRequest<OptionsAt<C, K>>,
    options: CallSettings & { since: Date },
  ): Promise<OrderMessage<RawAt<C, K>> | undefined>;
  /**
   * The bytes of a listed attachment (vendors with `capabilities.attachmentDownload`), read up to
   * `maxBytes`: a larger file fails with a ValidationError (`field: 'maxBytes'`) without being buffered.
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
   */
  sync<K extends keyof C & string>(
    connection: K,
    options: SyncOptions,
  ): AsyncIterable<SyncEvent<RawAt<C, K>>>;
  /**
   * Lists every message created or edited in `[since, until)` without any watermark and reports
   * those the caller has not `seen`: proof that a sync lost nothing, or the gap it left.
   */
  auditSync<K extends keyof C & string>(
    connection: K,
    options: AuditOptions,
  ): Promise<AuditReport<RawAt<C, K>>>;
  /** Orders whose latest message is the customer's and unanswered, longest waiting first. */
  inbox<K extends keyof C & string>(
    connection: K,
    options?: InboxOptions,
  ): Promise<InboxEntry<RawAt<C, K>>[]>;
  /** The connection's typed vendor client, sharing its limiter, retries and timeouts. */
  raw<K extends keyof C & string>(connection: K): ClientOf<AdapterOf<C[K]>>;
}

export function createOrderMessaging<const C extends Entries>(
  options: CreateOrderMessagingOptions<C>,
): OrderMessaging<C> {
  if (!options || typeof options.connections !== 'object' || options.connections === null) {
    throw new ConfigurationError('createOrderMessaging: `connections` is required');
  }
  const { connections: _connections, reconcile, ...sharedSettings } = options;
  const reconcileSettings = { ...DEFAULT_RECONCILE, ...reconcile };
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
