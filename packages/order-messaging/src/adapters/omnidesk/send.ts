/**
 * Sending on Omnidesk: `POST /message` (multipart) into the ticket, in the channel `type` the
 * request names (default e-mail) or, for an internal note, the configured note channel (the facade
 * refuses notes before this when there is none: `capabilities.internalNotes`). Omnidesk answers
 * only `{type: 'result'}`, so the ticket is read before and after the post and the new timeline
 * entry is the sent message.
 */
import type { OmnideskTicket } from '@org/omnidesk-client';
import {
  comparableText,
  isRecord,
  pickSent,
  vendorMessage,
  type SendRequest,
  type SentProbe,
} from '../../adapter-kit.js';
import {
  omnideskOptionsOf,
  type Ctx,
  type OmnideskConfig,
  type OmnideskOrderMessage,
  type OmnideskVendorOptions,
} from './config.js';
import { getTicket, isMessage, normalize } from './timeline.js';

const SNAPSHOT = 'omnidesk.timelineIdsBeforeSend';

/** Notes the ticket's timeline ids before the first attempt of a send, for `findNew`. */
async function rememberTimeline(
  request: SendRequest<OmnideskVendorOptions>,
  ctx: Ctx,
): Promise<void> {
  if (ctx.sendState.has(SNAPSHOT)) return;
  const before = await getTicket(request.orderId, ctx);
  ctx.sendState.set(SNAPSHOT, new Set((before.timeline ?? []).map((entry) => String(entry.id))));
}

/** The timeline entry the send created: new since the snapshot, same text, newest. */
function findNew(
  config: OmnideskConfig,
  ticket: OmnideskTicket,
  probe: SentProbe<OmnideskVendorOptions>,
  ctx: Ctx,
): OmnideskOrderMessage | undefined {
  const before = ctx.sendState.get(SNAPSHOT) as ReadonlySet<string> | undefined;
  const candidates = (ticket.timeline ?? [])
    .filter((entry) => isMessage(entry) && !(before && before.has(String(entry.id))))
    .map((entry) => normalize(config, entry, ticket, ctx));
  if (before) {
    // Timestamps have no documented zone, so the snapshot decides what is new, not the clock.
    const wanted = comparableText(probe.request.text);
    return candidates
      .filter(
        (m) =>
          m.internal === (probe.request.internal === true) && comparableText(m.text) === wanted,
      )
      .at(-1);
  }
  return pickSent(candidates, probe);
}

/** The configured note channel; the facade's checks keep notes away when there is none. */
function noteChannelOf(config: OmnideskConfig): string {
  if (config.noteChannel === undefined) {
    throw new Error('omnidesk: internal notes need the noteChannel connection option');
  }
  return config.noteChannel;
}

/** `POST /message`; Omnidesk's error envelope (even with a 200) is a failure. */
async function postMessage(
  config: OmnideskConfig,
  request: SendRequest<OmnideskVendorOptions>,
  ctx: Ctx,
) {
  const { channel } = omnideskOptionsOf(request);
  const type = request.internal ? noteChannelOf(config) : (channel ?? config.defaultChannel);
  const { data } = await ctx.call(
    'create message',
    () =>
      ctx.client.POST('/message', {
        body: {
          ticketID: Number(request.orderId),
          type,
          message: request.text,
          ...(config.options.userId === undefined ? {} : { userID: config.options.userId }),
        },
      }),
    { write: true },
  );
  if (isRecord(data) && (data as Record<string, unknown>).status === 'error') {
    throw ctx.unexpected('create message', vendorMessage(data) ?? 'error envelope', data);
  }
  // Only Omnidesk's documented `{type: 'result'}` says the post was taken; anything else is no
  // success, so it never ends as a message described from the request.
  if (!isRecord(data) || (data as Record<string, unknown>).type !== 'result') {
    throw ctx.unexpected('create message', 'no `result` envelope in the answer', data, {
      write: true,
    });
  }
  return data;
}

/** The sent message, read from the ticket; undefined when the read fails or does not show it. */
async function readBack(
  config: OmnideskConfig,
  request: SendRequest<OmnideskVendorOptions>,
  ctx: Ctx,
): Promise<OmnideskOrderMessage | undefined> {
  const probe: SentProbe<OmnideskVendorOptions> = {
    request,
    since: new Date(),
    notBefore: new Date(Date.now() - 120_000),
  };
  try {
    return findNew(config, await getTicket(request.orderId, ctx), probe, ctx);
  } catch (error) {
    ctx.logger.warn('message sent; reading the ticket back failed', {
      vendor: 'omnidesk',
      connection: ctx.connection,
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

export async function send(
  config: OmnideskConfig,
  request: SendRequest<OmnideskVendorOptions>,
  ctx: Ctx,
): Promise<OmnideskOrderMessage> {
  await rememberTimeline(request, ctx);
  const result = await postMessage(config, request, ctx);
  const stored = await readBack(config, request, ctx);
  // `{type: 'result'}` carries no id: without the ticket showing the entry there is no message to
  // return, and a message with an empty id is no success. Not resent (a 2xx); the facade lists the
  // ticket after its settle delay and returns the entry if it appears.
  if (!stored) {
    throw ctx.unexpected(
      'create message',
      'Omnidesk acknowledged the post but the ticket does not show it',
      result,
      { write: true },
    );
  }
  return stored;
}

export async function findSent(
  config: OmnideskConfig,
  probe: SentProbe<OmnideskVendorOptions>,
  ctx: Ctx,
) {
  return findNew(config, await getTicket(probe.request.orderId, ctx), probe, ctx);
}
