/**
 * The facade: named connections, each an adapter bound to its own typed client,
 * rate limiter and runtime settings. It validates, calls the adapter, maps
 * failures to typed errors and reconciles ambiguous sends. It never speaks a
 * vendor's HTTP itself.
 */
import { ConfigurationError, redactHeaders } from '@org/http-runtime';
import type {
  ClientOf,
  RawOf,
  RequestIssue,
  RuntimeSettings,
  SentProbe,
  VendorOptionsOf,
} from './adapter.js';
import { createCallContext, type CallRecord } from './call-context.js';
import {
  openConnection,
  type AdapterOf,
  type CallSettings,
  type Connection,
  type ConnectionEntry,
} from './connection.js';
import { DEFAULT_MAX_DOWNLOAD_BYTES, readAttachment } from './download.js';
import { UnsupportedOperationError, ValidationError } from './errors.js';
import type {
  Capabilities,
  DownloadedAttachment,
  OrderMessage,
  OrderRef,
  SendRequest,
  SendResult,
  VendorName,
} from './model.js';
import { DEFAULT_RECONCILE, sendWithReconciliation, type ReconcileSettings } from './reconcile.js';
import { checkId, quoted, validateRef, validateSend } from './validation.js';

export { DEFAULT_TOTAL_TIMEOUT_MS, type CallSettings, type ConnectionEntry } from './connection.js';
export { DEFAULT_MAX_DOWNLOAD_BYTES } from './download.js';

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
export interface DownloadSettings extends CallSettings {
  /** Refuse attachments larger than this many bytes (default 32 MiB); reading stops at the limit. */
  maxBytes?: number;
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
  /** The connection's typed vendor client, sharing its limiter, retries and timeouts. */
  raw<K extends keyof C & string>(connection: K): ClientOf<AdapterOf<C[K]>>;
}

/** Adapters' own checks read fields; a JavaScript caller may pass null or a string instead. */
function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
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

  function connectionOf(name: string): Connection {
    const connection = typeof name === 'string' ? connections.get(name) : undefined;
    if (!connection) {
      const known = [...connections.keys()].join(', ') || 'none';
      throw new ValidationError(`unknown connection ${quoted(name)} (configured: ${known})`, {
        field: 'connection',
        reason: 'invalid',
        delivery: 'not_sent',
      });
    }
    return connection;
  }

  function rejectIssues(connection: Connection, issues: RequestIssue[]): void {
    const first = issues[0];
    if (!first) return;
    const more =
      issues.length > 1
        ? ` (and ${issues.length - 1} more: ${issues
            .slice(1)
            .map((i) => i.field)
            .join(', ')})`
        : '';
    throw new ValidationError(`${connection.name}: ${first.message}${more}`, {
      vendor: connection.adapter.vendor,
      connection: connection.name,
      field: first.field,
      reason: first.reason,
      delivery: 'not_sent',
      retryable: false,
      ...(first.limit === undefined ? {} : { limit: first.limit }),
      ...(first.actual === undefined ? {} : { actual: first.actual }),
    });
  }

  /** `what` follows "<connection>: <vendor> ". */
  function unsupported(connection: Connection, what: string): UnsupportedOperationError {
    const { vendor } = connection.adapter;
    return new UnsupportedOperationError(`${connection.name}: ${vendor} ${what}`, {
      vendor,
      connection: connection.name,
      delivery: 'not_sent',
    });
  }

  function checkCapability(connection: Connection, operation: 'list' | 'send'): void {
    if (!connection.adapter.capabilities[operation]) {
      throw unsupported(connection, `does not support ${operation}`);
    }
  }

  /** The shared checks, then the adapter's own (which read fields, so only on an object). */
  function checkSendRequest(connection: Connection, request: SendRequest): void {
    const { adapter } = connection;
    rejectIssues(connection, [
      ...validateSend(request, adapter.capabilities),
      ...(isObject(request) ? (adapter.validate?.(request, 'send') ?? []) : []),
    ]);
  }

  async function* listMessages(
    name: string,
    ref: OrderRef,
    settings?: CallSettings,
  ): AsyncGenerator<OrderMessage> {
    const connection = connectionOf(name);
    const { adapter } = connection;
    rejectIssues(connection, [
      ...validateRef(ref, adapter.capabilities),
      ...(isObject(ref) ? (adapter.validate?.(ref, 'list') ?? []) : []),
    ]);
    checkCapability(connection, 'list');
    const ctx = createCallContext(connection, settings, { attempts: 0, writeAttempts: 0 });
    yield* adapter.list(ref, ctx);
  }

  const facade: OrderMessaging<C> = {
    connections: Object.freeze(
      [...connections.values()].map((c) =>
        Object.freeze({ name: c.name as keyof C & string, vendor: c.adapter.vendor }),
      ),
    ),

    async send(name, request, settings) {
      const connection = connectionOf(name);
      const { adapter } = connection;
      checkSendRequest(connection, request);
      checkCapability(connection, 'send');
      const tracker: CallRecord = { attempts: 0, writeAttempts: 0 };
      const ctx = createCallContext(connection, settings, tracker);
      const outcome = await sendWithReconciliation<RawAt<C, typeof name>>(
        adapter,
        request,
        ctx,
        reconcileSettings,
        connection.logger,
      );
      const response = tracker.lastResponse;
      return {
        message: outcome.message,
        reconciled: outcome.reconciled,
        attempts: tracker.writeAttempts,
        raw: {
          ...(tracker.lastWrite ? { request: tracker.lastWrite } : {}),
          ...(response
            ? { response: { status: response.status, headers: redactHeaders(response.headers) } }
            : {}),
        },
      };
    },

    list(name, ref, settings) {
      return listMessages(name, ref, settings) as AsyncIterable<
        OrderMessage<RawAt<C, typeof name>>
      >;
    },

    async listAll(name, ref, settings) {
      const all: OrderMessage<RawAt<C, typeof name>>[] = [];
      for await (const message of facade.list(name, ref, settings)) all.push(message);
      return all;
    },

    capabilities(name) {
      return connectionOf(name).adapter.capabilities;
    },

    async findSent(name, request, options) {
      const connection = connectionOf(name);
      const { adapter } = connection;
      checkSendRequest(connection, request);
      if (!adapter.findSent || adapter.capabilities.reconcile === 'none') {
        throw unsupported(connection, 'cannot list messages to find a sent one');
      }
      const since = options.since;
      const ctx = createCallContext(connection, options, { attempts: 0, writeAttempts: 0 });
      const probe: SentProbe = {
        request,
        since,
        notBefore: new Date(since.getTime() - reconcileSettings.clockSkewMs),
      };
      return (await adapter.findSent(probe, ctx)) as
        OrderMessage<RawAt<C, typeof name>> | undefined;
    },

    async downloadAttachment(name, attachment, settings) {
      const connection = connectionOf(name);
      const { adapter } = connection;
      const id = typeof attachment === 'string' ? attachment : attachment?.id;
      const maxBytes = settings?.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
      const issues: RequestIssue[] = [];
      const idIssue = checkId(id, 'attachment');
      if (idIssue) issues.push(idIssue);
      if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
        issues.push({
          field: 'maxBytes',
          reason: 'invalid',
          message: 'maxBytes must be a non-negative integer',
        });
      }
      rejectIssues(connection, issues);
      if (!adapter.capabilities.attachmentDownload || !adapter.downloadAttachment) {
        throw unsupported(connection, 'attachments cannot be downloaded through the facade');
      }
      const ctx = createCallContext(connection, settings, { attempts: 0, writeAttempts: 0 });
      const stream = await adapter.downloadAttachment(id as string, ctx);
      return readAttachment(stream, {
        vendor: adapter.vendor,
        connection: connection.name,
        attachmentId: id as string,
        maxBytes,
      });
    },

    raw(name) {
      return connectionOf(name).client as ClientOf<AdapterOf<C[typeof name]>>;
    },
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
