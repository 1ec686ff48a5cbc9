/** Mirakl attachments by id (M13). */
import { contentDispositionFileName } from '@org/mirakl-client';
import type { AttachmentStream } from '../../adapter-kit.js';
import type { Ctx } from './config.js';

/**
 * M13's 200 is `application/octet-stream` in the spec, but its `Content-Type` is the file's own
 * media type when Mirakl knows it, so the client's default `Accept: application/json` is replaced
 * by octet-stream first and anything else after it (an error body stays readable).
 */
const M13_ACCEPT = 'application/octet-stream, */*;q=0.8';

/** M13: the attachment's bytes as a stream; the facade bounds how much of it is read. */
export async function downloadAttachment(
  attachmentId: string,
  ctx: Ctx,
): Promise<AttachmentStream> {
  const { data, response } = await ctx.call('M13 download attachment', () =>
    ctx.client.GET('/api/inbox/threads/{attachment_id}/download', {
      params: { path: { attachment_id: attachmentId } },
      headers: { Accept: M13_ACCEPT },
      parseAs: 'stream',
    }),
  );
  const length = Number(response.headers.get('content-length'));
  const filename = contentDispositionFileName(response.headers.get('content-disposition'));
  const contentType = response.headers.get('content-type');
  return {
    ...(filename ? { filename } : {}),
    ...(contentType ? { contentType } : {}),
    ...(Number.isSafeInteger(length) && length >= 0 && response.headers.has('content-length')
      ? { declaredBytes: length }
      : {}),
    body: (data as ReadableStream<Uint8Array> | null | undefined) ?? null,
  };
}
