/**
 * Answers no HTTP library should take at face value, written byte by byte on a raw socket: a
 * status outside 200–599 (undici passes any three digits on) and a trailer section too large for
 * the parser, which breaks the body with an undici code no table lists.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResilientFetch, TransportError } from '../src/index.js';

interface RawServer {
  readonly url: string;
  /** Body bytes written before the client went away. */
  readonly written: () => number;
  close(): Promise<void>;
}

/** Answers every request with `head`, then `body` writes the chunked body until it returns false. */
async function rawServer(head: string, body: (socket: Socket) => void): Promise<RawServer> {
  let written = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write(head);
      const write = socket.write.bind(socket);
      socket.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
        return write(chunk, ...rest);
      }) as typeof socket.write;
      body(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/messages`,
    written: () => written,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One byte every 20 ms, for as long as the client reads. */
function drip(socket: Socket): void {
  const timer = setInterval(() => {
    if (socket.destroyed) clearInterval(timer);
    else socket.write('1\r\nx\r\n');
  }, 20);
  socket.on('close', () => clearInterval(timer));
}

/** 1 MiB chunks, 64 of them, as fast as the client takes them. */
function flood(socket: Socket): void {
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let sent = 0;
  const pump = () => {
    while (sent < 64 && !socket.destroyed) {
      sent += 1;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      if (!socket.write('\r\n')) return void socket.once('drain', pump);
    }
    socket.end('0\r\n\r\n');
  };
  pump();
}

const chunkedHead = (status: string) =>
  `HTTP/1.1 ${status} Odd\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`;

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('a status outside 200–599', () => {
  it.each(['999', '600'])(
    'status %s is refused as a malformed answer before its body is read',
    async (status) => {
      server = await rawServer(chunkedHead(status), drip);
      const fetch = createResilientFetch({ timeoutMs: 5_000, retry: false });
      const started = performance.now();
      const error = await failureOf(fetch(server.url, { method: 'POST', body: '{}' }));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error.phase).toBe('sent');
      expect(error.code).toBe('HPE_INVALID_STATUS');
      expect(error.responseStatus).toBe(Number(status));
      expect(error.mayHaveBeenDelivered).toBe(true);
    },
  );

  it('a huge body behind status 999 is never downloaded', async () => {
    server = await rawServer(chunkedHead('999'), flood);
    const fetch = createResilientFetch({ maxResponseBytes: 1 << 20, retry: false });
    await failureOf(fetch(server.url));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // What the socket buffers took before the client closed it, far from the 64 MiB offered.
    expect(server.written()).toBeLessThan(16 << 20);
  });
});

describe('a body broken by an error no table knows', () => {
  it('an oversized trailer section after a 201 is a failure after sending, typed', async () => {
    server = await rawServer(chunkedHead('201'), (socket) => {
      socket.write('2\r\n{}\r\n0\r\n');
      socket.write(`X-Trailer: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    const fetch = createResilientFetch({ retry: false });
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    const error = await failureOf(response.text());
    expect(error.phase).toBe('sent');
    expect(error.responseStatus).toBe(201);
    expect(error.mayHaveBeenDelivered).toBe(true);
  });
});
