/**
 * One cell's arrangement: the sandbox faults its fault case injects, and the fetch the cell's
 * facade uses, which counts posts and off-path requests, swaps canary credentials for the
 * sandbox's, and tampers with answers as the fault case asks (a garbled 2xx, entity-escaped reads).
 */
import type { Sandbox } from '@org/provider-sandbox';
import { storedAsHtml } from '../html-escape.js';
import { toVendor, type Swap } from './canary.js';
import type { Arrange, Column, FaultCase, Garble } from './model.js';

async function garbled(response: Response, kind: Garble): Promise<Response> {
  const text = await response.text();
  const headers = new Headers();
  let body: string;
  switch (kind) {
    case 'malformed-json':
      headers.set('Content-Type', 'application/json');
      body = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      break;
    case 'html':
      headers.set('Content-Type', 'text/html; charset=utf-8');
      body = '<!DOCTYPE html>\n<html><body><h1>Thank you!</h1></body></html>\n';
      break;
    case 'wrong-shape':
      headers.set('Content-Type', 'application/json');
      body = '{"ok":true}';
      break;
  }
  return new Response(body, { status: response.status, headers });
}

/** A JSON read whose copies of `text` are replaced by their HTML-stored form; undefined if none. */
async function escapedRead(response: Response, text: string): Promise<Response | undefined> {
  if (!response.ok || !/json/.test(response.headers.get('content-type') ?? '')) return undefined;
  const body = await response.clone().text();
  const inJson = JSON.stringify(text).slice(1, -1);
  if (!body.includes(inJson)) return undefined;
  const replaced = body.replaceAll(inJson, JSON.stringify(storedAsHtml(text)).slice(1, -1));
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(replaced, { status: response.status, headers });
}

export interface Staging {
  readonly injected: number[];
  readonly fetch: (request: Request) => Promise<Response>;
  posts(): number;
  /** Requests that left for another origin, or outside the vendor's base path. */
  offPath(): number;
  /** What the fault case asked for that did not happen (so the cell proves nothing), if anything. */
  unmet(): string | undefined;
}

export interface CellWiring {
  /** The text the cell sends. */
  readonly text: string;
  /** The vendor's base URL on the sandbox: every request must stay under it. */
  readonly baseUrl: string;
  readonly swaps: readonly Swap[];
}

export function stage(sb: Sandbox, fault: FaultCase, column: Column, wiring: CellWiring): Staging {
  const injected: number[] = [];
  let garble: Garble | undefined;
  let afterPost: (() => void) | undefined;
  let escape = false;
  let escapedReads = 0;
  const arrange: Arrange = {
    sb,
    column,
    inject(rule, operationId) {
      const target =
        operationId === null ? {} : { operationId: operationId ?? column.sendOperation };
      injected.push(sb.faults.inject({ ...rule, vendor: column.vendor, ...target }));
    },
    garbleNextPost(kind) {
      garble = kind;
    },
    afterFirstPost(run) {
      afterPost = run;
    },
    escapeReads() {
      escape = true;
    },
  };
  fault.arrange(arrange);

  const base = new URL(wiring.baseUrl);
  const basePath = base.pathname.replace(/\/?$/, '/');
  let posts = 0;
  let offPath = 0;
  const onPath = (href: string) => {
    const url = new URL(href);
    return url.origin === base.origin && `${url.pathname}/`.startsWith(basePath);
  };
  const observingFetch = async (request: Request): Promise<Response> => {
    if (!onPath(request.url)) offPath += 1;
    const post = request.method === 'POST';
    if (post) posts += 1;
    try {
      const response = await fetch(await toVendor(request, wiring.swaps));
      // A redirect fetch followed went where this fetch never saw a request go.
      if (response.redirected || (response.url && !onPath(response.url))) offPath += 1;
      if (post && garble && response.ok) {
        const kind = garble;
        garble = undefined;
        return await garbled(response, kind);
      }
      const escaped = escape && !post ? await escapedRead(response, wiring.text) : undefined;
      if (escaped) escapedReads += 1;
      return escaped ?? response;
    } finally {
      if (post && afterPost) {
        const run = afterPost;
        afterPost = undefined;
        run();
      }
    }
  };
  return {
    injected,
    fetch: observingFetch,
    posts: () => posts,
    offPath: () => offPath,
    unmet: () => (escape && escapedReads === 0 ? 'no read showed the text to escape' : undefined),
  };
}
