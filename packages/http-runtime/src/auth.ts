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

export function authMiddleware(placements: readonly AuthPlacement[]): Middleware {
  return {
    onRequest({ request }) {
      const queryPlacements = placements.filter((p) => p.in === 'query');
      let next = request;
      if (queryPlacements.length > 0) {
        const url = new URL(request.url);
        for (const p of queryPlacements) url.searchParams.set(p.name, p.value);
        next = new Request(url, request);
      }
      for (const p of placements) {
        if (p.in === 'header') next.headers.set(p.name, p.value);
      }
      return next;
    },
  };
}
