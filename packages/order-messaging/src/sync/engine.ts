/**
 * The sync engine: a scan of what changed since the cursor's watermark, de-duplicated against
 * what the cursor says was delivered, with a checkpoint after every page.
 *
 * Why nothing is lost or repeated:
 * - the next watermark is this scan's start (local clock) minus the overlap, never later; a
 *   message stored during the scan carries a vendor time at or after the scan's start minus
 *   the clock skew, so the next scan lists it when it was not listed in this one;
 * - adapters list oldest change first, so an order changed during the scan is listed again
 *   later; when pages shifted (an entry listed twice), one may have been skipped, and the
 *   watermark stays where it was: the next scan re-lists the window, the cursor skips repeats;
 * - everything delivered at or after a watermark is in the cursor, so the overlap's messages,
 *   listed again, are skipped;
 * - a mid-scan checkpoint keeps the old watermark and adds what this scan delivered: resuming
 *   re-scans from the old watermark and skips exactly what was delivered before the crash.
 */
import type { CallRecord } from '../call-context.js';
import { createCallContext } from '../call-context.js';
import type { Connection } from '../connection.js';
import { typedAbort } from '../operations.js';
import { changedAt, encodeCursor, overlapOf, startPosition, syncKey } from './cursor.js';
import { resolvePage, syncAdapter } from './orders.js';
import type { SyncEvent, SyncOptions } from './types.js';

/** Lazy: the checks run at the first iteration, like the requests. */
export async function* runSync(
  connection: () => Connection,
  options: SyncOptions,
): AsyncGenerator<SyncEvent> {
  const resolved = connection();
  const adapter = syncAdapter(resolved);
  const settings = options ?? {};
  const position = startPosition(resolved, settings);
  const overlap = overlapOf(resolved, settings);
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = createCallContext(resolved, settings, record);
  // Taken before the first request: whatever the vendor stores from here on is either listed
  // by this scan or dated after the next watermark.
  const scanStart = Date.now();
  const watermark = position.watermark;
  const delivered = new Map(position.seen);
  const listed = new Set<string>();
  let shifted = false;
  try {
    const pages = adapter.changedOrders({ since: new Date(watermark) }, ctx);
    for await (const page of pages) {
      for (const entry of page) {
        const key = entry.listingKey ?? entry.orderId;
        if (listed.has(key)) shifted = true;
        listed.add(key);
      }
      for (const order of await resolvePage(adapter, page, ctx)) {
        for (const message of order.messages) {
          const at = changedAt(message);
          if (at < watermark) continue;
          const key = syncKey(message);
          if (delivered.has(key)) continue;
          delivered.set(key, at);
          yield {
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
      }
      yield {
        type: 'checkpoint',
        cursor: encodeCursor(resolved, watermark, delivered),
        complete: false,
      };
    }
  } catch (error) {
    throw typedAbort(error, resolved, settings, record, 'sync');
  }
  // Never backwards: messages older than the current watermark may have left the cursor's seen
  // list already, and listing them again would repeat them.
  const next = shifted ? watermark : Math.max(watermark, scanStart - overlap);
  yield { type: 'checkpoint', cursor: encodeCursor(resolved, next, delivered), complete: true };
}
