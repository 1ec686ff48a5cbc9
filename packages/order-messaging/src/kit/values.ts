/**
 * Value helpers adapters share: vendor dates and ids into normalized ones, client options
 * out of connection options, a bound on page walks.
 */
import type { ConnectionOptions } from '../adapter.js';

/** The options the vendor client factories take, out of a connection's options. */
export function clientOptionsOf(options: ConnectionOptions) {
  return {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.allowInsecureHttp === undefined
      ? {}
      : { allowInsecureHttp: options.allowInsecureHttp }),
    ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  };
}

/** A `Date` from an ISO 8601 string, or undefined when it does not parse. */
export function isoDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** A `Date` from unix seconds. */
export function unixSecondsDate(value: unknown): Date | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}

/**
 * An id for a message the vendor sent without one (every spec makes it optional), derived from
 * what tells it apart (its order, time, author and text) so that every listing gives the same one.
 * An empty id would make sync take every such message for the first one and drop the rest. Marked
 * with a leading `~`; two messages alike in all those parts get the same id.
 */
export function standInId(...parts: readonly unknown[]): string {
  const text = JSON.stringify(parts);
  // Two FNV-1a hashes with different primes: 64 bits, not a security measure.
  let a = 0x811c9dc5;
  let b = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return `~${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}`;
}

/** An id as a string: a non-empty string as is, a finite number in decimal; otherwise undefined. */
export function stringId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Whether `value` is a plain object (not `null`, not an array): for reading vendor JSON
 * defensively.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Strips directories from a URL path, for file names of URL-only attachments. */
export function fileNameFromUrl(url: string): string {
  try {
    const path = new URL(url).pathname;
    const last = path.split('/').filter(Boolean).at(-1);
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}

/** Bounds page walks: a vendor that keeps returning "next" must not loop forever. */
export const MAX_PAGES = 1000;
