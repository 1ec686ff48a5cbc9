/**
 * What sync, audit and inbox share: the adapter's hook checked, and a page of changed orders
 * made whole (messages listed where the adapter gave none, "needs reply" settled, the same
 * order's entries merged).
 */
import type { AdapterContext, AnyAdapter } from '../adapter.js';
import type { Connection } from '../connection.js';
import type { OrderMessage } from '../model.js';
import { unsupported } from '../request-checks.js';
import { changedAt } from './cursor.js';
import { deriveNeedsReply, earliestNeedsReply } from './needs-reply.js';
import type { ChangedOrder, NeedsReply } from './types.js';

export type SyncingAdapter = AnyAdapter & Required<Pick<AnyAdapter, 'changedOrders'>>;

export function syncAdapter(connection: Connection): SyncingAdapter {
  const { adapter } = connection;
  const mode = adapter.capabilities.sync?.mode ?? 'none';
  if (mode === 'none' || typeof adapter.changedOrders !== 'function') {
    throw unsupported(connection, 'cannot list changed orders (capabilities.sync.mode is none)');
  }
  return adapter as SyncingAdapter;
}

/** One order of a page: its messages oldest change first, and whether it waits for a reply. */
export interface ResolvedOrder {
  readonly orderId: string;
  readonly messages: OrderMessage[];
  readonly needsReply: NeedsReply | null;
}

async function messagesOf(
  adapter: AnyAdapter,
  entry: ChangedOrder,
  ctx: AdapterContext<unknown>,
): Promise<readonly OrderMessage[]> {
  if (entry.messages) return entry.messages;
  const all: OrderMessage[] = [];
  for await (const message of adapter.list({ orderId: entry.orderId }, ctx)) all.push(message);
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
  const byOrder = new Map<string, { messages: OrderMessage[]; needsReply: NeedsReply | null }>();
  for (const entry of page) {
    const messages = await messagesOf(adapter, entry, ctx);
    const needsReply = needsReplyOf(entry, messages);
    const known = byOrder.get(entry.orderId);
    if (known) {
      known.messages.push(...messages);
      known.needsReply = earliestNeedsReply(known.needsReply, needsReply);
    } else {
      byOrder.set(entry.orderId, { messages: [...messages], needsReply });
    }
  }
  return [...byOrder].map(([orderId, { messages, needsReply }]) => ({
    orderId,
    messages: messages.sort((a, b) => changedAt(a) - changedAt(b)),
    needsReply,
  }));
}
