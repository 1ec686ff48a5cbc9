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

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    out[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

const encodedPatterns = new Map<string, RegExp | null>();

/**
 * The secret as it reads inside a URL when it has characters to escape (`+`, `/`, `=` of a base64
 * key): percent-encoded (`%2B`, any hex case) or form-encoded. Null when those equal the secret.
 */
function encodedPattern(secret: string): RegExp | null {
  let pattern = encodedPatterns.get(secret);
  if (pattern !== undefined) return pattern;
  let forms: string[] = [];
  try {
    forms = [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
  } catch {
    // a lone surrogate cannot be encoded, so it cannot be in a URL either
  }
  const distinct = [...new Set(forms)].filter((form) => form !== secret);
  pattern =
    distinct.length === 0
      ? null
      : new RegExp(
          distinct.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
          'gi',
        );
  if (encodedPatterns.size > 1000) encodedPatterns.clear();
  encodedPatterns.set(secret, pattern);
  return pattern;
}

/**
 * Removes every occurrence of the given secrets from a string, whatever field
 * or message it ended up in (a vendor may echo a token back in an error body,
 * or echo the request URL that carried it in its query string, percent-encoded).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
    const encoded = encodedPattern(secret);
    if (encoded) out = out.replace(encoded, REDACTED);
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
      out[key] = SECRET_HEADERS.includes(key.toLowerCase()) ? REDACTED : scrubValue(item, secrets);
    }
    return out as T;
  }
  return value;
}
