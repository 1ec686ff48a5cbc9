/**
 * Response bodies under the attempt's timeout, the call's deadline and `maxResponseBytes`,
 * against a real HTTP server on loopback: a dripping body cannot hold a call, a large or
 * decompressing body stops at the cap.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResilientFetch, ResponseTooLargeError, TransportError } from '../src/index.js';

/** Stops dripping after this long, so a client that waits for the end finishes (late). */
const DRIP_FOR_MS = 5_000;

/** Multi-byte text long enough to arrive in several chunks. */
const UTF8_TEXT = '{"text":"' + 'Café déjà vu – '.repeat(2_000) + '"}';

let server: Server;
let origin: string;
const sockets = new Set<Socket>();
let flakyHits = 0;

function drip(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('[');
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started > DRIP_FOR_MS) {
      clearInterval(timer);
      res.end(']');
    } else res.write(' ');
  }, 50);
  res.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/drip') return drip(res);
    if (path === '/flaky-drip') {
      flakyHits += 1;
      if (flakyHits % 2 === 1) {
        res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"message":"busy"}');
        return;
      }
      return drip(res);
    }
    if (path === '/big') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(Buffer.alloc(1024 * 1024, 0x20));
      return;
    }
    if (path === '/gzip') {
      const zipped = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(zipped);
      return;
    }
    if (path === '/empty') return void res.writeHead(204).end();
    if (path === '/utf8') {
      // Written in pieces that split two-byte characters, after a byte-order mark.
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(UTF8_TEXT)]);
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      for (let at = 0; at < bytes.length; at += 4095) res.write(bytes.subarray(at, at + 4095));
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function elapsed<T>(run: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await run();
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe('the attempt timeout covers the response body', () => {
  it('ends a dripping body at timeoutMs with a typed timeout', async () => {
    const fetch = createResilientFetch({ timeoutMs: 300, retry: false });
    const { ms, error } = await elapsed(async () => (await fetch(`${origin}/drip`)).text());
    console.log(`drip, timeoutMs 300: ended after ${Math.round(ms)} ms`);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      phase: 'timeout',
      responseStatus: 200,
      mayHaveBeenDelivered: true,
    });
    expect((error as Error).message).toContain('did not arrive in full within 300 ms');
    expect(ms).toBeLessThan(1_000);
  });

  it('ends a call at totalTimeoutMs across a retry and the retried response body', async () => {
    flakyHits = 0;
    const fetch = createResilientFetch({
      timeoutMs: 10_000,
      totalTimeoutMs: 700,
      retry: { initialDelayMs: 50, jitter: false },
    });
    const { ms, error } = await elapsed(async () => (await fetch(`${origin}/flaky-drip`)).text());
    expect(flakyHits).toBe(2);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ phase: 'timeout', responseStatus: 200 });
    expect(ms).toBeLessThan(1_300);
  });

  it('stops at an absolute deadline shared by several calls', async () => {
    const fetch = createResilientFetch({ retry: false }).withPolicy({
      deadline: Date.now() + 400,
    });
    const { ms, error } = await elapsed(async () => (await fetch(`${origin}/drip`)).text());
    expect(error).toMatchObject({ name: 'TransportError', phase: 'timeout' });
    expect(ms).toBeLessThan(1_000);
    // Past the deadline, nothing more is sent.
    const late = await elapsed(() => fetch(`${origin}/ok`));
    expect(late.error).toMatchObject({ phase: 'timeout', mayHaveBeenDelivered: false });
  });

  it('keeps status, headers and url, and leaves bodiless answers alone', async () => {
    const fetch = createResilientFetch({ timeoutMs: 300 });
    const response = await fetch(`${origin}/ok?x=1`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${origin}/ok?x=1`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
    const empty = await fetch(`${origin}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });
});

describe('maxResponseBytes', () => {
  it('fails a body past the cap with ResponseTooLargeError', async () => {
    const fetch = createResilientFetch({ maxResponseBytes: 64 * 1024 });
    const { error } = await elapsed(async () => (await fetch(`${origin}/big`)).text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ status: 200, limit: 64 * 1024, method: 'GET' });
    expect((error as ResponseTooLargeError).received).toBeGreaterThan(64 * 1024);
  });

  it('counts decompressed bytes, so a small gzip body that inflates past the cap fails', async () => {
    const fetch = createResilientFetch({ maxResponseBytes: 64 * 1024 });
    const { error } = await elapsed(async () => (await fetch(`${origin}/gzip`)).text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });

  it('reads a body within the cap in full', async () => {
    const fetch = createResilientFetch({ maxResponseBytes: 2 * 1024 * 1024 });
    const text = await (await fetch(`${origin}/gzip`)).text();
    expect(text).toHaveLength(1024 * 1024);
  });
});

/** Every way a caller (openapi-fetch, a middleware, an application) can read a body. */
const READS: Record<string, (response: Response) => Promise<string>> = {
  text: (response) => response.text(),
  json: async (response) => JSON.stringify(await response.json()),
  arrayBuffer: async (response) => new TextDecoder().decode(await response.arrayBuffer()),
  // Node 20's Response has bytes() though TypeScript's DOM types may not.
  bytes: async (response) =>
    new TextDecoder().decode(await (response as { bytes(): Promise<Uint8Array> }).bytes()),
  blob: async (response) => (await response.blob()).text(),
  'clone().text': (response) => response.clone().text(),
  'body reader': async (response) => {
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
  },
  'new Response(body)': (response) => new Response(response.body).text(),
};

describe.each(Object.entries(READS))('reading a guarded body with %s', (name, read) => {
  it('gives the whole body, decoded as the platform decodes it', async () => {
    const fetch = createResilientFetch({ maxResponseBytes: 1024 * 1024 });
    const response = await fetch(`${origin}/utf8`);
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(false);
    const native = await (await globalThis.fetch(`${origin}/utf8`)).text();
    const text = await read(response);
    expect(text).toBe(name === 'json' ? JSON.stringify(JSON.parse(native)) : native);
    expect(JSON.parse(text)).toEqual(JSON.parse(UTF8_TEXT));
  });

  it('stops past maxResponseBytes, plain or decompressed', async () => {
    const fetch = createResilientFetch({ maxResponseBytes: 64 * 1024 });
    for (const path of ['/big', '/gzip']) {
      const { error } = await elapsed(async () => read(await fetch(`${origin}${path}`)));
      expect(error, path).toBeInstanceOf(ResponseTooLargeError);
    }
  });

  it('ends a dripping body at the attempt timeout', async () => {
    const fetch = createResilientFetch({ timeoutMs: 300, retry: false });
    const { ms, error } = await elapsed(async () => read(await fetch(`${origin}/drip`)));
    expect(error).toMatchObject({ name: 'TransportError', phase: 'timeout', responseStatus: 200 });
    expect(ms).toBeLessThan(1_000);
  });
});

describe('a guarded body is read once, as any body', () => {
  it('marks the body used and refuses a second read', async () => {
    const fetch = createResilientFetch();
    const response = await fetch(`${origin}/ok`);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toBeInstanceOf(TypeError);
  });

  it('lets a clone and the original both be read', async () => {
    const fetch = createResilientFetch();
    const response = await fetch(`${origin}/ok`);
    const copy = response.clone();
    expect(await copy.json()).toEqual({ ok: true });
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('a response the fetch froze', () => {
  it('is read through a guarded copy, within the limits', async () => {
    const frozen = (input: Request, init?: RequestInit) =>
      globalThis.fetch(input, init).then((response) => Object.freeze(response));
    const fetch = createResilientFetch({ fetch: frozen, maxResponseBytes: 64 * 1024 });
    const ok = await fetch(`${origin}/ok`);
    expect(ok.url).toBe(`${origin}/ok`);
    expect(await ok.json()).toEqual({ ok: true });
    const { error } = await elapsed(async () => (await fetch(`${origin}/big`)).text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });
});
