/**
 * A setting no request could use, found when a client or facade is created rather than at the first
 * request: a missing or blank credential, a base URL that is not absolute https (plain http only
 * for loopback hosts or with `allowInsecureHttp`), one with a query, fragment or credentials, a
 * header name or value that HTTP cannot carry, an invalid retry or rate-limit setting. The message
 * names the setting, never its value.
 */
export class ConfigurationError extends Error {
  /** Always `'ConfigurationError'`. */
  override readonly name = 'ConfigurationError';
}

/**
 * What fetch refuses in a header value (a control character other than tab, or a character outside
 * Latin-1), found
 * when the client is created rather than at the first request: the error names the option,
 * never its value (fetch's own TypeError quotes the value, a credential included).
 */
export function assertHeaderValue(option: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new ConfigurationError(`${option} must be a string`);
  }
  // HTTP field values allow tab, visible ASCII and obs-text; undici refuses the rest at send time.
  if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
    throw new ConfigurationError(
      `${option} contains a control character or a character outside Latin-1, which a request cannot carry`,
    );
  }
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Extra headers: valid names (named in errors) and values (never echoed). */
export function assertHeaders(headers: Record<string, string> | undefined): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigurationError('headers must be an object of header names to values');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new ConfigurationError('headers: a header name is not a valid HTTP token');
    }
    assertHeaderValue(`headers[${JSON.stringify(name)}]`, value);
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Tokens travel in headers or the query string, so a plain-HTTP base URL would
 * put them on the wire in clear text. Only loopback (the sandbox, local proxies)
 * is allowed without an explicit opt-in.
 */
export function assertSafeBaseUrl(baseUrl: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // Never the value: a misplaced credential often ends up in it.
    throw new ConfigurationError('baseUrl is not an absolute URL');
  }
  if (/[?#]/.test(baseUrl)) {
    // Operation paths are appended to it: every request would go off its path.
    throw new ConfigurationError(
      'baseUrl must not contain a query or fragment; pass query parameters as options',
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError('baseUrl must not contain credentials; pass them as options');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowInsecureHttp === true || isLoopbackHost(url.hostname))) {
    return url;
  }
  // Not even the scheme: it may be the user part of a misplaced `user:secret@host`.
  throw new ConfigurationError(
    'baseUrl must use https; plain http is allowed only for loopback hosts or with allowInsecureHttp: true',
  );
}

/**
 * For vendors whose operation paths already start with `/api`: a base URL ending in `/api` would
 * send every call to `/api/api/...` and fail with 404s far from the cause. A value that is not
 * an absolute URL passes here, for `assertSafeBaseUrl` to reject with a clearer message.
 */
export function assertNoApiSuffix(vendor: string, baseUrl: string, example: string): void {
  if (!URL.canParse(baseUrl) || !/\/api\/?$/.test(new URL(baseUrl).pathname)) return;
  throw new ConfigurationError(
    `${vendor}: baseUrl must not end with /api (the operation paths already start with /api); use e.g. ${example}`,
  );
}
