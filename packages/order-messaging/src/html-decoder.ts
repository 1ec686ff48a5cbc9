/**
 * The HTML entity decoder text comparison uses: every named reference of HTML (`&eacute;`,
 * `&NotNestedGreaterGreater;`), decimal and hex, strictly `;`-terminated, as escaping produces.
 * Its table is most of the facade's weight (~15 kB gzipped), so the facade's own paths load this
 * module on demand (`loadComparableText`); only the synchronous `comparableText` and `pickSent`
 * import it statically.
 */
import { decodeHTML, DecodingMode } from 'entities/decode';
import { comparableTextWith } from './text-fold.js';

export function decodeEntities(text: string): string {
  return decodeHTML(text, DecodingMode.Strict);
}

/** `comparableText` with this decoder: what `loadComparableText` resolves to. */
export function decodedComparableText(text: string): string {
  return comparableTextWith(decodeEntities, text);
}
