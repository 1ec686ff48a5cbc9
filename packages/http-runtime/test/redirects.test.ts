import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createResilientFetch, type FetchFunction } from '../src/index.js';

/**
 * A hostile origin answers every request with a redirect to a second origin (another port).
 * The runtime must hand the 3xx back as the answer and never send anything to the target.
 */
let origin: string;
let target: string;
const servers: Server[] = [];
const reachedTarget: IncomingMessage[] = [];

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  target = await listen((request, response) => {
    reachedTarget.push(request);
    request.resume();
    response.writeHead(201, { 'Content-Type': 'application/json' }).end('{"id":"stolen"}');
  });
  origin = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      const status = Number(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
      response.writeHead(status, { Location: `${target}/landing?key=secret-key` }).end();
    });
  });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  reachedTarget.length = 0;
});

const STATUSES = [301, 302, 303, 307, 308];
const readsOnlyTheRequest: FetchFunction = (request) => globalThis.fetch(request);

describe.each([
  ['the global fetch', undefined],
  ['a fetch that reads only the Request', readsOnlyTheRequest],
])('redirects are never followed, with %s', (_name, fetch) => {
  const resilient = createResilientFetch({ ...(fetch ? { fetch } : {}), retry: false });

  it.each(STATUSES)('POST answered %i: the 3xx is the answer', async (status) => {
    const response = await resilient(`${origin}/${status}?apiKey=secret-key`, {
      method: 'POST',
      body: '{"text":"hello"}',
      headers: { Authorization: 'Bearer secret-token', 'Content-Type': 'application/json' },
      // A caller asking to follow is overridden too.
      redirect: 'follow',
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBe(`${target}/landing?key=secret-key`);
    await response.body?.cancel();
    expect(reachedTarget).toHaveLength(0);
  });

  it.each(STATUSES)('GET answered %i, from a Request: the 3xx is the answer', async (status) => {
    const response = await resilient(new Request(`${origin}/${status}?apiKey=secret-key`));
    expect(response.status).toBe(status);
    await response.body?.cancel();
    expect(reachedTarget).toHaveLength(0);
  });

  it('a POST Request with a body, built to follow, is sent once and not redirected', async () => {
    const request = new Request(`${origin}/307`, {
      method: 'POST',
      body: 'hello',
      redirect: 'follow',
    });
    const response = await resilient(request);
    expect(response.status).toBe(307);
    await response.body?.cancel();
    expect(reachedTarget).toHaveLength(0);
  });
});
