/** Query parameters and headers whose values are credentials in at least one vendor API. */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'apiKey',
  'api_key',
  'token',
  'access_token',
  'key',
];
export const SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'apikey',
  'cookie',
  'set-cookie',
];
export const REDACTED = '[REDACTED]';
const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set(SECRET_HEADERS);

/**
 * The URL with its user info removed and the values of credential query parameters (`apiKey`,
 * `api_key`, `token`, `access_token`, `key`, any case) replaced by `[REDACTED]`. A string that is
 * not a URL is returned unchanged.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMS.some((secret) => secret.toLowerCase() === name.toLowerCase())) {
      parsed.searchParams.set(name, REDACTED);
    }
  }
  return parsed.toString();
}

/** A query whose parameter names could be credentials once decoded (any case, or encoded). */
const MAYBE_SECRET_QUERY = new RegExp(
  `[%+]|(?:^|[?&])(?:${SECRET_QUERY_PARAMS.join('|')})(?:[=&#]|$)`,
  'i',
);

/**
 * The last URL `redactRequestUrl` had to parse, and its redacted form. A vendor that takes its key
 * in the query (Omnidesk) sends every message to one URL, which the log fields, the request hooks
 * and the facade's record of a write each redact: parsing it again each time was the largest
 * single cost of a send's bookkeeping. One entry, so it holds one URL the process sends anyway.
 */
let lastParsed: { readonly url: string; readonly redacted: string } | undefined;

/**
 * `redactUrl(request.url)`, without parsing the URL when nothing in it can be a credential: a
 * request's URL is already in serialized form, so redaction could only change its user info or a
 * query parameter named like a credential.
 */
export function redactRequestUrl(request: Request): string {
  const { url } = request;
  const queryAt = url.indexOf('?');
  if (url.includes('@') || (queryAt >= 0 && MAYBE_SECRET_QUERY.test(url.slice(queryAt)))) {
    if (lastParsed?.url !== url) lastParsed = { url, redacted: redactUrl(url) };
    return lastParsed.redacted;
  }
  return url;
}

/** `origin + path` of a URL, never its query or credentials: the URL an error message quotes. */
export function describeUrl(url: string, secrets: readonly string[] = []): string {
  try {
    const parsed = new URL(url);
    return scrubSecrets(`${parsed.origin}${parsed.pathname}`, secrets);
  } catch {
    return '[invalid URL]';
  }
}

/** Strips query strings from any URL inside free text: vendors put API keys in them. */
export function stripUrlQueries(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#"'<>]+)\?[^\s#"'<>]*/gi, `$1?${REDACTED}`);
}

/**
 * A copy of the headers with the values of credential headers (`Authorization`,
 * `Proxy-Authorization`, `X-Api-Key`, `Apikey`, `Cookie`, `Set-Cookie`) replaced by `[REDACTED]`.
 */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const copy = (value: string, name: string) => {
    out[name] = SECRET_HEADER_NAMES.has(name.toLowerCase()) ? REDACTED : value;
  };
  if (headers instanceof Headers) headers.forEach(copy);
  else for (const name of Object.keys(headers)) copy(headers[name]!, name);
  return out;
}

/** The compiled forms of one secret other than its raw text; see `secretPatterns`. */
interface SecretPatterns {
  /** Percent- or form-encoded (as in a URL): hex case does not matter. */
  readonly urlEncoded: RegExp | null;
  /** Base64 and base64url forms: case matters. */
  readonly base64: RegExp | null;
  /** HTML- or JSON-escaped, any character but a letter or digit escaped or not. */
  readonly escaped: RegExp | null;
}

const patternCache = new Map<string, SecretPatterns>();

/** Secrets shorter than this (in UTF-8 bytes) are not searched for in base64 text. */
const MIN_BASE64_SECRET_BYTES = 8;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Longest first, so an alternation prefers the whole encoding over its stable middle part. */
function alternation(forms: Iterable<string>, flags: string): RegExp | null {
  const distinct = [...new Set(forms)].filter((form) => form.length > 0);
  if (distinct.length === 0) return null;
  distinct.sort((a, b) => b.length - a.length);
  return new RegExp(distinct.map(escapeRegExp).join('|'), flags);
}

/**
 * The secret as it reads base64-encoded, standard or base64url, padded or not: on its own, as the
 * password or user of a `Basic` credential (`base64(':' + secret)`, `base64(secret + ':')`), and
 * anywhere inside a longer encoded string (`base64(user + ':' + secret)`). Inside a longer string
 * the encoding depends on the secret's offset modulo 3, so it is encoded after 0, 1 and 2 filler
 * bytes and only the characters whose 6 bits all come from the secret are kept (the stable middle
 * part). Empty for secrets shorter than `MIN_BASE64_SECRET_BYTES`, which would match by chance.
 */
export function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_BASE64_SECRET_BYTES) return [];
  // One character per UTF-8 byte, as `btoa` takes it.
  const binary = Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
  const forms: string[] = [];
  for (const whole of [binary, `:${binary}`, `${binary}:`]) {
    const padded = btoa(whole);
    forms.push(padded, padded.replace(/=+$/, ''));
  }
  for (let offset = 0; offset < 3; offset++) {
    // Character i carries bits [6i, 6i + 6); the secret's bits are [8 * offset, 8 * total).
    const encoded = btoa('\0'.repeat(offset) + binary);
    forms.push(
      encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6)),
    );
  }
  return [...forms, ...forms.map((form) => form.replace(/\+/g, '-').replace(/\//g, '_'))];
}

const hexDigits = (code: number, width: number) =>
  [...code.toString(16).padStart(width, '0')]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('');

/**
 * The secret as a page or a JSON body may echo it: each character other than a letter or digit
 * as itself or as an HTML character reference (`&#x2F;`, `&#47;`, a named one such as `&sol;`),
 * a JSON `\u002F` or a backslash escape (`\/`, PHP's `json_encode`). A named reference matches any
 * name: decoding them would take the whole HTML table, and a wrong name in a text that otherwise
 * spells the secret only hides a little more. Null when every character is a letter or digit (the
 * raw search finds those) or the secret is too short to match by chance.
 */
function escapedForm(secret: string): RegExp | null {
  const chars = [...secret];
  if (chars.length < 8 || chars.every((char) => /[A-Za-z0-9]/.test(char))) return null;
  const parts = chars.map((char) => {
    if (/[A-Za-z0-9]/.test(char)) return char;
    const code = char.codePointAt(0)!;
    const forms = [
      escapeRegExp(char),
      `&#0*${code};?`,
      `&#[xX]0*${hexDigits(code, 1)};?`,
      '&[A-Za-z][A-Za-z0-9]{1,31};',
      `\\\\${escapeRegExp(char)}`,
    ];
    if (code <= 0xffff) forms.push(`\\\\u${hexDigits(code, 4)}`);
    return `(?:${forms.join('|')})`;
  });
  return new RegExp(parts.join(''), 'g');
}

/** Compiled once per secret (the logger scrubs every line with fields), then cached. */
function secretPatterns(secret: string): SecretPatterns {
  let patterns = patternCache.get(secret);
  if (patterns) return patterns;
  let urlForms: string[] = [];
  try {
    urlForms = [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
  } catch {
    // a lone surrogate cannot be encoded, so it cannot be in a URL either
  }
  patterns = {
    urlEncoded: alternation(
      urlForms.filter((form) => form !== secret),
      'gi',
    ),
    base64: alternation(base64Forms(secret), 'g'),
    escaped: escapedForm(secret),
  };
  if (patternCache.size > 1000) patternCache.clear();
  patternCache.set(secret, patterns);
  return patterns;
}

/**
 * Removes every occurrence of the given secrets from a string, whatever field
 * or message it ended up in (a vendor may echo a token back in an error body,
 * or echo the request URL that carried it in its query string, percent-encoded,
 * or the `Basic` credential that carried it, base64-encoded, or a page or JSON
 * body may echo it escaped).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
    const { urlEncoded, base64, escaped } = secretPatterns(secret);
    if (urlEncoded) out = out.replace(urlEncoded, REDACTED);
    if (base64) out = out.replace(base64, REDACTED);
    if (escaped) out = out.replace(escaped, REDACTED);
  }
  return out;
}

/** Deep copy of a JSON-like value with the secrets scrubbed from every string. */
export function scrubValue<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return scrubSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      // Keys too: a vendor may echo what it refused as a field name (`errors: { <token>: [...] }`).
      out[scrubSecrets(key, secrets)] = SECRET_HEADERS.includes(key.toLowerCase())
        ? REDACTED
        : scrubValue(item, secrets);
    }
    return out as T;
  }
  return value;
}
