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
