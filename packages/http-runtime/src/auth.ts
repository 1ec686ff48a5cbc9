import type { Middleware } from 'openapi-fetch';

/** Where a vendor expects its credential. The value never leaves this closure except on the wire. */
export interface AuthPlacement {
  readonly in: 'header' | 'query';
  readonly name: string;
  readonly value: string;
  /** The bare credential inside `value` (the token of `Bearer <token>`), for scrubbing. */
  readonly secret?: string;
}

export function bearer(token: string): AuthPlacement {
  return { in: 'header', name: 'Authorization', value: `Bearer ${token}`, secret: token };
}

function decodeQueryName(pair: string): string {
  const raw = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function authMiddleware(placements: readonly AuthPlacement[]): Middleware {
  return {
    onRequest({ request }) {
      const queryPlacements = placements.filter((p) => p.in === 'query');
      let next = request;
      if (queryPlacements.length > 0) {
        // Edit the raw query rather than URLSearchParams, which would re-serialize
        // every other parameter (spaces as `+`, commas as `%2C`).
        const url = new URL(request.url);
        const names = new Set(queryPlacements.map((p) => p.name));
        const kept = url.search
          .slice(1)
          .split('&')
          .filter((pair) => pair !== '' && !names.has(decodeQueryName(pair)));
        for (const p of queryPlacements) {
          kept.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(p.value)}`);
        }
        url.search = kept.join('&');
        next = new Request(url, request);
      }
      for (const p of placements) {
        if (p.in === 'header') next.headers.set(p.name, p.value);
      }
      return next;
    },
  };
}
