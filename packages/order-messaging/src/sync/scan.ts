/**
 * The sync engine: a scan of what changed since the cursor's watermark, de-duplicated against
 * what the cursor says was delivered, with a checkpoint after every page.
 *
 * Why nothing is lost or repeated:
 * - the next watermark is this scan's start (local clock) minus the overlap, never later; a
 *   message stored during the scan carries a vendor time at or after the scan's start minus
 *   the clock skew, so the next scan lists it when it was not listed in this one;
 * - adapters list oldest change first, so an order changed during the scan is listed again
 *   later. Seek pages (`capabilities.sync.pages`) skip nothing. With offset pages such a move may
 *   push another entry past a page boundary, one that sorts after where the moved entry was last
 *   seen: the scan lists again from there (entries it already read unchanged are not read again)
 *   until a listing shows that nothing moved before it (see `passes.ts`); only then does the
 *   watermark move. When it cannot tell where a skipped entry lies, or after `MAX_LISTINGS`,
 *   the watermark stays and the next scan covers the window again;
 * - everything delivered at or after a watermark is in the cursor, so the overlap's messages,
 *   listed again, are skipped;
 * - a mid-scan checkpoint keeps the old watermark and adds what this scan delivered: resuming
 *   re-scans from the old watermark and skips exactly what was delivered before the crash.
 */
import type { CallRecord } from '../call-context.js';
import type { Connection } from '../connection.js';
import { encodeCursor, overlapOf, startPosition } from './cursor.js';
import { changedAt, syncKey } from './keys.js';
import type { OrderMessage } from '../model.js';
import { resolvePage, syncAdapter, type ResolvedOrder } from './orders.js';
import { Doubts, keyOf, listOnce, MAX_LISTINGS, ReadEntries, strategyOf } from './passes.js';
import { tools } from './tools.js';
import type { ChangedOrder, SyncEvent, SyncOptions } from './types.js';

/** The sync scan (`sync` loads it on first use, see `engine.ts`); the checks run at the first iteration, like the requests. */
export async function* scanChanges(
  connection: () => Connection,
  options: SyncOptions,
): AsyncGenerator<SyncEvent> {
  const resolved = connection();
  const adapter = syncAdapter(resolved);
  const settings = options ?? {};
  const position = startPosition(resolved, settings);
  const overlap = overlapOf(resolved, settings);
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = tools.createCallContext(resolved, settings, record);
  // Taken before the first request: whatever the vendor stores from here on is either listed
  // by this scan or dated after the next watermark.
  const scanStart = Date.now();
  const watermark = position.watermark;
  const delivered = new Map(position.seen);
  const read = new ReadEntries();
  const known = (key: string, at: Date) => read.has(key, at);
  async function* deliver(page: readonly ChangedOrder[]): AsyncGenerator<SyncEvent> {
    const unread = page.filter((entry) => {
      if (read.has(keyOf(entry), entry.updatedAt)) return false;
      read.add(keyOf(entry), entry.updatedAt);
      return true;
    });
    for (const order of await resolvePage(adapter, unread, ctx)) {
      for (const message of order.messages) {
        const at = changedAt(message);
        if (at < watermark) continue;
        const key = syncKey(message);
        if (delivered.has(key)) continue;
        delivered.set(key, at);
        yield messageEvent(order, message);
      }
    }
  }
  const checkpoint = (): SyncEvent => ({
    type: 'checkpoint',
    cursor: encodeCursor(resolved, watermark, delivered),
    complete: false,
  });
  const strategy = strategyOf(adapter.capabilities.sync);
  const doubts = new Doubts();
  // Whatever changed during the scan sorts at or after this: re-listings start there at the latest.
  const changedSince = Math.max(watermark, scanStart - overlap);
  let from = watermark;
  let complete = false;
  try {
    for (let listing = 0; listing < MAX_LISTINGS && !complete; listing++) {
      const request = { since: new Date(from), known };
      const input = { adapter, ctx, strategy, doubts, request, deliver, checkpoint };
      const outcome = yield* listOnce(input);
      if (outcome.kind === 'unknown') break;
      if (outcome.kind === 'complete') complete = true;
      else from = Math.max(watermark, Math.min(outcome.from, changedSince));
    }
  } catch (error) {
    throw tools.typedAbort(error, resolved, settings, record, 'sync');
  }
  // Never backwards: messages older than the current watermark may have left the cursor's seen
  // list already, and listing them again would repeat them.
  const next = complete ? Math.max(watermark, scanStart - overlap) : watermark;
  yield { type: 'checkpoint', cursor: encodeCursor(resolved, next, delivered), complete: true };
}

function messageEvent(order: ResolvedOrder, message: OrderMessage): SyncEvent {
  return {
    type: 'message',
    message,
    order: {
      id: order.orderId,
      ...(order.vendorOptions ? { vendorOptions: order.vendorOptions } : {}),
      needsReply: order.needsReply,
    },
    edited: message.editedAt !== undefined,
  };
}
