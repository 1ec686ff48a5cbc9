/**
 * Audit: a full listing of a past window, independent of any cursor or watermark, compared
 * with what the caller says it processed. What remains is a gap the sync (or the caller's
 * handling of it) let through.
 */
import type { CallRecord } from '../call-context.js';
import type { Connection } from '../connection.js';
import type { OrderMessage, OrderRef } from '../model.js';
import { changedAt, syncKey } from './keys.js';
import { refKey, refOf, syncAdapter, type SyncingAdapter } from './orders.js';
import { tools } from './tools.js';
import type { AuditOptions, AuditReport } from './types.js';
import type { AdapterContext } from '../adapter.js';

function dateOption(connection: Connection, value: unknown, field: string): number {
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  throw new tools.ValidationError(
    `${connection.name}: auditSync needs \`${field}\` as a valid Date`,
    {
      vendor: connection.adapter.vendor,
      connection: connection.name,
      field,
      reason: value === undefined ? 'required' : 'invalid',
      delivery: 'not_sent',
      retryable: false,
    },
  );
}

function seenTest(seen: AuditOptions['seen']): (key: string) => boolean {
  if (typeof seen === 'function') return seen;
  const keys = new Set(seen);
  return (key) => keys.has(key);
}

/** Every order the vendor lists, whatever its update time: the audit trusts no filter. */
async function allOrders(adapter: SyncingAdapter, ctx: AdapterContext<unknown>) {
  const orders = new Map<string, OrderRef>();
  for await (const page of adapter.changedOrders({ since: undefined }, ctx))
    for (const entry of page) orders.set(refKey(refOf(entry)), refOf(entry));
  return orders;
}

function givenOrders(orders: Iterable<string | OrderRef>): Map<string, OrderRef> {
  const refs = new Map<string, OrderRef>();
  for (const order of orders) {
    const ref = typeof order === 'string' ? { orderId: order } : refOf(order);
    refs.set(refKey(ref), ref);
  }
  return refs;
}

/** `auditSync`'s work (loaded on first use, see `audit.ts`). */
export async function auditScan(
  connection: Connection,
  options: AuditOptions,
): Promise<AuditReport> {
  const adapter = syncAdapter(connection);
  const since = dateOption(connection, options?.since, 'since');
  const until =
    options.until === undefined ? Date.now() : dateOption(connection, options.until, 'until');
  const seen = seenTest(options.seen);
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = tools.createCallContext(connection, options, record);
  try {
    const orders = options.orders ? givenOrders(options.orders) : await allOrders(adapter, ctx);
    let scannedMessages = 0;
    const missing: OrderMessage[] = [];
    for (const ref of orders.values()) {
      // `list` reads the whole order (M10 per thread on Mirakl), not the sync's capped pages.
      for await (const message of adapter.list(ref, ctx)) {
        scannedMessages++;
        const at = changedAt(message);
        if (at >= since && at < until && !seen(syncKey(message))) missing.push(message);
      }
    }
    missing.sort((a, b) => changedAt(a) - changedAt(b));
    return { scannedOrders: orders.size, scannedMessages, missing };
  } catch (error) {
    throw tools.typedAbort(error, connection, options, record, 'auditSync');
  }
}
