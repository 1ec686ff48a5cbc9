import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attemptsOf,
  classifyTransportFailure,
  createResilientFetch,
  requestIdOf,
  TransportError,
} from '../src/index.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

interface Received {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** One loopback server per file; each test routes by path and reads what the server received. */
let server: Server;
let origin: string;
const received: Received[] = [];
const routes = new Map<string, Handler>([
  // Reads the whole request, then drops the connection without answering.
  ['/drop-after-body', (request) => request.socket.destroy()],
  // Reads the request and never answers until the test ends.
  ['/slow', () => {}],
  [
    '/ok',
    (_request, response) => response.writeHead(201, { 'X-Request-Id': 'req-1' }).end('{"id":"m1"}'),
  ],
]);

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      received.push({ method: request.method ?? '', path, body });
      const handler = routes.get(path);
      if (handler) handler(request, response, body);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const receivedOn = (path: string) => received.filter((r) => r.path === path);

/** A port that was just free: bind, note the port, close. Nothing listens there any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const fastRetry = { maxRetries: 1, initialDelayMs: 1, jitter: false } as const;

describe('transport failures against a real loopback server', () => {
  it('classifies a refused connection as connect-phase, not delivered, and retries it even for POST', async () => {
    const port = await closedPort();
    const resilient = createResilientFetch({ retry: fastRetry, vendor: 'sandbox' });
    const error = await resilient(
      new Request(`http://127.0.0.1:${port}/messages?apiKey=k3y-in-query`, {
        method: 'POST',
        body: 'hello',
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      phase: 'connect',
      code: 'ECONNREFUSED',
      mayHaveBeenDelivered: false,
      attempts: 2,
      url: `http://127.0.0.1:${port}/messages`,
    });
    expect((error as Error).message).toBe(
      `sandbox: POST http://127.0.0.1:${port}/messages: could not connect (ECONNREFUSED); the request was not sent`,
    );
    expect((error as TransportError).cause).toBeInstanceOf(TypeError);
  });

  it('classifies a connection dropped after the body was read as sent (maybe delivered), and does not retry a POST', async () => {
    const resilient = createResilientFetch({ retry: fastRetry });
    const error = await resilient(
      new Request(`${origin}/drop-after-body`, { method: 'POST', body: '{"message":"once"}' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ phase: 'sent', mayHaveBeenDelivered: true, attempts: 1 });
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain((error as TransportError).code);
    // The server did read the message: exactly the situation a blind retry would duplicate.
    expect(receivedOn('/drop-after-body')).toEqual([
      { method: 'POST', path: '/drop-after-body', body: '{"message":"once"}' },
    ]);
  });

  it('retries a GET whose connection dropped', async () => {
    const before = receivedOn('/drop-after-body').length;
    const resilient = createResilientFetch({ retry: fastRetry });
    await expect(resilient(new Request(`${origin}/drop-after-body`))).rejects.toMatchObject({
      phase: 'sent',
      attempts: 2,
    });
    expect(receivedOn('/drop-after-body').length - before).toBe(2);
  });

  it('times out a slow server: POST once, GET with its retry', async () => {
    const resilient = createResilientFetch({ retry: fastRetry, timeoutMs: 100 });
    await expect(
      resilient(new Request(`${origin}/slow`, { method: 'POST', body: 'x' })),
    ).rejects.toMatchObject({
      name: 'TransportError',
      phase: 'timeout',
      mayHaveBeenDelivered: true,
      attempts: 1,
    });
    expect(receivedOn('/slow')).toHaveLength(1);

    await expect(resilient(new Request(`${origin}/slow`))).rejects.toMatchObject({
      phase: 'timeout',
      attempts: 2,
    });
    expect(receivedOn('/slow')).toHaveLength(3);
  });

  it('returns a real response with its attempt count and request id', async () => {
    const resilient = createResilientFetch();
    const response = await resilient(new Request(`${origin}/ok`, { method: 'POST', body: 'x' }));
    expect(response.status).toBe(201);
    expect(attemptsOf(response)).toBe(1);
    expect(requestIdOf(response)).toBe('req-1');
    expect(await response.json()).toEqual({ id: 'm1' });
  });

  it('classifies the raw undici errors the same way', async () => {
    const port = await closedPort();
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(classifyTransportFailure(refused)).toEqual({
      phase: 'connect',
      code: 'ECONNREFUSED',
      transient: true,
    });
    const dropped = await fetch(`${origin}/drop-after-body`, { method: 'POST', body: 'y' }).catch(
      (e: unknown) => e,
    );
    expect(classifyTransportFailure(dropped)).toMatchObject({ phase: 'sent', transient: false });
    // The fetch spec's "bad port" list: undici refuses before connecting.
    const badPort = await fetch('http://127.0.0.1:1/').catch((e: unknown) => e);
    expect(classifyTransportFailure(badPort)).toEqual({
      phase: 'connect',
      code: undefined,
      transient: false,
    });
    expect(classifyTransportFailure(new RangeError('not a network error'))).toBeUndefined();
    expect(classifyTransportFailure(new TypeError('Invalid URL'))).toBeUndefined();
    const happyEyeballs = new TypeError('fetch failed', {
      cause: new AggregateError([
        Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('b'), { code: 'ENETUNREACH' }),
      ]),
    });
    expect(classifyTransportFailure(happyEyeballs)).toMatchObject({
      phase: 'connect',
      transient: true,
    });
  });

  it('keeps the query and secrets out of message, JSON and inspect, even when the cause quotes them', async () => {
    const secret = 'sk_live_0123456789';
    const cause = Object.assign(
      new Error(`request to https://api.vendor.test/x?apiKey=${secret} failed`),
      {
        code: 'ECONNRESET',
      },
    );
    const resilient = createResilientFetch({
      fetch: async () => {
        throw new TypeError('fetch failed', { cause });
      },
      secrets: [secret],
    });
    const error = await resilient(
      new Request(`https://api.vendor.test/orders/${secret}/messages?apiKey=${secret}`, {
        method: 'POST',
        body: '',
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    const outputs = [
      (error as Error).message,
      JSON.stringify(error),
      inspect(error),
      inspect(error, { depth: 5 }),
    ];
    for (const text of outputs) expect(text).not.toContain(secret);
    expect((error as TransportError).url).toBe(
      'https://api.vendor.test/orders/[REDACTED]/messages',
    );
    expect(inspect(error)).toContain('ECONNRESET');
  });
});
