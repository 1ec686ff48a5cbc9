/** Writing replies: a vendor's `Reply` or a scripted fault, rendered to status, headers and bytes. */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { htmlErrorPage, retryAfterValue, type FaultRule } from '../faults.js';
import type { Reply, ReplyContext } from '../types.js';
import type { MountedVendor } from './routing.js';

export interface Outgoing {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload: Uint8Array | string;
}

/** The reply's own headers win over the vendor's usual ones. */
export function render(reply: Reply, vendorHeaders: Record<string, string>): Outgoing {
  const headers: Record<string, string> = { ...vendorHeaders };
  let payload: Uint8Array | string = '';
  if (reply.binary) {
    headers['Content-Type'] = reply.binary.contentType;
    payload = reply.binary.bytes;
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(reply.body);
  }
  Object.assign(headers, reply.headers);
  return { status: reply.status, headers, payload };
}

/** Does nothing once the client has gone or a reply was already written. */
export function send(res: ServerResponse, outgoing: Outgoing): void {
  if (res.destroyed || res.writableEnded) return;
  const length =
    typeof outgoing.payload === 'string'
      ? Buffer.byteLength(outgoing.payload)
      : outgoing.payload.byteLength;
  res.writeHead(outgoing.status, { ...outgoing.headers, 'Content-Length': String(length) });
  res.end(outgoing.payload);
}

export function faultReply(rule: FaultRule, mounted: MountedVendor, ctx: ReplyContext): Outgoing {
  const status = rule.status ?? 500;
  const kind = rule.bodyKind ?? 'json';
  const headers: Record<string, string> = {};
  let payload: string = '';
  if (kind === 'json') {
    // The vendor's application answered: its own headers and error envelope.
    Object.assign(headers, mounted.module.responseHeaders?.(ctx));
    const body =
      rule.body ??
      (status === 429
        ? mounted.module.errors.rateLimited(ctx, 1).body
        : mounted.module.errors.generic(ctx, status).body);
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  } else if (kind === 'html') {
    headers['Content-Type'] = 'text/html; charset=utf-8';
    payload = typeof rule.body === 'string' ? rule.body : htmlErrorPage(status);
  } else if (kind === 'malformed-json') {
    headers['Content-Type'] = 'application/json';
    const full =
      typeof rule.body === 'string'
        ? rule.body
        : JSON.stringify(rule.body ?? { message: 'Server Error', status });
    payload = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
  }
  if (rule.retryAfter !== undefined) headers['Retry-After'] = retryAfterValue(rule.retryAfter);
  Object.assign(headers, rule.headers);
  return { status, headers, payload };
}

/** The answer one byte every `intervalMs`, stopping when the client goes. */
export function sendDripping(res: ServerResponse, outgoing: Outgoing, intervalMs: number): void {
  if (res.destroyed || res.writableEnded) return;
  const bytes = Buffer.from(outgoing.payload);
  res.writeHead(outgoing.status, {
    ...outgoing.headers,
    'Content-Length': String(bytes.byteLength),
  });
  let next = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(bytes.subarray(next, next + 1));
    next += 1;
    if (next >= bytes.byteLength) {
      clearInterval(timer);
      res.end();
    }
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

const PAD_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** A gzip stream into `res`, dropped when the client goes. */
function gzipInto(res: ServerResponse): Writable {
  const gzip = createGzip();
  gzip.pipe(res);
  res.on('close', () => gzip.destroy());
  return gzip;
}

/**
 * The answer after leading spaces up to `totalBytes`, streamed with backpressure so a huge answer
 * costs the sandbox one chunk of memory; stops when the client goes. With `gzip`, compressed as
 * it streams (a gzip bomb): the client's decoder, not the wire, sees `totalBytes`.
 */
export function sendPadded(
  res: ServerResponse,
  outgoing: Outgoing,
  totalBytes: number,
  encoding?: 'gzip',
): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = Buffer.from(outgoing.payload);
  let padding = Math.max(0, totalBytes - payload.byteLength);
  res.writeHead(
    outgoing.status,
    encoding === 'gzip'
      ? { ...outgoing.headers, 'Content-Encoding': 'gzip' }
      : { ...outgoing.headers, 'Content-Length': String(padding + payload.byteLength) },
  );
  const sink: Writable = encoding === 'gzip' ? gzipInto(res) : res;
  const gone = () => res.destroyed || sink.destroyed;
  const pump = (): void => {
    while (padding > 0 && !gone()) {
      const chunk = padding >= PAD_CHUNK.byteLength ? PAD_CHUNK : PAD_CHUNK.subarray(0, padding);
      padding -= chunk.byteLength;
      if (!sink.write(chunk)) {
        sink.once('drain', pump);
        return;
      }
    }
    if (!gone()) sink.end(payload);
  };
  pump();
}
