/** The inbox: orders whose customer waits for an answer, longest waiting first. */
import type { CallRecord } from '../call-context.js';
import type { Connection } from '../connection.js';
import type { OrderMessage, OrderRef } from '../model.js';
import { earliestNeedsReply } from './needs-reply.js';
import { refKey, resolvePage, syncAdapter } from './orders.js';
import { invalidOption, tools } from './tools.js';
import type { InboxEntry, InboxOptions, NeedsReply } from './types.js';

interface Seen {
  ref: OrderRef;
  needsReply: NeedsReply | null;
  lastMessage?: OrderMessage;
}

function later(a: OrderMessage | undefined, b: OrderMessage | undefined) {
  if (!a) return b;
  if (!b) return a;
  return b.sentAt.getTime() > a.sentAt.getTime() ? b : a;
}

/** `inbox`'s work (loaded on first use, see `inbox.ts`). */
export async function inboxScan(
  connection: Connection,
  options: InboxOptions = {},
): Promise<InboxEntry[]> {
  const adapter = syncAdapter(connection);
  const { since } = options ?? {};
  // An invalid date would be read as "no date" by some vendors' filters: every order, silently.
  if (since !== undefined && !(since instanceof Date && Number.isFinite(since.getTime()))) {
    throw invalidOption(connection, 'inbox needs `since` as a valid Date', 'since');
  }
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = tools.createCallContext(connection, options, record);
  // An order's conversations may come on different pages; it waits since its oldest one.
  const orders = new Map<string, Seen>();
  try {
    for await (const page of adapter.changedOrders({ since }, ctx)) {
      for (const order of await resolvePage(adapter, page, ctx)) {
        const ref: OrderRef = order.vendorOptions
          ? { orderId: order.orderId, vendorOptions: order.vendorOptions }
          : { orderId: order.orderId };
        const known = orders.get(refKey(ref));
        orders.set(refKey(ref), {
          ref,
          needsReply: earliestNeedsReply(known?.needsReply, order.needsReply),
          lastMessage: later(known?.lastMessage, order.messages.at(-1)),
        });
      }
    }
  } catch (error) {
    throw tools.typedAbort(error, connection, options, record, 'inbox');
  }
  const waiting: InboxEntry[] = [];
  for (const { ref, needsReply, lastMessage } of orders.values()) {
    if (needsReply) waiting.push({ ...ref, needsReply, ...(lastMessage ? { lastMessage } : {}) });
  }
  return waiting.sort((a, b) => a.needsReply.since.getTime() - b.needsReply.since.getTime());
}
