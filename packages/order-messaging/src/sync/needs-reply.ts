/**
 * "Needs reply": the latest message of a conversation is the customer's and nobody answered
 * it. The vendor's own field wins where it has one (Mirakl `shop_reply_needed_since`); this
 * derivation is for vendors without one.
 */
import type { OrderMessage } from '../model.js';
import type { NeedsReply } from './types.js';

/**
 * From the messages of one conversation: null unless the latest message the customer could see
 * is the customer's; then since the first customer message after the last answer. Internal
 * notes and system messages answer nothing, so they are passed over.
 */
export function deriveNeedsReply(messages: readonly OrderMessage[]): NeedsReply | null {
  const visible = messages
    .filter((m) => !m.internal && m.author.kind !== 'system')
    .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  let since: Date | null = null;
  for (const message of visible) {
    if (message.author.kind !== 'customer') since = null;
    else since ??= message.sentAt;
  }
  return since ? { since } : null;
}

/** An order with several conversations (Mirakl threads) waits since its oldest unanswered one. */
export function earliestNeedsReply(
  a: NeedsReply | null | undefined,
  b: NeedsReply | null | undefined,
): NeedsReply | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.since.getTime() <= b.since.getTime() ? a : b;
}
