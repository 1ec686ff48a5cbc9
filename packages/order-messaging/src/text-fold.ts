/**
 * What a reader sees, with the entity decoder passed in: the folding `comparableText` does
 * (see there). Apart from `text-compare.ts` so that the decoder's chunk (`html-decoder.ts`), which
 * a bundler that splits code loads on first use, carries it and the initial chunk does not.
 */

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
