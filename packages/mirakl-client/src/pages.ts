/** Paging through M11 (`GET /api/inbox/threads`), which Mirakl pages by seek tokens. */
import { walkPages, type WalkPagesOptions } from '@org/http-runtime';
import type { operations } from './generated/schema.js';
import type { MiraklClient } from './index.js';

/**
 * The query of M11 (`listThreads`): `entity_type`, `entity_id`, `with_messages`, `updated_since`,
 * `limit`, `page_token`…
 */
export type MiraklListThreadsQuery = NonNullable<operations['listThreads']['parameters']['query']>;

/**
 * Every page of M11 for `query`, following `next_page_token`. Mirakl ignores the other filters
 * once a token is sent, so later pages carry the token alone.
 *
 * @example
 * for await (const { data, error } of listThreadPages(client, { entity_type: 'MMP_ORDER', entity_id: ['1042-A'] })) {
 *   if (error) throw new Error(error.message);
 *   for (const thread of data.data) console.log(thread.id);
 * }
 */
export function listThreadPages(
  client: MiraklClient,
  query: Omit<MiraklListThreadsQuery, 'page_token'> = {},
  options: WalkPagesOptions & { signal?: AbortSignal } = {},
) {
  const { signal, ...walk } = options;
  return walkPages(
    (token: string | undefined) =>
      client.GET('/api/inbox/threads', {
        params: { query: token === undefined ? query : { page_token: token } },
        ...(signal ? { signal } : {}),
      }),
    (data) => data.next_page_token,
    walk,
  );
}
