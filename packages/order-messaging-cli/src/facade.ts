import { abortableSleep } from '@org/http-runtime';
import {
  createOrderMessaging,
  isOrderMessagingError,
  OrderMessagingError,
  type AnyAdapter,
  type Capabilities,
  type ConnectionEntry,
  type DownloadedAttachment,
  type AuditOptions,
  type AuditReport,
  type InboxEntry,
  type InboxOptions,
  type Logger,
  type OrderMessage,
  type RateLimiter,
  type OrderRef,
  type SendRequest,
  type SendResult,
  type SyncEvent,
  type SyncOptions,
} from '@org/order-messaging';
import type { BulkSender } from './bulk.js';
import type { ConnectionSettings } from './connections.js';
import { errorReport, formatErrorLine } from './errors.js';
import type { BulkLine } from './input.js';
import { withVendorOptions } from './vendor-options.js';
import { descriptorOf, type VendorName } from './vendors.js';

export type CliMessage = OrderMessage;

export interface MessagingRuntimeOptions {
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Deadline of a whole call (requests, retries, rate-limit waits, reconciliation). */
  totalTimeoutMs?: number;
  /** Longest wait for a rate-limit slot; by default a call waits as long as its deadline allows. */
  maxRateLimitWaitMs?: number;
  maxRetries?: number;
  /**
   * False: no pacing by the vendors' documented limits (a plan with higher quotas, a sandbox
   * started with wider ones); 429 answers are still honoured, and learned from.
   */
  declaredRateLimits?: boolean;
  logger?: Logger;
  /**
   * A limiter shared with other processes for a vendor's account, given the limits this run
   * paces it by (a queue worker: `createAccountRateLimiter`); undefined keeps the connection's own.
   */
  rateLimiterFor?: (vendor: VendorName, rules: AnyAdapter['rateLimits']) => RateLimiter | undefined;
}

/** The adapter of a connection: its vendor's factory, from the registry. */
export function adapterFor(connection: ConnectionSettings): AnyAdapter {
  const { vendor, ...options } = connection;
  return descriptorOf(vendor).createAdapter(options);
}

export interface BulkSenderOptions {
  /**
   * Before checking a line an earlier run was sending when it died, wait until this long after
   * that attempt started: a request whose sender died can still be stored by a slow vendor, and
   * a check that runs first would miss it and send the message again.
   */
  resumeSettleMs?: number;
}

export const DEFAULT_RESUME_SETTLE_MS = 3000;

/**
 * The check for an interrupted send failed (the listing errored, or was aborted). Whatever the
 * cause, the earlier attempt may be stored: the line stays `delivery: unknown`, so the next run
 * checks again instead of sending blindly. A facade error keeps its kind, vendor and status.
 */
export function uncheckedDeliveryError(cause: unknown): Error {
  const message = `could not check whether an earlier, interrupted attempt was delivered: ${cause instanceof Error ? cause.message : String(cause)}`;
  if (!isOrderMessagingError(cause)) return new Error(message, { cause });
  const { kind, vendor, status } = cause;
  return new OrderMessagingError(kind, message, {
    ...(vendor !== undefined ? { vendor } : {}),
    ...(status !== undefined ? { status } : {}),
    delivery: 'unknown',
    cause,
  });
}

/** The part of the facade the commands use; connections are named after their vendor. */
export interface Messaging {
  send(
    vendor: VendorName,
    request: SendRequest,
    options?: { signal?: AbortSignal },
  ): Promise<SendResult>;
  list(
    vendor: VendorName,
    ref: OrderRef,
    options?: { signal?: AbortSignal },
  ): AsyncIterable<OrderMessage>;
  capabilities(vendor: VendorName): Capabilities;
  /** One attachment's bytes (vendors whose capabilities say `attachmentDownload`). */
  downloadAttachment(
    vendor: VendorName,
    attachmentId: string,
    options?: { maxBytes?: number },
  ): Promise<DownloadedAttachment>;
  /**
   * The limits this run paces the vendor by (the adapter's documented ones; none with
   * `--no-rate-limits`): what a queue worker shares through Redis for the account.
   */
  rateLimits(vendor: VendorName): AnyAdapter['rateLimits'];
  /** Each new message on any order of the connection once, with checkpoints to save. */
  sync(vendor: VendorName, options: SyncOptions): AsyncIterable<SyncEvent>;
  /** The orders whose customer waits for an answer, longest waiting first. */
  inbox(vendor: VendorName, options?: InboxOptions): Promise<InboxEntry[]>;
  /** Every message changed in a window that `seen` does not know, whatever any cursor says. */
  auditSync(vendor: VendorName, options: AuditOptions): Promise<AuditReport>;
  /**
   * The message an earlier, interrupted run may have stored: the facade's own check
   * (same text and note flag, sent by us, not older than the first attempt minus clock skew).
   */
  findSent(
    vendor: VendorName,
    request: SendRequest,
    since: Date,
    options?: { signal?: AbortSignal },
  ): Promise<OrderMessage | undefined>;
  bulkSender(vendorOf: (line: BulkLine) => VendorName, options?: BulkSenderOptions): BulkSender;
}

export function requestOf(line: BulkLine, vendor: VendorName): SendRequest {
  return {
    orderId: line.orderId,
    text: line.text,
    ...(line.internal !== undefined ? { internal: line.internal } : {}),
    ...withVendorOptions(vendor, {
      orderKind: line.orderKind,
      subject: line.subject,
      channel: line.channel,
    }),
  };
}

export function createMessaging(
  settings: ReadonlyMap<VendorName, ConnectionSettings>,
  runtime: MessagingRuntimeOptions = {},
): Messaging {
  const connections: Record<string, ConnectionEntry> = {};
  const adapters = new Map<VendorName, AnyAdapter>();
  for (const [vendor, connection] of settings) {
    const adapter = adapterFor(connection);
    adapters.set(vendor, adapter);
    const declared = runtime.declaredRateLimits !== false;
    const shared = runtime.rateLimiterFor?.(vendor, declared ? adapter.rateLimits : {});
    connections[vendor] = shared
      ? { adapter, rateLimiter: shared }
      : declared
        ? adapter
        : { adapter, rateLimits: false };
  }
  const facade = createOrderMessaging({
    connections,
    ...(runtime.timeoutMs !== undefined ? { timeoutMs: runtime.timeoutMs } : {}),
    ...(runtime.totalTimeoutMs !== undefined ? { totalTimeoutMs: runtime.totalTimeoutMs } : {}),
    ...(runtime.maxRateLimitWaitMs !== undefined
      ? { maxRateLimitWaitMs: runtime.maxRateLimitWaitMs }
      : {}),
    ...(runtime.logger !== undefined ? { logger: runtime.logger } : {}),
    ...(runtime.maxRetries !== undefined
      ? { retry: runtime.maxRetries === 0 ? false : { maxRetries: runtime.maxRetries } }
      : {}),
  });

  const messaging: Messaging = {
    send: (vendor, request, options) =>
      facade.send(vendor, request, options?.signal ? { signal: options.signal } : undefined),
    list: (vendor, ref, options) =>
      facade.list(vendor, ref, options?.signal ? { signal: options.signal } : undefined),
    capabilities: (vendor) => facade.capabilities(vendor),
    downloadAttachment: (vendor, attachmentId, options) =>
      facade.downloadAttachment(vendor, attachmentId, options),
    rateLimits: (vendor) =>
      runtime.declaredRateLimits === false ? {} : (adapters.get(vendor)?.rateLimits ?? {}),
    sync: (vendor, options) => facade.sync(vendor, options),
    inbox: (vendor, options) => facade.inbox(vendor, options),
    auditSync: (vendor, options) => facade.auditSync(vendor, options),

    findSent: (vendor, request, since, options) =>
      facade.findSent(vendor, request, {
        since,
        ...(options?.signal ? { signal: options.signal } : {}),
      }),

    bulkSender(vendorOf, options = {}) {
      const settleMs = options.resumeSettleMs ?? DEFAULT_RESUME_SETTLE_MS;
      return {
        async send(line, { reconcileFirst, firstAttemptAt, lastAttemptAt, signal }) {
          const vendor = vendorOf(line);
          const request = requestOf(line, vendor);
          if (reconcileFirst) {
            let found: OrderMessage | undefined;
            try {
              const settled = lastAttemptAt ? lastAttemptAt.getTime() + settleMs - Date.now() : 0;
              if (settled > 0) await abortableSleep(settled, signal);
              found = await messaging.findSent(vendor, request, firstAttemptAt ?? new Date(0), {
                signal,
              });
            } catch (error) {
              throw uncheckedDeliveryError(error);
            }
            if (found) return { messageId: found.id, reconciled: true };
          }
          const result = await messaging.send(vendor, request, { signal });
          return { messageId: result.message.id, reconciled: result.reconciled };
        },
        canReconcile: (line) => facade.capabilities(vendorOf(line)).reconcile !== 'none',
        conversationOf: (line) =>
          `${vendorOf(line)}\u0000${line.orderKind ?? ''}\u0000${line.orderId}`,
        describeError: (error) => formatErrorLine(errorReport(error)).replace(/\n\s*/g, ' — '),
      };
    },
  };
  return messaging;
}
