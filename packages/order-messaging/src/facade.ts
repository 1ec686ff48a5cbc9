/**
 * The facade: named connections, each an adapter bound to its own typed client,
 * rate limiter and runtime settings. It validates, calls the adapter, maps
 * failures to typed errors and reconciles ambiguous sends. It never speaks a
 * vendor's HTTP itself.
 */
import {
  ConfigurationError,
  createRateLimiter,
  createResilientFetch,
  rateLimitRules,
  redactHeaders,
  redactUrl,
  scrubbingLogger,
  silentLogger,
  type Logger,
  type RateLimiter,
  type ResilientFetch,
} from '@org/http-runtime';
import {
  ADAPTER_SPECIFICATION_VERSIONS,
  type AdapterContext,
  type AnyAdapter,
  type CallInit,
  type ClientOf,
  type FetchFunction,
  type RawOf,
  type RequestIssue,
  type RetrySettings,
  type SentProbe,
  type RuntimeSettings,
} from './adapter.js';
import { errorFromException, errorFromHttp, type ErrorScope } from './error-mapping.js';
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

export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;
/** Above Mirakl's 30 MB per message, so any attachment it stores fits by default. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;

export interface CreateOrderMessagingOptions<
  C extends Record<string, AnyAdapter>,
> extends RuntimeSettings {
  /** Connection name → adapter, e.g. `{ 'mirakl-fr': mirakl({...}), spp: spp({...}) }`. */
  connections: C;
  /** How ambiguous sends are checked before any resend. */
  reconcile?: ReconcileSettings;
}

/** Per-call settings; they override the connection's and the facade's. */
export interface CallSettings {
  signal?: AbortSignal;
  timeoutMs?: number;
  totalTimeoutMs?: number;
  retry?: RetrySettings;
}

export interface DownloadSettings extends CallSettings {
  /** Refuse attachments larger than this many bytes (default 32 MiB); reading stops at the limit. */
  maxBytes?: number;
}

export interface ConnectionInfo<Name extends string = string> {
  readonly name: Name;
  readonly vendor: VendorName;
}

export interface OrderMessaging<C extends Record<string, AnyAdapter>> {
  readonly connections: readonly ConnectionInfo<keyof C & string>[];
  /** Sends a message and returns it as the vendor stored it (found by reconciliation after an ambiguous failure). */
  send<K extends keyof C & string>(
    connection: K,
    request: SendRequest,
    options?: CallSettings,
  ): Promise<SendResult<RawOf<C[K]>>>;
  /** Every message of the order, walking all pages lazily. */
  list<K extends keyof C & string>(
    connection: K,
    ref: OrderRef,
    options?: CallSettings,
  ): AsyncIterable<OrderMessage<RawOf<C[K]>>>;
  listAll<K extends keyof C & string>(
    connection: K,
    ref: OrderRef,
    options?: CallSettings,
  ): Promise<OrderMessage<RawOf<C[K]>>[]>;
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
    request: SendRequest,
    options: CallSettings & { since: Date },
  ): Promise<OrderMessage<RawOf<C[K]>> | undefined>;
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
  raw<K extends keyof C & string>(connection: K): ClientOf<C[K]>;
}

interface Connection {
  readonly name: string;
  readonly adapter: AnyAdapter;
  readonly client: unknown;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly scope: ErrorScope;
  readonly settings: RuntimeSettings;
  /** The connection's retry and timeouts, before any call's own. */
  readonly policy: CallPolicy;
}

/**
 * The runtime passes each attempt's signal (and, for a body it kept, the body) in
 * `init`. The global fetch takes them as is; a user's fetch may read only its first
 * argument, so for it they go into a copy of the request (a copy costs a third of a
 * send's CPU, hence not for the global fetch).
 */
function bindSignal(base: FetchFunction | undefined, onAttempt?: (request: Request) => void) {
  return (request: Request, init?: RequestInit): Promise<Response> => {
    onAttempt?.(request);
    if (!base) return globalThis.fetch(request, init);
    const signal = init?.signal ?? undefined;
    const body = init?.body ?? undefined;
    if (!signal && body === undefined) return base(request);
    return base(
      new Request(request, {
        ...(signal ? { signal } : {}),
        ...(body === undefined ? {} : { body }),
      }),
    );
  };
}

type CallPolicy = Pick<CallSettings, 'retry' | 'timeoutMs' | 'totalTimeoutMs'>;

function mergeSettings(...layers: (RuntimeSettings | CallSettings | undefined)[]): CallPolicy {
  const merged: CallPolicy = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.retry !== undefined) {
      merged.retry =
        layer.retry === false || merged.retry === false || merged.retry === undefined
          ? layer.retry
          : { ...merged.retry, ...layer.retry };
    }
    if (layer.timeoutMs !== undefined) merged.timeoutMs = layer.timeoutMs;
    if (layer.totalTimeoutMs !== undefined) merged.totalTimeoutMs = layer.totalTimeoutMs;
  }
  return merged;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Adapters' own checks read fields; a JavaScript caller may pass null or a string instead. */
function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Reads a body into memory, giving up (and cancelling the stream) as soon as it passes `maxBytes`. */
async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  tooLarge: (actual: number) => Error,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(total);
    }
    chunks.push(value);
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}

export function createOrderMessaging<const C extends Record<string, AnyAdapter>>(
  options: CreateOrderMessagingOptions<C>,
): OrderMessaging<C> {
  if (!options || typeof options.connections !== 'object' || options.connections === null) {
    throw new ConfigurationError('createOrderMessaging: `connections` is required');
  }
  const { connections: _connections, reconcile, ...sharedSettings } = options;
  const reconcileSettings = { ...DEFAULT_RECONCILE, ...reconcile };
  const connections = new Map<string, Connection>();

  for (const [name, adapter] of Object.entries(options.connections)) {
    if (!adapter || typeof adapter !== 'object' || typeof adapter.send !== 'function') {
      throw new ConfigurationError(`connection "${name}": not an order-messaging adapter`);
    }
    if (!ADAPTER_SPECIFICATION_VERSIONS.includes(adapter.specificationVersion)) {
      throw new ConfigurationError(
        `connection "${name}": adapter specification ${String(adapter.specificationVersion)} is not supported by this version of @org/order-messaging (supported: ${ADAPTER_SPECIFICATION_VERSIONS.join(', ')})`,
      );
    }
    const secrets = adapter.secrets();
    const settings: RuntimeSettings = {
      ...sharedSettings,
      ...Object.fromEntries(
        Object.entries(adapter.settings).filter(([, value]) => value !== undefined),
      ),
    };
    const connection: Omit<Connection, 'client'> = {
      name,
      adapter,
      limiter: createRateLimiter({ rules: rateLimitRules(adapter.rateLimits) }),
      logger: scrubbingLogger(settings.logger ?? silentLogger, secrets),
      scope: { vendor: adapter.vendor, connection: name, secrets },
      settings,
      policy: mergeSettings(settings),
    };
    const client = adapter.createClient({ fetch: resilientFetchOf(connection, connection.policy) });
    connections.set(name, { ...connection, client });
  }

  /** A fetch on the connection's limiter with `policy`; `onAttempt` sees each attempt's request. */
  function resilientFetchOf(
    connection: Omit<Connection, 'client'>,
    policy: CallPolicy,
    onAttempt?: (request: Request) => void,
    signal?: AbortSignal,
  ): ResilientFetch {
    return createResilientFetch({
      fetch: bindSignal(connection.settings.fetch, onAttempt),
      rateLimiter: connection.limiter,
      logger: connection.settings.logger,
      secrets: connection.scope.secrets,
      vendor: connection.adapter.vendor,
      connection: connection.name,
      totalTimeoutMs: DEFAULT_TOTAL_TIMEOUT_MS,
      ...policy,
      ...(signal ? { signal } : {}),
    });
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

  interface CallTracker {
    writeAttempts: number;
    attempts: number;
    lastWrite?: { method: string; url: string };
    lastResponse?: Response;
  }

  function contextFor(
    connection: Connection,
    settings: CallSettings | undefined,
    tracker: CallTracker,
  ) {
    const { adapter, scope } = connection;
    const callFetch = resilientFetchOf(
      connection,
      mergeSettings(connection.policy, settings),
      (request) => {
        tracker.attempts += 1;
        if (WRITE_METHODS.has(request.method.toUpperCase())) {
          tracker.writeAttempts += 1;
          tracker.lastWrite = { method: request.method.toUpperCase(), url: redactUrl(request.url) };
        }
      },
      settings?.signal,
    );
    const init: CallInit = {
      fetch: callFetch,
      ...(settings?.signal ? { signal: settings.signal } : {}),
    };

    const ctx: AdapterContext<unknown> = {
      client: connection.client,
      connection: connection.name,
      vendor: adapter.vendor,
      logger: connection.logger,
      signal: settings?.signal,
      init,
      sendState: new Map(),
      async call(operation, run, callOptions) {
        const write = callOptions?.write === true;
        const attemptsBefore = tracker.attempts;
        let result;
        try {
          result = await run(init);
        } catch (error) {
          throw errorFromException(error, scope, {
            operation,
            write,
            attempted: tracker.attempts > attemptsBefore,
          });
        }
        const { response } = result;
        if (write) tracker.lastResponse = response;
        if (!response.ok || result.error !== undefined) {
          const failure = {
            vendor: adapter.vendor,
            operation,
            write,
            status: response.status,
            headers: response.headers,
            // openapi-fetch reports an empty error body as ''.
            body: result.error === '' ? undefined : result.error,
          };
          throw errorFromHttp(failure, scope, adapter.mapError?.(failure));
        }
        return { data: result.data as never, response };
      },
      unexpected(operation, detail, body, callOptions) {
        const failure = {
          vendor: adapter.vendor,
          operation,
          write: callOptions?.write === true,
          status: 200,
          headers: new Headers(),
          body,
        };
        // An adapter may recognise an error envelope inside a 2xx (then the vendor refused);
        // anything else is a broken answer, after which a post may or may not be stored.
        const hint = adapter.mapError?.(failure);
        return errorFromHttp(
          failure,
          scope,
          hint?.kind
            ? { delivery: 'rejected', retryable: false, ...hint }
            : {
                kind: 'vendor_server',
                message: `unexpected answer: ${detail}`,
                retryable: false,
                delivery: failure.write ? 'unknown' : 'rejected',
              },
        );
      },
    };
    return ctx;
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
    const ctx = contextFor(connection, settings, { attempts: 0, writeAttempts: 0 });
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
      const tracker: CallTracker = { attempts: 0, writeAttempts: 0 };
      const ctx = contextFor(connection, settings, tracker);
      const outcome = await sendWithReconciliation<RawOf<C[typeof name]>>(
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
        OrderMessage<RawOf<C[typeof name]>>
      >;
    },

    async listAll(name, ref, settings) {
      const all: OrderMessage<RawOf<C[typeof name]>>[] = [];
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
      const ctx = contextFor(connection, options, { attempts: 0, writeAttempts: 0 });
      const probe: SentProbe = {
        request,
        since,
        notBefore: new Date(since.getTime() - reconcileSettings.clockSkewMs),
      };
      return (await adapter.findSent(probe, ctx)) as
        OrderMessage<RawOf<C[typeof name]>> | undefined;
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
      const ctx = contextFor(connection, settings, { attempts: 0, writeAttempts: 0 });
      const stream = await adapter.downloadAttachment(id as string, ctx);
      const tooLarge = (actual: number) =>
        new ValidationError(
          `${connection.name}: attachment ${id} is larger than maxBytes (${maxBytes})`,
          {
            vendor: adapter.vendor,
            connection: connection.name,
            field: 'maxBytes',
            reason: 'too_large',
            limit: maxBytes,
            actual,
            delivery: 'not_sent',
          },
        );
      if (stream.declaredBytes !== undefined && stream.declaredBytes > maxBytes) {
        await stream.body?.cancel().catch(() => {});
        throw tooLarge(stream.declaredBytes);
      }
      const data = await readAtMost(stream.body, maxBytes, tooLarge);
      return {
        filename: stream.filename ?? (id as string),
        ...(stream.contentType ? { contentType: stream.contentType } : {}),
        data,
      };
    },

    raw(name) {
      return connectionOf(name).client as ClientOf<C[typeof name]>;
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
