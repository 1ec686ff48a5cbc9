/**
 * Attachment downloads: the adapter opens the vendor's stream, the facade reads it within
 * `maxBytes`, never buffering more than the limit.
 */
import { concatBytes, ResponseTooLargeError } from '@org/http-runtime';
import type { AttachmentStream } from './adapter.js';
import { ValidationError } from './errors.js';
import type { DownloadedAttachment } from './model.js';

/** Above Mirakl's 30 MB per message, so any attachment it stores fits by default. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;

/** Reads a body into memory, giving up (and cancelling the stream) as soon as it passes `maxBytes`. */
async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  tooLarge: (actual: number) => Error,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The runtime's own cap is never below `maxBytes`; when it stops a body first (on the
      // same chunk), the attachment is still what is too large.
      if (error instanceof ResponseTooLargeError) throw tooLarge(error.received);
      throw error;
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(total);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

export interface DownloadScope {
  readonly vendor: string;
  readonly connection: string;
  readonly attachmentId: string;
  readonly maxBytes: number;
}

/** The attachment's bytes, or a ValidationError (`field: 'maxBytes'`) once it passes the limit. */
export async function readAttachment(
  stream: AttachmentStream,
  scope: DownloadScope,
): Promise<DownloadedAttachment> {
  const { vendor, connection, attachmentId, maxBytes } = scope;
  const tooLarge = (actual: number) =>
    new ValidationError(
      `${connection}: attachment ${attachmentId} is larger than maxBytes (${maxBytes})`,
      {
        vendor,
        connection,
        field: 'maxBytes',
        reason: 'too_large',
        limit: maxBytes,
        actual,
        delivery: 'not_sent',
      },
    );
  if (stream.declaredBytes !== undefined && stream.declaredBytes > maxBytes) {
    await stream.body?.cancel().catch(() => {});
    throw tooLarge(stream.declaredBytes);
  }
  const data = await readAtMost(stream.body, maxBytes, tooLarge);
  return {
    filename: stream.filename ?? attachmentId,
    ...(stream.contentType ? { contentType: stream.contentType } : {}),
    data,
  };
}
