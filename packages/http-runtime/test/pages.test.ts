import { describe, expect, it } from 'vitest';
import { PaginationError, walkPages } from '../src/index.js';

type Page = { data?: { items: number[]; next?: string }; error?: { message: string } };

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Pages of a fake listing keyed by cursor; `undefined` is the first page. */
function listing(pages: Record<string, Page>) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined) => {
    asked.push(cursor);
    return pages[cursor ?? 'first']!;
  };
  return { asked, fetchPage };
}

describe('walkPages', () => {
  it('follows each cursor until there is none', async () => {
    const { asked, fetchPage } = listing({
      first: { data: { items: [1, 2], next: 'b' } },
      b: { data: { items: [3], next: 'c' } },
      c: { data: { items: [4] } },
    });
    const pages = await collect(walkPages(fetchPage, (data) => data.next));
    expect(pages.flatMap((p) => p.data!.items)).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('yields an error page as the last one, without throwing', async () => {
    const { fetchPage } = listing({
      first: { data: { items: [1], next: 'b' } },
      b: { error: { message: 'Too Many Requests' } },
    });
    const pages = await collect(walkPages(fetchPage, (data) => data.next));
    expect(pages.at(-1)).toEqual({ error: { message: 'Too Many Requests' } });
    expect(pages).toHaveLength(2);
  });

  it('fails typed when the server points back at a page already read', async () => {
    const { fetchPage } = listing({
      first: { data: { items: [1], next: 'b' } },
      b: { data: { items: [2], next: 'b' } },
    });
    const walk = collect(walkPages(fetchPage, (data) => data.next));
    await expect(walk).rejects.toBeInstanceOf(PaginationError);
    await expect(walk).rejects.toMatchObject({ reason: 'cursor_repeated' });
  });

  it('stops at maxPages with a typed error, not a silent end', async () => {
    let n = 0;
    const endless = async () => ({ data: { items: [n], next: String(++n) } });
    await expect(
      collect(walkPages(endless, (data) => data.next, { maxPages: 5 })),
    ).rejects.toMatchObject({ name: 'PaginationError', reason: 'too_many_pages' });
    expect(n).toBe(5);
  });
});
