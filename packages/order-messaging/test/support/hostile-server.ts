/**
 * A hostile vendor on loopback: an HTTP server, usually a proxy in front of the sandbox, that
 * answers the requests matching a rule in a way no honest vendor would (a body dripping one byte
 * at a time, a body of 100 MB, a gzip bomb, texts shown HTML-escaped) and forwards the others
 * untouched. Rules are data, so new behaviours are one more case of `HostileBehaviour` and of
 * `answer`.
 *
 * ```ts
 * const hostile = await startHostileServer({ upstream: sb.vendors.spp.baseUrl });
 * hostile.add({ method: 'POST', behaviour: { kind: 'drip', intervalMs: 50 } });
 * spp({ baseUrl: hostile.via(sb.vendors.spp.baseUrl), token });
 * ```
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGzip } from 'node:zlib';
import { storedAsHtml } from './html-escape.js';

export type HostileBehaviour =
  /** Forwards the request upstream and its answer back. */
  | { readonly kind: 'pass' }
  /** Waits, then forwards. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Headers at once, then one byte of JSON whitespace every `intervalMs` for up to `forMs`. */
  | {
      readonly kind: 'drip';
      readonly intervalMs?: number;
      readonly forMs?: number;
      readonly status?: number;
      /** Lets the upstream handle (and store) the request first, then drips instead of its answer. */
      readonly forward?: boolean;
    }
  /** `bytes` of JSON whitespace, streamed (never held in memory), without Content-Length. */
  | { readonly kind: 'huge'; readonly bytes: number; readonly status?: number }
  /** 1 GiB of zeros gzipped (about 1 MB on the wire), sent with `Content-Encoding: gzip`. */
  | { readonly kind: 'gzip-bomb'; readonly status?: number }
  /**
   * A vendor that keeps texts as HTML. A write is forwarded (the upstream stores it) and the
   * texts of its body (strings holding a space, not ids) are remembered; with `dropAnswer` its
   * answer is lost: the connection closes once the upstream has stored it. A read is forwarded
   * and its answer shows every remembered text as `storedAsHtml` does
   * (`<p>It&#039;s d&eacute;j&agrave; vu</p>`).
   */
  | { readonly kind: 'entity-escaping-store'; readonly dropAnswer?: boolean };

export interface HostileRule {
  /** Only this method (upper case); every method when left out. */
  readonly method?: string;
  /** Only paths containing this string or matching this expression. */
  readonly path?: string | RegExp;
  /** How many matching requests the rule answers (default: all). */
  readonly times?: number;
  readonly behaviour: HostileBehaviour;
}

export interface HostileHit {
  readonly method: string;
  readonly path: string;
  readonly behaviour: HostileBehaviour['kind'];
}

export interface HostileServer {
  readonly origin: string;
  /** `url` (an upstream base URL) with its origin replaced by this server's. */
  via(url: string): string;
  add(rule: HostileRule): void;
  clear(): void;
  readonly hits: readonly HostileHit[];
  close(): Promise<void>;
}

const GZIP_BOMB_DECODED_BYTES = 1024 ** 3;
let gzipBomb: Promise<Buffer> | undefined;

/** Built once per process by streaming zeros through gzip, so 1 GiB never exists in memory. */
export function gzipBombBytes(): Promise<Buffer> {
  gzipBomb ??= (async () => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    const ended = new Promise((resolve, reject) => gzip.on('end', resolve).on('error', reject));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let written = 0; written < GZIP_BOMB_DECODED_BYTES; written += zeros.length) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
    }
    gzip.end();
    await ended;
    return Buffer.concat(parts);
  })();
  return gzipBomb;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `bytes` in chunks, waiting for the client to take each; stops when it goes away. */
async function stream(res: ServerResponse, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < bytes && !res.destroyed; sent += chunk.length) {
    const part = bytes - sent < chunk.length ? chunk.subarray(0, bytes - sent) : chunk;
    if (!res.write(part)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  res.end();
}

function drip(res: ServerResponse, status: number, intervalMs: number, forMs: number): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started < forMs) res.write(' ');
    else {
      clearInterval(timer);
      res.end('{}');
    }
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

interface Upstream {
  readonly origin: string | undefined;
  /** Texts an `entity-escaping-store` write carried. */
  readonly stored: Set<string>;
}

/** Sends the request upstream; resolves with its answer (unread), or undefined without upstream. */
function forward(
  req: IncomingMessage,
  body: Buffer,
  upstream: Upstream,
): Promise<IncomingMessage | undefined> {
  if (!upstream.origin) return Promise.resolve(undefined);
  const target = new URL(req.url ?? '/', upstream.origin);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      resolve,
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** The values of a JSON or URL-encoded body. */
function valuesOf(text: string): unknown[] {
  const leaves = (value: unknown): unknown[] =>
    value !== null && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [value];
  try {
    return leaves(JSON.parse(text));
  } catch {
    return [...new URLSearchParams(text).values()];
  }
}

/** The values of a multipart body's fields (a JSON part's leaves); files left out. */
function multipartValues(text: string, boundary: string): unknown[] {
  return text.split(`--${boundary}`).flatMap((part) => {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return [];
    const head = part.slice(0, split);
    if (/filename=/i.test(head)) return [];
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    return /application\/json/i.test(head) ? valuesOf(content) : [content];
  });
}

/** The strings of a JSON, form or multipart body that hold a space: the texts a vendor would store. */
function textsOf(body: Buffer, contentType: string | undefined): string[] {
  const text = body.toString('utf8');
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  const values = boundary ? multipartValues(text, boundary) : valuesOf(text);
  return values.filter((value): value is string => typeof value === 'string' && /\s/.test(value));
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function escapingStore(
  dropAnswer: boolean,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  upstream: Upstream,
): Promise<void> {
  const reply = await forward(req, body, upstream);
  if (!reply) return void res.writeHead(502).end('{"message":"no upstream"}');
  const answerBytes = await readAll(reply);
  const write = !['GET', 'HEAD'].includes((req.method ?? 'GET').toUpperCase());
  if (write)
    for (const text of textsOf(body, req.headers['content-type'])) upstream.stored.add(text);
  if (write && dropAnswer) return void res.destroy();
  let out = answerBytes.toString('utf8');
  if (!write) {
    for (const text of upstream.stored) {
      out = out.replaceAll(JSON.stringify(text), JSON.stringify(storedAsHtml(text)));
    }
  }
  const headers = { ...reply.headers };
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  res.writeHead(reply.statusCode ?? 502, headers);
  res.end(out);
}

async function answer(
  behaviour: HostileBehaviour,
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
): Promise<void> {
  const body = await readAll(req);
  if (behaviour.kind === 'entity-escaping-store') {
    return escapingStore(behaviour.dropAnswer ?? false, req, body, res, upstream);
  }
  if (behaviour.kind === 'delay') await sleep(behaviour.ms);
  if (behaviour.kind === 'pass' || behaviour.kind === 'delay') {
    const reply = await forward(req, body, upstream);
    if (!reply) return void res.writeHead(502).end('{"message":"no upstream"}');
    res.writeHead(reply.statusCode ?? 502, reply.headers);
    reply.pipe(res);
    return;
  }
  if (behaviour.kind === 'drip') {
    const reply = behaviour.forward ? await forward(req, body, upstream) : undefined;
    reply?.resume();
    const status = behaviour.status ?? reply?.statusCode ?? 200;
    return drip(res, status, behaviour.intervalMs ?? 50, behaviour.forMs ?? 20_000);
  }
  if (behaviour.kind === 'huge') {
    res.writeHead(behaviour.status ?? 200, { 'Content-Type': 'application/json' });
    return stream(res, behaviour.bytes);
  }
  const bomb = await gzipBombBytes();
  res.writeHead(behaviour.status ?? 200, {
    'Content-Type': 'application/json',
    'Content-Encoding': 'gzip',
    'Content-Length': String(bomb.length),
  });
  res.end(bomb);
}

function matches(rule: HostileRule, method: string, path: string): boolean {
  if (rule.method && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

/** Starts the server on 127.0.0.1; `upstream` is where unmatched requests (and `pass`) go. */
export async function startHostileServer(
  options: { upstream?: string } = {},
): Promise<HostileServer> {
  const upstream: Upstream = {
    origin: options.upstream ? new URL(options.upstream).origin : undefined,
    stored: new Set(),
  };
  const rules: { rule: HostileRule; left: number }[] = [];
  const hits: HostileHit[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://hostile.invalid').pathname;
    const active = rules.find((r) => r.left > 0 && matches(r.rule, method, path));
    if (active) active.left -= 1;
    const behaviour: HostileBehaviour = active?.rule.behaviour ?? { kind: 'pass' };
    hits.push({ method, path, behaviour: behaviour.kind });
    answer(behaviour, req, res, upstream).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    via(url) {
      const target = new URL(url);
      return `${origin}${target.pathname}${target.search}`;
    },
    add(rule) {
      rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules.length = 0;
      hits.length = 0;
      upstream.stored.clear();
    },
    hits,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
