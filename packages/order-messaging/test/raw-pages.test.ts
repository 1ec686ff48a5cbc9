/**
 * Raw clients page too: `listThreadPages` (Mirakl's seek tokens) and `listOrderPages` /
 * `listOrderMessagePages` (SPP's page numbers) against the sandbox, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMiraklClient, listThreadPages } from '@org/mirakl-client';
import { createSppClient, listOrderMessagePages, listOrderPages } from '@org/spp-client';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';

describe('raw clients walk every page', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimits: false });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('Mirakl M11: every thread once, later pages asked by token alone', async () => {
    sb.simulate.populate({ vendor: 'mirakl', orders: 7, messagesPerOrder: 1 });
    const client = createMiraklClient({
      baseUrl: sb.vendors.mirakl.baseUrl,
      auth: { type: 'apiKey', apiKey: sb.vendors.mirakl.apiKey },
    });
    const ids: string[] = [];
    let pages = 0;
    for await (const { data, error } of listThreadPages(client, { limit: 3 })) {
      expect(error).toBeUndefined();
      pages += 1;
      ids.push(...data!.data.map((thread) => thread.id));
    }
    const threads = new Set(sb.state.messages('mirakl').flatMap((m) => m.threadId ?? []));
    expect(new Set(ids)).toEqual(threads);
    expect(ids).toHaveLength(threads.size);
    expect(pages).toBe(Math.ceil(threads.size / 3));
  });

  it('SPP: every order and every message of an order, page by page', async () => {
    sb.simulate.populate({ vendor: 'spp', orders: 5, messagesPerOrder: 7 });
    const client = createSppClient({
      baseUrl: sb.vendors.spp.baseUrl,
      token: sb.vendors.spp.token,
    });
    const orders: number[] = [];
    for await (const { data, error } of listOrderPages(client, { limit: 2 })) {
      expect(error).toBeUndefined();
      orders.push(...data!.data.map((order) => order.id));
    }
    expect(new Set(orders).size).toBe(orders.length);
    expect(orders.length).toBeGreaterThanOrEqual(5);

    const order = String(orders.at(-1));
    const messages: number[] = [];
    for await (const { data } of listOrderMessagePages(client, order, { limit: 3 })) {
      messages.push(...data!.data.map((m) => m.id));
    }
    expect(messages).toHaveLength(sb.state.messages('spp', order).length);
  });

  it('an error page ends the walk and is yielded, typed', async () => {
    const client = createSppClient({ baseUrl: sb.vendors.spp.baseUrl, token: 'wrong' });
    const pages = [];
    for await (const page of listOrderPages(client)) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.response.status).toBe(401);
    expect(pages[0]!.error).toBeDefined();
  });
});
