/**
 * Sending on Mirakl: the newest of the order's threads open to the requested audience gets an
 * M12 reply (or the thread the request names), otherwise OR43 opens a thread with a topic.
 * M10 then reads the stored message back.
 * Audience → M12/OR43 `to`: customer → CUSTOMER, seller → SHOP, operator → OPERATOR.
 */
import type { MiraklParticipant, MiraklThread } from '@org/mirakl-client';
import {
  attachmentFile,
  isoDate,
  NotFoundError,
  type Audience,
  type SendRequest,
} from '../../adapter-kit.js';
import {
  miraklOptionsOf,
  type Ctx,
  type MiraklConfig,
  type MiraklOrderMessage,
  type MiraklVendorOptions,
} from './config.js';
import { describeSent, normalize } from './normalize.js';
import { belongsTo, getThread, orderThreads } from './threads.js';

type ParticipantType = 'CUSTOMER' | 'SHOP' | 'OPERATOR';

const TO_PARTICIPANT: Record<Audience, ParticipantType> = {
  customer: 'CUSTOMER',
  seller: 'SHOP',
  operator: 'OPERATOR',
};

/** What M12 and OR43 answer: the ids of the stored message and its thread. */
interface Created {
  message_id?: string;
  thread_id?: string;
}

/** A send as it goes out: the request, the audience it settles on, its attachments as files. */
interface Outgoing {
  readonly request: SendRequest<MiraklVendorOptions>;
  readonly audience: readonly Audience[];
  readonly files: File[];
}

/** The M12 `to` list: each audience, with the participant's id where the thread knows it. */
function recipients(thread: MiraklThread, audience: readonly Audience[]) {
  return audience.map((target) => {
    const type = TO_PARTICIPANT[target];
    const participant: MiraklParticipant | undefined = [
      ...(thread.authorized_participants ?? []),
      ...(thread.current_participants ?? []),
    ].find((p) => p.type === type);
    return type === 'OPERATOR' || !participant?.id ? { type } : { type, id: participant.id };
  });
}

function openTo(thread: MiraklThread, audience: readonly Audience[]): boolean {
  const types = new Set((thread.authorized_participants ?? []).map((p) => String(p.type)));
  return audience.every((target) => types.has(TO_PARTICIPANT[target]));
}

const updatedAt = (thread: MiraklThread) => isoDate(thread.date_updated)?.getTime() ?? 0;

/** The thread the request names (it must be the order's), else the newest open to the audience. */
async function chooseThread(
  config: MiraklConfig,
  { request, audience }: Outgoing,
  ctx: Ctx,
): Promise<MiraklThread | undefined> {
  const { threadId } = miraklOptionsOf(request);
  if (threadId) {
    const thread = await getThread(threadId, ctx);
    if (!belongsTo(thread, request.orderId)) {
      throw new NotFoundError(
        `${ctx.connection}: thread ${threadId} is not a thread of order ${request.orderId}`,
        { vendor: 'mirakl', connection: ctx.connection, delivery: 'not_sent' },
      );
    }
    return thread;
  }
  let best: MiraklThread | undefined;
  for await (const thread of orderThreads(config, request.orderId, ctx)) {
    if (!openTo(thread, audience)) continue;
    if (!best || updatedAt(thread) > updatedAt(best)) best = thread;
  }
  return best;
}

/** M12: a reply in an existing thread. */
async function replyToThread(
  threadId: string,
  thread: MiraklThread,
  { request, audience, files }: Outgoing,
  ctx: Ctx,
): Promise<Created> {
  const { data } = await ctx.call(
    'M12 reply to thread',
    () =>
      ctx.client.POST('/api/inbox/threads/{thread_id}/message', {
        params: { path: { thread_id: threadId } },
        body: {
          message_input: { body: request.text, to: recipients(thread, audience) },
          ...(files.length > 0 ? { files } : {}),
        },
      }),
    { write: true },
  );
  return { thread_id: threadId, ...data };
}

/** OR43: a new thread on the order, its topic the request's subject or `Order <orderId>`. */
async function createThread({ request, audience, files }: Outgoing, ctx: Ctx): Promise<Created> {
  const { subject } = miraklOptionsOf(request);
  const { data } = await ctx.call(
    'OR43 create order thread',
    () =>
      ctx.client.POST('/api/orders/{order_id}/threads', {
        params: { path: { order_id: request.orderId } },
        body: {
          thread_input: {
            body: request.text,
            to: audience.map((target) => TO_PARTICIPANT[target]),
            topic: { type: 'FREE_TEXT', value: subject ?? `Order ${request.orderId}` },
          },
          ...(files.length > 0 ? { files } : {}),
        },
      }),
    { write: true },
  );
  return data ?? {};
}

/** The stored message from M10; a description from the request when the read-back fails (it was sent). */
async function readBack(
  config: MiraklConfig,
  sent: { threadId: string; messageId: string },
  { request, files }: Outgoing,
  ctx: Ctx,
): Promise<MiraklOrderMessage> {
  try {
    const thread = await getThread(sent.threadId, ctx);
    const stored = thread.messages.find((message) => message.id === sent.messageId);
    if (stored) return normalize(stored, thread, request.orderId, ctx);
  } catch (error) {
    ctx.logger.warn('message sent; reading it back failed', {
      vendor: 'mirakl',
      connection: ctx.connection,
      messageId: sent.messageId,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  return describeSent(config, sent, request, files, ctx);
}

export async function send(
  config: MiraklConfig,
  request: SendRequest<MiraklVendorOptions>,
  ctx: Ctx,
): Promise<MiraklOrderMessage> {
  const outgoing: Outgoing = {
    request,
    audience:
      request.audience && request.audience.length > 0 ? request.audience : config.defaultAudience,
    files: (request.attachments ?? []).map(attachmentFile),
  };
  const thread = await chooseThread(config, outgoing, ctx);
  const created = thread
    ? // The thread the caller named, as named; otherwise the one M11 found.
      await replyToThread(miraklOptionsOf(request).threadId ?? thread.id, thread, outgoing, ctx)
    : await createThread(outgoing, ctx);
  if (!created.message_id || !created.thread_id) {
    throw ctx.unexpected('send', 'no message_id/thread_id in the answer', created, {
      write: true,
    });
  }
  const sent = { threadId: created.thread_id, messageId: created.message_id };
  return readBack(config, sent, outgoing, ctx);
}
