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
import { invalidOption, tools } from './tools.js';
import type { AuditOptions, AuditReport } from './types.js';
import type { AdapterContext } from '../adapter.js';

function dateOption(connection: Connection, value: unknown, field: string): number {
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  const reason = value === undefined ? 'required' : 'invalid';
  throw invalidOption(connection, `auditSync needs \`${field}\` as a valid Date`, field, reason);
}

const invalid = (connection: Connection, field: string, message: string) =>
  invalidOption(connection, `auditSync needs ${message}`, field);

function seenTest(connection: Connection, seen: unknown): (key: string) => boolean {
  if (typeof seen === 'function') return seen as (key: string) => boolean;
  if (typeof seen !== 'object' || seen === null || !(Symbol.iterator in seen)) {
    throw invalid(connection, 'seen', '`seen` as keys (an iterable) or a function of a key');
  }
  const keys = new Set(seen as Iterable<string>);
  return (key) => keys.has(key);
}

/** Every order the vendor lists, whatever its update time: the audit trusts no filter. */
async function allOrders(adapter: SyncingAdapter, ctx: AdapterContext<unknown>) {
  const orders = new Map<string, OrderRef>();
  for await (const page of adapter.changedOrders({ since: undefined }, ctx))
    for (const entry of page) orders.set(refKey(refOf(entry)), refOf(entry));
  return orders;
}

/** The caller's orders, each checked as `list` checks a ref, before any request. */
function givenOrders(connection: Connection, orders: unknown): Map<string, OrderRef> {
  if (typeof orders !== 'object' || orders === null || !(Symbol.iterator in orders)) {
    throw invalid(connection, 'orders', '`orders` as order ids or refs (an iterable)');
  }
  const refs = new Map<string, OrderRef>();
  for (const order of orders as Iterable<unknown>) {
    if (typeof order !== 'string' && (typeof order !== 'object' || order === null)) {
      throw invalid(connection, 'orders', '`orders` entries to be order ids or refs');
    }
    const ref = typeof order === 'string' ? { orderId: order } : refOf(order as OrderRef);
    tools.checkRef(connection, ref);
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
  const seen = seenTest(connection, options.seen);
  const given = options.orders === undefined ? undefined : givenOrders(connection, options.orders);
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = tools.createCallContext(connection, options, record);
  try {
    const orders = given ?? (await allOrders(adapter, ctx));
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
