export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
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
    throw new ConfigurationError(`baseUrl is not an absolute URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError('baseUrl must not contain credentials; pass them as options');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname))) return url;
  throw new ConfigurationError(
    `baseUrl must use https (got ${url.protocol}//${url.host}); plain http is allowed only for loopback hosts or with allowInsecureHttp: true`,
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
