/** How a vendor that keeps texts as HTML shows a stored text: the hostile server and the fault matrix use it. */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#039;',
  é: '&eacute;',
  à: '&agrave;',
};

/**
 * The text wrapped in `<p>`, entity-escaped with named (`&eacute;`), decimal (`&#039;`) and hex
 * (`&#x2014;`) entities, newlines as `<br>`.
 */
export function storedAsHtml(text: string): string {
  const escaped = [...text]
    .map((ch) => {
      if (ch === '\n') return '<br>';
      const code = ch.codePointAt(0)!;
      return ENTITIES[ch] ?? (code > 0x7e ? `&#x${code.toString(16)};` : ch);
    })
    .join('');
  return `<p>${escaped}</p>`;
}
