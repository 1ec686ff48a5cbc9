/**
 * Paging through a listing with a raw client: the vendor clients build their `…Pages` helpers on
 * this. Each page is yielded as openapi-fetch returned it (`{ data, error, response }`), so the
 * caller reads typed pages and typed error bodies without an exception; a page with an `error`
 * is the last one. A server that hands back a cursor it already gave, or more pages than
 * `maxPages`, ends the walk with a `PaginationError` rather than a loop or a silent stop.
 */

export type PaginationErrorReason = 'cursor_repeated' | 'too_many_pages';

export class PaginationError extends Error {
  override readonly name = 'PaginationError';
  constructor(
    readonly reason: PaginationErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface WalkPagesOptions {
  /** Pages read at most before failing with `too_many_pages` (default 10,000). */
  readonly maxPages?: number;
}

interface PageResult {
  readonly data?: unknown;
  readonly error?: unknown;
}

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
