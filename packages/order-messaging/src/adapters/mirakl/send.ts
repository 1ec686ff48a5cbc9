/**
 * Sending on Mirakl: the newest of the order's threads open to the requested audience gets an
 * M12 reply (or the thread the request names), otherwise OR43 opens a thread with a topic.
 * Audience → M12/OR43 `to`: customer → CUSTOMER, seller → SHOP, operator → OPERATOR.
 *
 * Cost: the thread found is remembered per order (`./thread-cache.ts`), so a send to an order
 * this connection wrote to before is one M12; otherwise M11 (threads without their messages)
 * comes first. The message returned is built from M12's answer and the request; M10 reads the
 * whole thread back only when asked to (`readBack`) or when attachments need their ids.
 */
import { operationsById, type MiraklParticipant, type MiraklThread } from '@org/mirakl-client';
import {
  attachmentFile,
  isoDate,
  NotFoundError,
  OrderMessagingError,
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
import { threadKey } from './thread-cache.js';
import { getThread, orderThreads } from './threads.js';

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

/** A post Mirakl took: the ids its answer gave. */
interface Sent {
  readonly threadId: string;
  readonly messageId: string;
}

/** A send as it goes out: the request, the audience it settles on, its attachments as files. */
interface Outgoing {
  readonly request: SendRequest<MiraklVendorOptions>;
  readonly audience: readonly Audience[];
  readonly files: File[];
}

type Recipient = { type: ParticipantType; id?: string };

/** The M12 `to` list: each audience, with the participant's id where the participants name it. */
function recipients(
  participants: readonly MiraklParticipant[],
  audience: readonly Audience[],
): Recipient[] {
  return audience.map((target) => {
    const type = TO_PARTICIPANT[target];
    const participant = participants.find((p) => p.type === type);
    return type === 'OPERATOR' || !participant?.id ? { type } : { type, id: participant.id };
  });
}

const participantsOf = (thread: MiraklThread): MiraklParticipant[] => [
  ...(thread.authorized_participants ?? []),
  ...(thread.current_participants ?? []),
];

function openTo(thread: MiraklThread, audience: readonly Audience[]): boolean {
  const types = new Set((thread.authorized_participants ?? []).map((p) => String(p.type)));
  return audience.every((target) => types.has(TO_PARTICIPANT[target]));
}

const updatedAt = (thread: MiraklThread) => isoDate(thread.date_updated)?.getTime() ?? 0;

/** Threads Mirakl would refuse another reply in (1,000 messages), as far as M11 counts them. */
const MAX_MESSAGES = operationsById.replyToThread.limits.maxMessagesPerThread;
const isFull = (thread: MiraklThread) => (thread.metadata?.total_count ?? 0) >= MAX_MESSAGES;

/** Where a send goes after an M11 lookup: a thread to reply in, or none (OR43 opens one). */
interface Lookup {
  readonly thread: MiraklThread | undefined;
  /** Participants the order's threads name, for the `to` of a thread OR43 opens. */
  readonly participants: readonly MiraklParticipant[];
}

/**
 * M11 (threads without their messages, so its size does not grow with the history): the
 * thread the request names (it must be the order's), else the newest open to the audience and
 * not full. `stale` is a thread Mirakl just refused as unknown or full: never chosen again.
 */
async function chooseThread(
  config: MiraklConfig,
  { request, audience }: Outgoing,
  ctx: Ctx,
  stale?: string,
): Promise<Lookup> {
  const { threadId } = miraklOptionsOf(request);
  const participants: MiraklParticipant[] = [];
  let best: MiraklThread | undefined;
  let named: MiraklThread | undefined;
  for await (const thread of orderThreads(config, request.orderId, ctx)) {
    participants.push(...(thread.authorized_participants ?? []));
    if (thread.id === stale) continue;
    if (threadId !== undefined) {
      if (thread.id === threadId) named = thread;
      continue;
    }
    if (!openTo(thread, audience) || isFull(thread)) continue;
    if (!best || updatedAt(thread) > updatedAt(best)) best = thread;
  }
  if (threadId !== undefined && !named) {
    throw new NotFoundError(
      `${ctx.connection}: thread ${threadId} is not a thread of order ${request.orderId}`,
      { vendor: 'mirakl', connection: ctx.connection, delivery: 'not_sent' },
    );
  }
  return { thread: named ?? best, participants };
}

/** The ids M12 or OR43 answered; a 2xx without them is no proof of what was stored. */
function sentOf(created: Created, ctx: Ctx): Sent {
  if (!created.message_id || !created.thread_id) {
    throw ctx.unexpected('send', 'no message_id/thread_id in the answer', created, {
      write: true,
    });
  }
  return { threadId: created.thread_id, messageId: created.message_id };
}

/** M12: a reply in an existing thread. */
async function replyToThread(
  threadId: string,
  to: readonly Recipient[],
  { request, files }: Outgoing,
  ctx: Ctx,
): Promise<Sent> {
  const { data } = await ctx.call(
    'M12 reply to thread',
    () =>
      ctx.client.POST('/api/inbox/threads/{thread_id}/message', {
        params: { path: { thread_id: threadId } },
        body: {
          message_input: { body: request.text, to: [...to] },
          ...(files.length > 0 ? { files } : {}),
        },
      }),
    { write: true },
  );
  return sentOf({ thread_id: threadId, ...data }, ctx);
}

/** OR43: a new thread on the order, its topic the request's subject or `Order <orderId>`. */
async function createThread({ request, audience, files }: Outgoing, ctx: Ctx): Promise<Sent> {
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
  return sentOf(data ?? {}, ctx);
}

/** Remembers where the next send to the same order and audience goes, counting this message. */
function remember(
  config: MiraklConfig,
  key: string,
  sent: Sent,
  to: readonly Recipient[],
  countBefore: number | undefined,
): void {
  config.threads.set(key, {
    threadId: sent.threadId,
    to,
    count: countBefore === undefined ? undefined : countBefore + 1,
  });
}

/** M11, then M12 in the thread found or OR43 for a new one; what was found is remembered. */
async function lookUpAndPost(
  config: MiraklConfig,
  key: string,
  outgoing: Outgoing,
  ctx: Ctx,
  stale?: string,
): Promise<Sent> {
  const { thread, participants } = await chooseThread(config, outgoing, ctx, stale);
  if (thread) {
    const to = recipients(participantsOf(thread), outgoing.audience);
    const sent = await replyToThread(thread.id, to, outgoing, ctx);
    remember(config, key, sent, to, thread.metadata?.total_count);
    return sent;
  }
  const sent = await createThread(outgoing, ctx);
  // The new thread's participants are the order's: remembered only when the order's other
  // threads name every recipient, as a reply read from M11 would.
  const to = recipients(participants, outgoing.audience);
  if (to.every((r) => r.type === 'OPERATOR' || r.id !== undefined))
    remember(config, key, sent, to, 0);
  return sent;
}

/**
 * Mirakl's wording for a reply to a thread at its 1,000-message cap (the sandbox's; Mirakl
 * documents the cap, not the error text).
 */
const THREAD_FULL = /maximum of \d+ messages|thread is full|too many messages/i;

/**
 * A remembered thread Mirakl refused: unknown (404) or full (400). Both are refusals the
 * delivery rule already reads as "not applied" (`rejected`), so nothing of this post was stored
 * and posting once more after a fresh lookup cannot duplicate it.
 */
function staleThread(error: unknown): boolean {
  if (!(error instanceof OrderMessagingError) || error.delivery !== 'rejected') return false;
  return error.status === 404 || (error.status === 400 && THREAD_FULL.test(error.message));
}

/**
 * The lookup and post after Mirakl refused a remembered thread. A failure there that says nothing
 * left (`not_sent`) is not this send's whole story: a post did leave, and was refused. The
 * refusal is then the error, which says what happened to the message (nothing stored).
 */
async function afterRefusal(refusal: unknown, ctx: Ctx, retry: () => Promise<Sent>): Promise<Sent> {
  try {
    return await retry();
  } catch (error) {
    if (!(error instanceof OrderMessagingError) || error.delivery !== 'not_sent') throw error;
    ctx.logger.warn('a remembered thread was refused; looking the order up again failed', {
      vendor: 'mirakl',
      connection: ctx.connection,
      reason: error.message,
    });
    throw refusal;
  }
}

/** The stored message from M10; a description from the request when the read-back fails (it was sent). */
async function readBack(
  config: MiraklConfig,
  sent: Sent,
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
  const options = miraklOptionsOf(request);
  const key = threadKey(request.orderId, options.threadId, outgoing.audience);
  const known = config.threads.get(key);
  let sent: Sent;
  if (!known) {
    sent = await lookUpAndPost(config, key, outgoing, ctx);
  } else {
    try {
      sent = await replyToThread(known.threadId, known.to, outgoing, ctx);
      remember(config, key, sent, known.to, known.count);
    } catch (error) {
      if (!staleThread(error)) throw error;
      config.threads.delete(key);
      // The thread the caller named is gone or full: no other thread stands in for it.
      if (options.threadId !== undefined) throw error;
      sent = await afterRefusal(error, ctx, () =>
        lookUpAndPost(config, key, outgoing, ctx, known.threadId),
      );
    }
  }
  // Attachment ids exist only in Mirakl's stored copy; without them a download is impossible.
  return (options.readBack ?? outgoing.files.length > 0)
    ? readBack(config, sent, outgoing, ctx)
    : describeSent(config, sent, request, outgoing.files, ctx);
}
