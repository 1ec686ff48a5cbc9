/**
 * Reading the raw body under a byte cap and a time bound, from a Node stream or a Fetch
 * `Request`. The cap is checked against `Content-Length` first (no bytes read) and again as
 * bytes arrive, since a chunked body declares no length.
 */
import type { IncomingMessage } from 'node:http';
import { concatBytes } from '@org/http-runtime';
import { GameBoostWebhookError } from './errors.js';

export interface RawBodyLimits {
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
}

function assertDeclaredLengthFits(declared: string | null | undefined, maxBodyBytes: number) {
  if (declared && Number(declared) > maxBodyBytes) {
    throw new GameBoostWebhookError('body_too_large', { detail: `Maximum ${maxBodyBytes} bytes.` });
  }
}

function tooLarge(maxBodyBytes: number) {
  return new GameBoostWebhookError('body_too_large', { detail: `Maximum ${maxBodyBytes} bytes.` });
}

export function readNodeBody(request: IncomingMessage, limits: RawBodyLimits): Promise<Buffer> {
  // Express/Koa/Fastify body parsers put the parsed body on the request and drain the stream:
  // the raw bytes are gone, and verifying a re-serialised body would fail for the wrong reason.
  if ('body' in request || request.readableEnded) {
    return Promise.reject(
      new GameBoostWebhookError('misconfigured', {
        detail: 'The body was already read; mount the webhook handler before any body parser.',
      }),
    );
  }
  try {
    assertDeclaredLengthFits(request.headers['content-length'], limits.maxBodyBytes);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: GameBoostWebhookError | undefined) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onFailure);
      request.off('aborted', onFailure);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > limits.maxBodyBytes) {
        request.pause();
        finish(tooLarge(limits.maxBodyBytes));
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onFailure = () => finish(new GameBoostWebhookError('body_incomplete'));
    const timer = setTimeout(() => {
      request.pause();
      finish(new GameBoostWebhookError('body_timeout'));
    }, limits.bodyTimeoutMs);
    request.on('data', onData).on('end', onEnd).on('error', onFailure).on('aborted', onFailure);
  });
}

export async function readFetchBody(request: Request, limits: RawBodyLimits): Promise<Uint8Array> {
  assertDeclaredLengthFits(request.headers.get('content-length'), limits.maxBodyBytes);
  if (request.bodyUsed) {
    throw new GameBoostWebhookError('misconfigured', { detail: 'The body was already read.' });
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GameBoostWebhookError('body_timeout')),
      limits.bodyTimeoutMs,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      received += value.byteLength;
      if (received > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
      chunks.push(value);
    }
  } catch (error) {
    // Stop the producer: an oversized or dripping body must not keep being read.
    reader.cancel().catch(() => undefined);
    if (error instanceof GameBoostWebhookError) throw error;
    throw new GameBoostWebhookError('body_incomplete', { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return concatBytes(chunks);
}
