/**
 * Paging through a listing with a raw client: the vendor clients build their `…Pages` helpers on
 * this. Each page is yielded as openapi-fetch returned it (`{ data, error, response }`), so the
 * caller reads typed pages and typed error bodies without an exception; a page with an `error`
 * is the last one. A server that hands back a cursor it already gave, or more pages than
 * `maxPages`, ends the walk with a `PaginationError` rather than a loop or a silent stop.
 */

export type PaginationErrorReason = 'cursor_repeated' | 'too_many_pages';

/**
 * Ends a page walk that would otherwise loop or stop silently: the server pointed back at a page
 * already read (`cursor_repeated`), or there were more than `maxPages` pages (`too_many_pages`).
 */
export class PaginationError extends Error {
  /** Always `'PaginationError'`. */
  override readonly name = 'PaginationError';
  constructor(
    /** Why the walk stopped. */
    readonly reason: PaginationErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link walkPages} and of the clients' page helpers built on it. */
export interface WalkPagesOptions {
  /** Pages read at most before failing with `too_many_pages` (default 10,000). */
  readonly maxPages?: number;
}

interface PageResult {
  readonly data?: unknown;
  readonly error?: unknown;
}

/**
 * Yields each page of a listing as openapi-fetch returned it (`{ data, error, response }`):
 * `fetchPage(undefined)` first, then `fetchPage(nextCursor(data))` until `nextCursor` gives
 * `undefined`, `null` or `''`. A page with an `error` (or no `data`) is yielded and ends the walk,
 * so typed error bodies reach the caller without an exception.
 *
 * @throws {@link PaginationError} when a cursor repeats or after `maxPages` pages (default 10,000).
 *
 * @example
 * ```ts
 * // SPP's numbered pages (what `listOrderPages` of @org/spp-client does)
 * const pages = walkPages(
 *   (page: number | undefined) => client.GET('/api/orders', { params: { query: { page: page ?? 1 } } }),
 *   ({ meta }) => (meta && meta.current_page < meta.last_page ? meta.current_page + 1 : undefined),
 * );
 * for await (const { data, error } of pages) {
 *   if (error) throw new Error(JSON.stringify(error));
 *   for (const order of data.data) console.log(order.id);
 * }
 * ```
 */
export async function* walkPages<Cursor, Result extends PageResult>(
  fetchPage: (cursor: Cursor | undefined) => Promise<Result>,
  nextCursor: (data: NonNullable<Result['data']>) => Cursor | undefined,
  options: WalkPagesOptions = {},
): AsyncGenerator<Result, void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  const seen = new Set<Cursor>();
  let cursor: Cursor | undefined;
  for (let page = 1; ; page++) {
    const result = await fetchPage(cursor);
    yield result;
    if (result.error !== undefined || result.data === undefined || result.data === null) return;
    const next = nextCursor(result.data as NonNullable<Result['data']>);
    if (next === undefined || next === null || next === '') return;
    if (seen.has(next))
      throw new PaginationError(
        'cursor_repeated',
        `page ${page} pointed back at a page already read`,
      );
    if (page >= maxPages)
      throw new PaginationError('too_many_pages', `more than ${maxPages} pages; raise maxPages`);
    seen.add(next);
    cursor = next;
  }
}
