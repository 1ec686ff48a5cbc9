/**
 * Every operation of @org/mirakl-client against the sandbox over loopback HTTP:
 * M10, M11 (seek pages, entity filter), M12 and OR43 (multipart with files), M13
 * (binary download), OR42 and M01, with their error paths.
 */
import {
  contentDispositionFileName,
  createMiraklClient,
  MIRAKL_LIMITS,
  operationTable,
  type MiraklClient,
} from '@org/mirakl-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { requireFullCoverage } from './coverage.js';

let sb: Sandbox;
let api: MiraklClient;

beforeAll(async () => {
  sb = await startSandbox();
  api = createMiraklClient({
    baseUrl: sb.vendors.mirakl.baseUrl,
    auth: { type: 'apiKey', apiKey: sb.vendors.mirakl.apiKey },
    shopId: sb.vendors.mirakl.shopId,
  });
});

beforeEach(() => sb.reset());
requireFullCoverage(() => sb, operationTable);

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

const topic = { type: 'FREE_TEXT' as const, value: 'Delivery' };

describe('OR43 createOrderThread + M12 replyToThread + M13 downloadAttachment', () => {
  it('creates a thread with files, replies with files, and downloads each file byte for byte', async () => {
    const order = sb.seed.mirakl.orderWithoutThread;
    const pdf = new File(['%PDF-1.4 sandbox'], 'facture n°1.pdf', { type: 'application/pdf' });
    const created = await api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: order } },
      body: {
        thread_input: { body: 'Your invoice', to: ['CUSTOMER', 'OPERATOR'], topic },
        files: [pdf],
      },
    });
    expect(created.response.status).toBe(201);
    const threadId = created.data!.thread_id;

    const raw = new File([new Uint8Array([0, 1, 2, 255])], 'raw.bin');
    const replied = await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: threadId } },
      body: {
        message_input: {
          body: 'And the raw data',
          to: [{ type: 'CUSTOMER' }],
          topic: { type: 'REASON_CODE', value: 'ORDER_DELAY' },
        },
        files: [raw],
      },
    });
    expect(replied.response.status).toBe(201);
    expect(replied.data).toEqual({ message_id: expect.any(String), thread_id: threadId });

    const thread = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: threadId } },
    });
    expect(thread.data?.topic).toEqual({ type: 'REASON_CODE', value: 'ORDER_DELAY' });
    const [first, second] = thread.data!.messages;
    expect(first?.body).toBe('Your invoice');
    expect(first?.to?.map((p) => p.type)).toEqual(['CUSTOMER', 'OPERATOR']);
    expect(second?.id).toBe(replied.data?.message_id);

    for (const [message, file] of [
      [first, pdf],
      [second, raw],
    ] as const) {
      const attachment = message!.attachments![0]!;
      expect(attachment).toMatchObject({ name: file.name, size: file.size });
      const download = await api.GET('/api/inbox/threads/{attachment_id}/download', {
        params: { path: { attachment_id: attachment.id! } },
        parseAs: 'arrayBuffer',
      });
      expect(download.response.status).toBe(200);
      expect(new Uint8Array(download.data as ArrayBuffer)).toEqual(
        new Uint8Array(await file.arrayBuffer()),
      );
      expect(contentDispositionFileName(download.response.headers.get('content-disposition'))).toBe(
        file.name,
      );
    }
    expect(sb.state.messages('mirakl', order).map((m) => m.text)).toEqual([
      'Your invoice',
      'And the raw data',
    ]);
  });

  it('answers 404 for an unknown order, thread or attachment and 400 for a blank body', async () => {
    const noOrder = await api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: 'NOPE-1' } },
      body: { thread_input: { body: 'x', to: ['SHOP'], topic } },
    });
    expect(noOrder.response.status).toBe(404);
    expect(noOrder.error).toMatchObject({ message: expect.stringContaining('NOPE-1') });
    const noThread = await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 'no/such thread' } },
      body: { message_input: { body: 'x', to: [{ type: 'SHOP' }] } },
    });
    expect(noThread.response.status).toBe(404);
    const noFile = await api.GET('/api/inbox/threads/{attachment_id}/download', {
      params: { path: { attachment_id: 'nope' } },
      parseAs: 'arrayBuffer',
    });
    expect(noFile.response.status).toBe(404);
    const blank = await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: sb.seed.mirakl.threadId } },
      body: { message_input: { body: '   ', to: [{ type: 'CUSTOMER' }] } },
    });
    expect(blank.response.status).toBe(400);
    expect(blank.error).toEqual({ message: expect.stringContaining('blank'), status: 400 });
  });

  it('enforces 1000 messages per thread and 50 attachments per entity', async () => {
    const reply = () =>
      api.POST('/api/inbox/threads/{thread_id}/message', {
        params: { path: { thread_id: sb.seed.mirakl.nearlyFullThreadId } },
        body: { message_input: { body: 'one more', to: [{ type: 'CUSTOMER' }] } },
      });
    expect((await reply()).response.status).toBe(201);
    const full = await reply();
    expect(full.response.status).toBe(400);
    expect(full.error?.message).toContain(String(MIRAKL_LIMITS.maxMessagesPerThread));
    const attachments = await api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: sb.seed.mirakl.orderNearAttachmentLimit } },
      body: {
        thread_input: { body: 'two more', to: ['SHOP'], topic },
        files: [new Blob(['a']), new Blob(['b'])],
      },
    });
    expect(attachments.response.status).toBe(400);
  });
});

describe('M10 getThread and M11 listThreads', () => {
  it('M10 returns the seeded thread, filtered to one customer with customer_id', async () => {
    const all = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: sb.seed.mirakl.threadId } },
    });
    expect(all.data?.messages).toHaveLength(3);
    const forCustomer = await api.GET('/api/inbox/threads/{thread_id}', {
      params: {
        path: { thread_id: sb.seed.mirakl.threadId },
        query: { customer_id: 'customer-1' },
      },
    });
    expect(forCustomer.data?.messages).toEqual([]);
    const missing = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: 'no-such-thread' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ message: 'Thread no-such-thread not found', status: 404 });
    const jane = await api.GET('/api/inbox/threads/{thread_id}', {
      params: {
        path: { thread_id: sb.seed.mirakl.threadId },
        query: { customer_id: sb.seed.mirakl.customerId },
      },
    });
    expect(jane.data?.messages.map((m) => m.body)).toEqual([
      'Where is my order?',
      'It ships tomorrow; the invoice is attached.',
      'Thank you!',
    ]);
  });

  it('M11 finds an order thread by entity, caps with_messages at 100, pages with tokens, and rejects entity_id alone', async () => {
    const byOrder = await api.GET('/api/inbox/threads', {
      params: {
        query: {
          entity_type: 'MMP_ORDER',
          entity_id: [sb.seed.mirakl.bigThreadOrderId, sb.seed.mirakl.orderWithThread],
          with_messages: true,
        },
      },
    });
    expect(byOrder.data?.data.map((t) => t.entities?.[0]?.id).sort()).toEqual(
      [sb.seed.mirakl.orderWithThread, sb.seed.mirakl.bigThreadOrderId].sort(),
    );
    const big = byOrder.data!.data.find((t) => t.id === sb.seed.mirakl.bigThreadId)!;
    expect(big.messages).toHaveLength(MIRAKL_LIMITS.withMessagesMaxMessagesPerThread);

    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.GET('/api/inbox/threads', {
        params: { query: token ? { page_token: token } : { limit: 2 } },
      });
      expect(page.response.status).toBe(200);
      ids.push(...page.data!.data.map((t) => t.id));
      token = page.data!.next_page_token;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(sb.seed.mirakl.threadId);

    const bad = await api.GET('/api/inbox/threads', { params: { query: { entity_id: ['x'] } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toEqual({
      message: 'entity_type is required when entity_id is specified',
      status: 400,
    });
  });

  it('M11 filters on updated_since and channel codes', async () => {
    const future = await api.GET('/api/inbox/threads', {
      params: { query: { updated_since: '2100-01-01T00:00:00Z' } },
    });
    expect(future.data?.data).toEqual([]);
    const mobile = await api.GET('/api/inbox/threads', {
      params: { query: { channel_codes: ['MOBILE'] } },
    });
    expect(mobile.data?.data.map((t) => t.id)).toEqual([sb.seed.mirakl.bigThreadId]);
  });
});

describe('OR42 postOrderMessage and M01 listMessages (deprecated)', () => {
  it('posts a message on an order and lists it among the sent messages', async () => {
    const order = sb.seed.mirakl.orderWithThread;
    const posted = await api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: order } },
      body: {
        body: 'Shipped',
        subject: 'Shipping',
        to_customer: true,
        to_operator: false,
        to_shop: false,
      },
    });
    expect(posted.response.status).toBe(201);
    const sent = await api.GET('/api/messages', {
      params: { query: { order_id: order, received: 'FALSE', max: 1 } },
    });
    expect(sent.data?.messages).toEqual([
      expect.objectContaining({ id: posted.data?.id, body: 'Shipped', from_type: 'SHOP' }),
    ]);
    expect(sent.data?.total_count).toBe(2);
    const all = await api.GET('/api/messages', {
      params: { query: { received: 'ALL', paginate: false, order: 'asc' } },
    });
    expect(all.data?.messages.map((m) => m.id)).toEqual([
      ...sb.seed.mirakl.legacyMessageIds,
      posted.data?.id,
    ]);
  });

  it('answers 404 for an unknown order and 400 when no recipient is chosen', async () => {
    const body = {
      body: 'x',
      subject: 'y',
      to_customer: false,
      to_operator: false,
      to_shop: false,
    };
    expect(
      (
        await api.POST('/api/orders/{order_id}/messages', {
          params: { path: { order_id: 'NOPE' } },
          body,
        })
      ).response.status,
    ).toBe(404);
    const none = await api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: sb.seed.mirakl.orderWithThread } },
      body,
    });
    expect(none.response.status).toBe(400);
  });
});

describe('authentication and shops', () => {
  it('accepts a bearer token, refuses a wrong key (401) and a foreign shop (403)', async () => {
    const bearer = createMiraklClient({
      baseUrl: sb.vendors.mirakl.baseUrl,
      auth: { type: 'bearer', token: sb.vendors.mirakl.bearerToken },
    });
    expect((await bearer.GET('/api/inbox/threads')).response.status).toBe(200);
    const wrong = createMiraklClient({
      baseUrl: sb.vendors.mirakl.baseUrl,
      auth: { type: 'apiKey', apiKey: 'wrong' },
    });
    const denied = await wrong.GET('/api/inbox/threads');
    expect(denied.response.status).toBe(401);
    expect(denied.error).toEqual({ message: 'Unauthorized', status: 401 });
    const otherShop = createMiraklClient({
      baseUrl: sb.vendors.mirakl.baseUrl,
      auth: { type: 'apiKey', apiKey: sb.vendors.mirakl.apiKey },
      shopId: 9,
    });
    expect((await otherShop.GET('/api/messages')).response.status).toBe(403);
  });

  it('a dropped connection after OR43 leaves a thread the client never heard of', async () => {
    sb.faults.inject({ vendor: 'mirakl', operationId: 'createOrderThread', drop: 'after-apply' });
    const order = sb.seed.mirakl.orderWithoutThread;
    await expect(
      api.POST('/api/orders/{order_id}/threads', {
        params: { path: { order_id: order } },
        body: { thread_input: { body: 'lost reply', to: ['CUSTOMER'], topic } },
      }),
    ).rejects.toThrow();
    expect(sb.state.messages('mirakl', order).map((m) => m.text)).toEqual(['lost reply']);
  });
});
