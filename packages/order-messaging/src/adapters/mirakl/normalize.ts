/** Mirakl messages in the facade's shape: as M10 stores them, or as a send described them. */
import type { MiraklThread, MiraklThreadMessage } from '@org/mirakl-client';
import { isoDate, standInId, type AuthorKind, type SendRequest } from '../../adapter-kit.js';
import type { Ctx, MiraklConfig, MiraklOrderMessage, MiraklVendorOptions } from './config.js';

const AUTHOR_KIND: Record<string, AuthorKind> = {
  CUSTOMER: 'customer',
  SHOP: 'seller',
  OPERATOR: 'operator',
};

export function normalize(
  message: MiraklThreadMessage,
  thread: MiraklThread,
  orderId: string,
  ctx: Ctx,
): MiraklOrderMessage {
  const from = message.from;
  const kind =
    AUTHOR_KIND[String(from?.type ?? from?.organization_details?.type ?? '')] ?? 'system';
  const authorId = from?.organization_details?.id;
  const authorName = from?.display_name ?? from?.organization_details?.display_name;
  return {
    id: message.id || standInId(thread.id, message.date_created, kind, authorId, message.body),
    orderId,
    threadId: thread.id,
    text: message.body ?? '',
    author: {
      kind,
      ...(authorId === undefined ? {} : { id: authorId }),
      ...(authorName === undefined ? {} : { name: authorName }),
    },
    sentAt: isoDate(message.date_created) ?? isoDate(thread.date_updated) ?? new Date(0),
    attachments: (message.attachments ?? []).map((attachment) => ({
      id: attachment.id ?? '',
      filename: attachment.name ?? attachment.id ?? '',
      ...(attachment.size === undefined ? {} : { size: attachment.size }),
    })),
    internal: false,
    vendor: 'mirakl',
    connection: ctx.connection,
    raw: message,
  };
}

/**
 * A sent message as M12's (or OR43's) answer and the request describe it, without reading the
 * thread: the ids are Mirakl's, the text and attachments' names and sizes are what was sent, the
 * author is this connection's side (no id or name), `sentAt` is the local clock when Mirakl
 * answered, and attachment ids are empty (only the stored copy has them: `readBack`).
 */
export function describeSent(
  config: MiraklConfig,
  sent: { threadId: string; messageId: string },
  request: SendRequest<MiraklVendorOptions>,
  files: readonly File[],
  ctx: Ctx,
): MiraklOrderMessage {
  const { threadId, messageId } = sent;
  const raw: MiraklThreadMessage = {
    id: messageId,
    body: request.text,
    date_created: new Date().toISOString(),
    attachments: files.map((file) => ({ name: file.name, size: file.size })),
  };
  return {
    id: messageId,
    orderId: request.orderId,
    threadId,
    text: request.text,
    author: { kind: config.actingAs },
    sentAt: new Date(),
    attachments: files.map((file) => ({
      id: '',
      filename: file.name,
      size: file.size,
      contentType: file.type,
    })),
    internal: false,
    vendor: 'mirakl',
    connection: ctx.connection,
    raw,
  };
}
