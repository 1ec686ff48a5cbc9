/**
 * Reading Mirakl threads: M11 for an order's threads (seek pages, `next_page_token`), M10 for
 * one thread with all its messages (M11's `with_messages` stops at the last 100 of a thread).
 */
import type { MiraklThread } from '@org/mirakl-client';
import { findInListing, MAX_PAGES, type OrderRef, type SentProbe } from '../../adapter-kit.js';
import type { Ctx, MiraklConfig, MiraklOrderMessage, MiraklVendorOptions } from './config.js';
import { normalize } from './normalize.js';

/** Threads name their entities; a thread that names none is taken at M11's word. */
export function belongsTo(thread: MiraklThread, orderId: string): boolean {
  return !thread.entities?.length || thread.entities.some((entity) => entity.id === orderId);
}

/** M11's query: the order's threads on the first page, the token's page after it. */
function threadsQuery(
  config: MiraklConfig,
  orderId: string,
  pageToken: string | undefined,
  updatedSince: Date | undefined,
) {
  const { pageSize } = config;
  return pageToken
    ? { page_token: pageToken, ...(pageSize ? { limit: pageSize } : {}) }
    : {
        entity_type: 'MMP_ORDER' as const,
        entity_id: [orderId],
        ...(updatedSince ? { updated_since: updatedSince.toISOString() } : {}),
        ...(pageSize ? { limit: pageSize } : {}),
      };
}

/** Every thread of the order (M11, following `next_page_token`), or those updated since a date. */
export async function* orderThreads(
  config: MiraklConfig,
  orderId: string,
  ctx: Ctx,
  updatedSince?: Date,
): AsyncGenerator<MiraklThread> {
  let pageToken: string | undefined;
  const seenTokens = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = threadsQuery(config, orderId, pageToken, updatedSince);
    const { data } = await ctx.call('M11 list threads', () =>
      ctx.client.GET('/api/inbox/threads', { params: { query } }),
    );
    if (!Array.isArray(data?.data))
      throw ctx.unexpected('M11 list threads', 'no `data` array', data);
    for (const thread of data.data) {
      // Mirakl filters by entity; checking again keeps a lax server from mixing in other orders.
      if (!belongsTo(thread, orderId)) continue;
      yield thread;
    }
    const next = data.next_page_token;
    if (!next || seenTokens.has(next)) return;
    seenTokens.add(next);
    pageToken = next;
  }
}

/** One thread with every message (M10). */
export async function getThread(threadId: string, ctx: Ctx) {
  const { data } = await ctx.call('M10 get thread', () =>
    ctx.client.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: threadId } },
    }),
  );
  if (!data || !Array.isArray(data.messages))
    throw ctx.unexpected('M10 get thread', 'no `messages` array', data);
  return data;
}

/** Every message of the order: each thread M11 finds, read whole with M10. */
export async function* listMessages(
  config: MiraklConfig,
  ref: OrderRef<MiraklVendorOptions>,
  ctx: Ctx,
): AsyncGenerator<MiraklOrderMessage> {
  for await (const thread of orderThreads(config, ref.orderId, ctx)) {
    const full = await getThread(thread.id, ctx);
    for (const message of full.messages) yield normalize(message, full, ref.orderId, ctx);
  }
}

/**
 * After an ambiguous send: the message can only be in a thread updated since the send (minus the
 * clock-skew allowance), so M11 asks for those alone and only they are read with M10.
 */
export function findSent(
  config: MiraklConfig,
  probe: SentProbe<MiraklVendorOptions>,
  ctx: Ctx,
): Promise<MiraklOrderMessage | undefined> {
  const { orderId } = probe.request;
  async function* recent(): AsyncGenerator<MiraklOrderMessage> {
    for await (const thread of orderThreads(config, orderId, ctx, probe.notBefore)) {
      const full = await getThread(thread.id, ctx);
      for (const message of full.messages) yield normalize(message, full, orderId, ctx);
    }
  }
  return findInListing(recent(), probe);
}
