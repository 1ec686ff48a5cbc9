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

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    out[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

/**
 * Removes every occurrence of the given secrets from a string, whatever field
 * or message it ended up in (a vendor may echo a token back in an error body).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
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
