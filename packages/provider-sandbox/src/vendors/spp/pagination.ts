/** Laravel's `{data, links, meta}` page of a resource collection, as SPP lists answer. */
import type { HandlerContext } from '../../types.js';

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
  /** Query parameters the page links repeat besides `page`. */
  readonly keep: readonly (readonly [string, string])[];
}

function pageUrl(ctx: HandlerContext, page: number, keep: PageRequest['keep']): string {
  const url = new URL(ctx.url.pathname, ctx.baseUrl);
  for (const [name, value] of keep) url.searchParams.append(name, value);
  url.searchParams.set('page', String(page));
  return url.toString();
}

export function laravelPage<T>(
  ctx: HandlerContext,
  all: readonly T[],
  request: PageRequest,
  resource: (item: T) => unknown,
): Record<string, unknown> {
  const { page, perPage, keep } = request;
  const total = all.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const from = slice.length > 0 ? (page - 1) * perPage + 1 : null;
  const to = slice.length > 0 ? (page - 1) * perPage + slice.length : null;
  const url = (p: number) => pageUrl(ctx, p, keep);
  const prev = page > 1 ? url(page - 1) : null;
  const next = page < lastPage ? url(page + 1) : null;
  const pageLinks = Array.from({ length: lastPage }, (_, i) => ({
    url: url(i + 1),
    label: String(i + 1),
    active: i + 1 === page,
  }));
  return {
    data: slice.map(resource),
    links: { first: url(1), last: url(lastPage), prev, next },
    meta: {
      current_page: page,
      from,
      last_page: lastPage,
      links: [
        { url: prev, label: '&laquo; Previous', active: false },
        ...pageLinks,
        { url: next, label: 'Next &raquo;', active: false },
      ],
      path: new URL(ctx.url.pathname, ctx.baseUrl).toString(),
      per_page: perPage,
      to,
      total,
    },
  };
}
