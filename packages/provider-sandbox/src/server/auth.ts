/** Checks a request's credentials against the security schemes the spec names for its operation. */
import type { IncomingMessage } from 'node:http';
import type { SecurityScheme, SpecOperation } from '../spec/index.js';
import type { MountedVendor } from './routing.js';

function carriesSecret(
  scheme: SecurityScheme,
  secret: string,
  req: IncomingMessage,
  url: URL,
): boolean {
  if (scheme.type === 'http') {
    const header = req.headers.authorization ?? '';
    if (scheme.scheme === 'bearer') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] === secret;
    if (scheme.scheme === 'basic') {
      const encoded = /^Basic\s+(\S+)\s*$/i.exec(header)?.[1];
      return encoded !== undefined && Buffer.from(encoded, 'base64').toString('utf8') === secret;
    }
    return false;
  }
  if (scheme.type === 'apiKey' && scheme.name) {
    if (scheme.in === 'header') return req.headers[scheme.name.toLowerCase()] === secret;
    if (scheme.in === 'query') return url.searchParams.get(scheme.name) === secret;
    if (scheme.in === 'cookie') {
      const cookies = new URLSearchParams((req.headers.cookie ?? '').replace(/;\s*/g, '&'));
      return cookies.get(scheme.name) === secret;
    }
  }
  return false;
}

/**
 * Which credential (by scheme names) the request carries, or undefined when none is
 * valid. Rate limits count per credential, so the name matters, not only the verdict.
 */
export function authenticate(
  mounted: MountedVendor,
  operation: SpecOperation,
  req: IncomingMessage,
  url: URL,
): string | undefined {
  if (operation.security.length === 0) return 'anonymous';
  const { spec, module } = mounted;
  const passes = (schemeName: string): boolean => {
    const scheme = spec.securitySchemes[schemeName];
    const secret = module.secrets[schemeName];
    return scheme !== undefined && secret !== undefined && carriesSecret(scheme, secret, req, url);
  };
  const alternative = operation.security.find((names) => names.every(passes));
  return alternative ? alternative.join('+') || 'anonymous' : undefined;
}
