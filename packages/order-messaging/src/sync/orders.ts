/**
 * What sync, audit and inbox share: the adapter's hook checked, and a page of changed orders
 * made whole (messages listed where the adapter gave none, "needs reply" settled, the same
 * order's entries merged).
 */
import type { AdapterContext, AnyAdapter } from '../adapter.js';
import type { Connection } from '../connection.js';
import type { OrderMessage, OrderRef, VendorOptions } from '../model.js';
import { changedAt } from './keys.js';
import { deriveNeedsReply, earliestNeedsReply } from './needs-reply.js';
import { tools } from './tools.js';
import type { ChangedOrder, NeedsReply } from './types.js';

export type SyncingAdapter = AnyAdapter & Required<Pick<AnyAdapter, 'changedOrders'>>;

export function syncAdapter(connection: Connection): SyncingAdapter {
  const { adapter } = connection;
  const mode = adapter.capabilities.sync?.mode ?? 'none';
  if (mode === 'none' || typeof adapter.changedOrders !== 'function') {
    throw tools.unsupported(
      connection,
      'cannot list changed orders (capabilities.sync.mode is none)',
    );
  }
  return adapter as SyncingAdapter;
}

/** One order of a page: its messages oldest change first, and whether it waits for a reply. */
export interface ResolvedOrder {
  readonly orderId: string;
  readonly vendorOptions?: VendorOptions;
  readonly messages: OrderMessage[];
  readonly needsReply: NeedsReply | null;
}

/** The reference `list` and `send` take for a listed order. */
export function refOf(entry: Pick<ChangedOrder, 'orderId' | 'vendorOptions'>): OrderRef {
  const { orderId, vendorOptions } = entry;
  return vendorOptions ? { orderId, vendorOptions } : { orderId };
}

/**
 * Tells orders apart by id and options: ids of different order kinds (GameBoost) may be equal.
 * An adapter builds the same options the same way, so their JSON text is stable.
 */
export function refKey(ref: OrderRef): string {
  return ref.vendorOptions ? `${ref.orderId} ${JSON.stringify(ref.vendorOptions)}` : ref.orderId;
}

async function messagesOf(
  adapter: AnyAdapter,
  entry: ChangedOrder,
  ctx: AdapterContext<unknown>,
): Promise<readonly OrderMessage[]> {
  if (entry.messages) return entry.messages;
  const all: OrderMessage[] = [];
  for await (const message of adapter.list(refOf(entry), ctx)) all.push(message);
  return all;
}

function needsReplyOf(entry: ChangedOrder, messages: readonly OrderMessage[]): NeedsReply | null {
  if (entry.needsReplySince === undefined) return deriveNeedsReply(messages);
  return entry.needsReplySince === null ? null : { since: entry.needsReplySince };
}

export async function resolvePage(
  adapter: AnyAdapter,
  page: readonly ChangedOrder[],
  ctx: AdapterContext<unknown>,
): Promise<ResolvedOrder[]> {
  const byOrder = new Map<
    string,
    { ref: OrderRef; messages: OrderMessage[]; needsReply: NeedsReply | null }
  >();
  for (const entry of page) {
    const messages = await messagesOf(adapter, entry, ctx);
    const needsReply = needsReplyOf(entry, messages);
    const ref = refOf(entry);
    const known = byOrder.get(refKey(ref));
    if (known) {
      known.messages.push(...messages);
      known.needsReply = earliestNeedsReply(known.needsReply, needsReply);
    } else {
      byOrder.set(refKey(ref), { ref, messages: [...messages], needsReply });
    }
  }
  return [...byOrder.values()].map(({ ref, messages, needsReply }) => ({
    ...ref,
    messages: messages.sort((a, b) => changedAt(a) - changedAt(b)),
    needsReply,
  }));
}
