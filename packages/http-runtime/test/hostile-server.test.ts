/**
 * A server that enforces a limit the client was never told about: 20 requests in any second,
 * beyond which it answers 429 with `Retry-After`. The limiter has no rules and must learn the
 * limit from the 429s, then queue, rather than let every request burn its retries on 429s.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter, createResilientFetch } from '../src/index.js';

interface StrictServer {
  readonly url: string;
  /** Arrival time of every accepted request, oldest first. */
  readonly acceptedAt: number[];
  /** Accepted requests per message id: more than one is a duplicate. */
  readonly acceptedById: Map<string, number>;
  readonly throttled: () => number;
  close(): Promise<void>;
}

/** A sliding window of `windowMs`, counted on arrival, as strict servers count. */
async function startStrictServer(limit: number, windowMs: number): Promise<StrictServer> {
  const acceptedAt: number[] = [];
  const acceptedById = new Map<string, number>();
  let throttled = 0;
  const server: Server = createServer((request, response) => {
    const arrived = performance.now();
    const inWindow = acceptedAt.filter((t) => t > arrived - windowMs);
    const accept = inWindow.length < limit;
    if (accept) acceptedAt.push(arrived);
    else throttled += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!accept) {
        const freeInMs = inWindow[inWindow.length - limit]! + windowMs - arrived;
        response.writeHead(429, { 'Retry-After': String(Math.max(1, Math.ceil(freeInMs / 1000))) });
        response.end('{"message":"too many requests"}');
        return;
      }
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      acceptedById.set(id, (acceptedById.get(id) ?? 0) + 1);
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id }));
    });
  });
  // Longer than the test: a socket the server closes while the client reuses it would fail a POST.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    acceptedAt,
    acceptedById,
    throttled: () => throttled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: StrictServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a limit the client was not told about', () => {
  it('500 concurrent sends against a 20/s server: ≥ 95 % delivered within the deadline at ≥ 0.9 of its rate, none twice', async () => {
    const LIMIT = 20;
    const WINDOW_MS = 1_000;
    const SENDS = 500;
    const DEADLINE_MS = 30_000;
    server = await startStrictServer(LIMIT, WINDOW_MS);
    const { url } = server;
    const resilient = createResilientFetch({
      rateLimiter: createRateLimiter(),
      totalTimeoutMs: DEADLINE_MS,
    });
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: SENDS }, (_, i) =>
        resilient(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: `m${i}` }),
        }).then(
          async (response) => {
            await response.arrayBuffer();
            return { status: response.status, at: performance.now() - started };
          },
          () => ({ status: 0, at: performance.now() - started }),
        ),
      ),
    );
    const elapsedMs = performance.now() - started;
    const delivered = outcomes.filter((o) => o.status === 201 && o.at <= DEADLINE_MS).length;
    const { acceptedAt, acceptedById } = server;
    const duplicates = [...acceptedById.values()].filter((count) => count > 1).length;
    // Accepted requests over the time they spanned plus the window the last one opened: the
    // server could not have accepted more than `LIMIT` per window over that time.
    const spanMs = acceptedAt.at(-1)! - acceptedAt[0]! + WINDOW_MS;
    const rate = (acceptedAt.length / spanMs) * 1000;
    const efficiency = rate / (LIMIT / (WINDOW_MS / 1000));
    console.log(
      `hostile 20/s: delivered ${delivered}/${SENDS}, rate ${rate.toFixed(2)}/s, efficiency ${efficiency.toFixed(3)}, duplicates ${duplicates}, 429s ${server.throttled()}, elapsed ${(elapsedMs / 1000).toFixed(1)} s`,
    );
    expect(delivered).toBeGreaterThanOrEqual(0.95 * SENDS);
    expect(efficiency).toBeGreaterThanOrEqual(0.9);
    expect(duplicates).toBe(0);
    expect(acceptedAt.length).toBe(acceptedById.size);
  }, 60_000);
});
