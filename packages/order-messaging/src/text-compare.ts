/**
 * What a reader sees, without the entity decoder: the decoder is passed in, so this module holds
 * no table and the facade's paths can load the decoder only when they compare texts.
 */
import type { SentProbe } from './adapter.js';
import type { OrderMessage } from './model.js';

/** Tags a browser shows as a line break: `<br>`, the end of a paragraph or block, a list item. */
const LINE_BREAK_TAGS = /<br\s*\/?>|<\/(?:p|div)\s*>|<li(?:\s[^>]*)?>/gi;
/** Any other tag (a letter after `<` or `</`) and comments: not displayed. */
const OTHER_TAGS = /<!--[\s\S]*?-->|<\/?[a-z][^>]*>/gi;
/**
 * A vendor may escape a message more than once (its own escaping on top of a framework's); each
 * round undoes one. Bounded so a hostile `&amp;amp;amp;…` costs linear time; a text nested deeper
 * is compared as it is after that many rounds.
 */
const MAX_DECODE_ROUNDS = 8;

/** `comparableText` (see there) with the given entity decoder. */
export function comparableTextWith(decode: (text: string) => string, text: string): string {
  // A lone surrogate cannot travel as UTF-8: form bodies and most servers store U+FFFD instead.
  let current = text.replace(/\p{Cs}/gu, '\uFFFD');
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    // NFC first each round: a few characters normalise to markup (U+037E to `;`, U+212A to `K`).
    const normalized = current.normalize('NFC');
    current = decode(normalized.replace(LINE_BREAK_TAGS, '\n').replace(OTHER_TAGS, ''));
    if (current === normalized) break;
  }
  return current.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** `comparableText` itself. */
export type TextComparer = (text: string) => string;

let loading: Promise<TextComparer> | undefined;

/**
 * `comparableText`, with the entity decoder loaded on first use (a dynamic import: a bundler that
 * splits code keeps the decoder out of the initial chunk). A failed load is tried again next time.
 */
export function loadComparableText(): Promise<TextComparer> {
  loading ??= import('./html-decoder.js').then(
    ({ decodeEntities }) =>
      (text: string) =>
        comparableTextWith(decodeEntities, text),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Whether a message can be the one `probe` describes: same text, our side, not older than the
 * send. The probe's text is made comparable once, not once per message of a long listing.
 */
export function sentMatcher(
  comparable: TextComparer,
  probe: Pick<SentProbe<object>, 'request' | 'notBefore'>,
): (message: OrderMessage) => boolean {
  const wanted = comparable(probe.request.text);
  const internal = probe.request.internal === true;
  const notBefore = probe.notBefore.getTime();
  return (message) =>
    message.author.kind !== 'customer' &&
    message.author.kind !== 'system' &&
    message.internal === internal &&
    message.sentAt.getTime() >= notBefore &&
    comparable(message.text) === wanted;
}

/** Keeps the newest of the messages offered (the later one on a tie). */
export function newestOf<M extends OrderMessage>(best: M | undefined, message: M): M {
  return !best || message.sentAt.getTime() >= best.sentAt.getTime() ? message : best;
}

/** The newest message matching the probe. */
export function pickSentWith<M extends OrderMessage>(
  comparable: TextComparer,
  messages: Iterable<M>,
  probe: SentProbe<object>,
): M | undefined {
  const matches = sentMatcher(comparable, probe);
  let best: M | undefined;
  for (const message of messages) if (matches(message)) best = newestOf(best, message);
  return best;
}
