/**
 * Sending on Omnidesk: `POST /message` (multipart) into the ticket, in the channel `type` the
 * request names (default e-mail) or, for an internal note, the configured note channel (the facade
 * refuses notes before this when there is none: `capabilities.internalNotes`). Omnidesk answers
 * only `{type: 'result'}`, without an id, so the ticket is read once after the post and the
 * newest entry from our side with the same text (and note flag) is the sent message.
 *
 * That one read is the whole ticket: Omnidesk documents no way to read part of a timeline, so
 * the bytes of a send grow with the ticket's history (stated in `capabilities.sendCost`).
 */
import type { OmnideskTicket } from '@org/omnidesk-client';
import {
  isRecord,
  loadComparableText,
  sentMatcher,
  vendorMessage,
  type SendRequest,
  type SentProbe,
  type TextComparer,
} from '../../adapter-kit.js';
import {
  omnideskOptionsOf,
  type Ctx,
  type OmnideskConfig,
  type OmnideskOrderMessage,
  type OmnideskVendorOptions,
} from './config.js';
import { getTicket, isMessage, normalize } from './timeline.js';

/**
 * Entries that can be the request's message (the facade's rule: ours, same text and note flag,
 * dated from `notBefore` on; Omnidesk's times are the account's wall clock, read with
 * `utcOffsetMinutes`), newest first. The timeline is in posting order, so it is read from its end:
 * a caller that needs only the newest stops there, and its cost does not grow with the history.
 */
function* newestFirstCandidates(
  comparableText: TextComparer,
  config: OmnideskConfig,
  ticket: OmnideskTicket,
  probe: Pick<SentProbe<OmnideskVendorOptions>, 'request' | 'notBefore'>,
  ctx: Ctx,
): Generator<OmnideskOrderMessage> {
  const matches = sentMatcher(comparableText, probe);
  const timeline = ticket.timeline ?? [];
  for (let index = timeline.length - 1; index >= 0; index -= 1) {
    const entry = timeline[index]!;
    if (!isMessage(entry)) continue;
    const message = normalize(config, entry, ticket, ctx);
    if (matches(message)) yield message;
  }
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
    throw ctx.unexpected('create message', vendorMessage(data) ?? 'error envelope', data, {
      write: true,
    });
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

/**
 * The sent message, read from the ticket after Omnidesk took the post: the newest matching entry
 * (the timeline is in posting order; its times are not used, so a wrong `utcOffsetMinutes` cannot
 * hide it). Undefined when the read fails or does not show it.
 */
async function readBack(
  config: OmnideskConfig,
  request: SendRequest<OmnideskVendorOptions>,
  ctx: Ctx,
): Promise<OmnideskOrderMessage | undefined> {
  try {
    const ticket = await getTicket(request.orderId, ctx);
    const comparable = await loadComparableText();
    // Any date: the timeline's times are not trusted here (see above).
    const probe = { request, notBefore: new Date(0) };
    return newestFirstCandidates(comparable, config, ticket, probe, ctx).next().value;
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

/**
 * After an ambiguous post: the one matching entry dated from the send on (minus the clock-skew
 * allowance). Two or more cannot be told apart (an earlier identical message, or ours and a
 * resend), so the answer is "cannot tell" and the delivery stays unknown.
 */
export async function findSent(
  config: OmnideskConfig,
  probe: SentProbe<OmnideskVendorOptions>,
  ctx: Ctx,
): Promise<OmnideskOrderMessage | undefined> {
  const ticket = await getTicket(probe.request.orderId, ctx);
  const comparable = await loadComparableText();
  const found = [...newestFirstCandidates(comparable, config, ticket, probe, ctx)];
  if (found.length > 1) {
    throw new Error(
      `${found.length} entries of ticket ${probe.request.orderId} match the message; which one this send stored cannot be told`,
    );
  }
  return found[0];
}
