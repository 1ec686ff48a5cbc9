/**
 * Comparing texts without the entity decoder: `loadComparableText` loads it (with the folding of
 * `text-fold.ts`) only when a text is compared, so this module holds no table.
 */
import type { SentProbe } from './adapter.js';
import type { OrderMessage } from './model.js';

/** `comparableText` itself. */
export type TextComparer = (text: string) => string;

let loading: Promise<TextComparer> | undefined;

/**
 * `comparableText`, with the entity decoder loaded on first use (a dynamic import: a bundler that
 * splits code keeps the decoder out of the initial chunk). A failed load is tried again next time.
 */
export function loadComparableText(): Promise<TextComparer> {
  loading ??= import('./html-decoder.js').then(
    ({ decodedComparableText }) => decodedComparableText,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Whether a message can be the one `probe` describes: same text, our side, not older than the
 * send. A text stored exactly as sent matches without folding (folding is a function of the text,
 * so equal texts fold alike); the probe's text is folded once, when a stored text first differs.
 */
export function sentMatcher(
  comparable: TextComparer,
  probe: Pick<SentProbe<object>, 'request' | 'notBefore'>,
): (message: OrderMessage) => boolean {
  const sent = probe.request.text;
  let wanted: string | undefined;
  const internal = probe.request.internal === true;
  const notBefore = probe.notBefore.getTime();
  return (message) =>
    message.author.kind !== 'customer' &&
    message.author.kind !== 'system' &&
    message.internal === internal &&
    message.sentAt.getTime() >= notBefore &&
    (message.text === sent || comparable(message.text) === (wanted ??= comparable(sent)));
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
