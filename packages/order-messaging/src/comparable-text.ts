/**
 * The synchronous text comparison adapters and applications call: it imports the entity decoder
 * statically. The facade's own paths use `loadComparableText` (text-compare.ts) instead.
 */
import type { SentProbe } from './adapter.js';
import { decodedComparableText } from './html-decoder.js';
import type { OrderMessage } from './model.js';
import { pickSentWith } from './text-compare.js';

/**
 * What a reader sees, so a stored copy is recognised whatever the vendor did to it: HTML-escaped
 * (named, decimal or hex entities, `It&#039;s`, `&eacute;`), wrapped in markup (`<p>…</p>`,
 * `<br>` for newlines), Unicode-normalised (NFC/NFD) or with its whitespace reflowed. Markup is
 * reduced to its displayed text and entities are decoded (strictly: `;`-terminated, as escaping
 * produces), repeated until nothing changes, so text escaped once or twice compares equal to the
 * text sent. Then NFC (not NFKC: `ﬁ` and `fi`, `²` and `2` display differently) and whitespace
 * (newlines included) folded to single spaces, trimmed.
 */
export function comparableText(text: string): string {
  return decodedComparableText(text);
}

/** The newest message matching the probe. */
export function pickSent<M extends OrderMessage>(
  messages: Iterable<M>,
  probe: SentProbe<object>,
): M | undefined {
  return pickSentWith(comparableText, messages, probe);
}
