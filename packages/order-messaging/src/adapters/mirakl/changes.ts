/**
 * Sync on Mirakl: M11 over every order thread changed since the watermark (`updated_since` is
 * inclusive), oldest change first (`dateUpdated,ASC`), in seek pages, with the threads' last
 * messages inline (`with_messages`); M10 only for a thread whose changes may lie beyond M11's cap
 * of the last 100 messages.
 */
import { MIRAKL_LIMITS, type MiraklThread, type MiraklThreadMessage } from '@org/mirakl-client';
import { isoDate, MAX_PAGES, type ChangedOrder, type ChangesRequest } from '../../adapter-kit.js';
import type { Ctx, MiraklConfig } from './config.js';
import { normalize } from './normalize.js';
import { getThread } from './threads.js';

/**
 * Oldest change first: a thread that changes during the scan moves behind the scan's position
 * and is listed again before the end, so the engine sees it (seek pages skip no other thread for
 * it: `capabilities.sync.pages`). Newest first would hide it until the next scan, and its messages
 * older than the next watermark with it.
 */
const SORT = 'dateUpdated,ASC';

function firstPageQuery(config: MiraklConfig, since: Date | undefined) {
  return {
    entity_type: 'MMP_ORDER' as const,
    with_messages: true,
    sort: SORT,
    ...(since ? { updated_since: since.toISOString() } : {}),
    ...(config.pageSize ? { limit: config.pageSize } : {}),
  };
}

/** The order a thread is about; threads on offers or between seller and operator have none. */
function orderIdOf(thread: MiraklThread): string | undefined {
  const entities = thread.entities ?? [];
  return entities.find((e) => e.type === 'MMP_ORDER')?.id;
}

/**
 * The inline messages when they hold every message changed since `since`: all of the thread's,
 * or a capped slice that starts before `since`. Undefined when M10 must read the thread.
 */
function inlineMessages(
  thread: MiraklThread,
  since: Date | undefined,
): MiraklThreadMessage[] | undefined {
  const inline = (thread as { messages?: unknown }).messages;
  if (!Array.isArray(inline)) return undefined;
  const messages = inline as MiraklThreadMessage[];
  const total = thread.metadata?.total_count;
  if (
    typeof total === 'number'
      ? messages.length >= total
      : messages.length < MIRAKL_LIMITS.withMessagesMaxMessagesPerThread
  )
    return messages;
  const oldest = messages
    .map((m) => isoDate(m.date_created)?.getTime() ?? Number.NaN)
    .reduce((min, t) => (t < min ? t : min), Number.POSITIVE_INFINITY);
  return since && oldest < since.getTime() ? messages : undefined;
}

/** Mirakl's own field where the thread carries metadata; undefined (derive) where it does not. */
function replyNeededSince(thread: MiraklThread): Date | null | undefined {
  if (!thread.metadata) return undefined;
  return isoDate(thread.metadata.shop_reply_needed_since) ?? null;
}

async function changedThread(
  thread: MiraklThread,
  orderId: string,
  since: Date | undefined,
  ctx: Ctx,
): Promise<ChangedOrder<MiraklThreadMessage>> {
  const inline = inlineMessages(thread, since);
  const full = inline ? thread : await getThread(thread.id, ctx);
  const messages = inline ?? (full as { messages: MiraklThreadMessage[] }).messages;
  const updatedAt = isoDate(thread.date_updated);
  const needsReplySince = replyNeededSince(full);
  return {
    orderId,
    listingKey: thread.id,
    ...(updatedAt ? { updatedAt } : {}),
    ...(needsReplySince === undefined ? {} : { needsReplySince }),
    messages: messages.map((m) => normalize(m, full, orderId, ctx)),
  };
}

/** One array per M11 page: each order thread on it, with its messages. */
export async function* changedOrders(
  config: MiraklConfig,
  request: ChangesRequest,
  ctx: Ctx,
): AsyncGenerator<ChangedOrder<MiraklThreadMessage>[]> {
  const { since } = request;
  let pageToken: string | undefined;
  const seenTokens = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    // A page token replays the first query; `with_messages` is sent again in case a server
    // treats it as a display option rather than a filter.
    const query = pageToken
      ? {
          page_token: pageToken,
          with_messages: true,
          ...(config.pageSize ? { limit: config.pageSize } : {}),
        }
      : firstPageQuery(config, since);
    const { data } = await ctx.call('M11 list threads', () =>
      ctx.client.GET('/api/inbox/threads', { params: { query } }),
    );
    if (!Array.isArray(data?.data))
      throw ctx.unexpected('M11 list threads', 'no `data` array', data);
    const changes: ChangedOrder<MiraklThreadMessage>[] = [];
    for (const thread of data.data) {
      const orderId = orderIdOf(thread);
      if (orderId !== undefined) changes.push(await changedThread(thread, orderId, since, ctx));
    }
    yield changes;
    const next = data.next_page_token;
    if (!next) return;
    // Ending quietly here would let the engine move its watermark past threads never listed.
    if (seenTokens.has(next))
      throw ctx.unexpected('M11 list threads', 'a page token came back twice', data);
    seenTokens.add(next);
    pageToken = next;
  }
  throw ctx.unexpected('M11 list threads', `more than ${MAX_PAGES} pages of changed threads`, {});
}
