/**
 * How sync tells messages apart and dates their changes, and its default overlap. Kept apart from
 * the cursor code (`cursor.ts`) because the package's entry exports these: a bundler that splits
 * code then keeps the cursor code in the sync chunk, loaded on first use.
 */
import type { OrderMessage } from '../model.js';

/** Five minutes: well above the clock skew of hosted APIs, small enough to keep cursors short. */
export const DEFAULT_SYNC_OVERLAP_MS = 5 * 60_000;

/**
 * The identity sync de-duplicates by: the id, plus the edit time for an edited message, so an
 * edit is a new delivery and a re-listed version is not.
 */
export function syncKey(message: Pick<OrderMessage, 'id' | 'editedAt'>): string {
  return message.editedAt ? `${message.id}@${message.editedAt.getTime()}` : message.id;
}

/** When a message last changed on the vendor's clock: its edit, else its creation. */
export function changedAt(message: Pick<OrderMessage, 'sentAt' | 'editedAt'>): number {
  return (message.editedAt ?? message.sentAt).getTime();
}
