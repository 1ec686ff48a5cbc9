import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  NotFoundError,
  UnsupportedOperationError,
  ValidationError,
} from '@org/order-messaging';
import { recordingFetch } from '@org/http-runtime/testing';
import { spp } from '@org/order-messaging/spp';
import { mirakl, type MiraklConnectionOptions } from '@org/order-messaging/mirakl';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade(extra: Partial<MiraklConnectionOptions> = {}) {
  const vendor = sb.vendors.mirakl;
  return createOrderMessaging({
    connections: {
      'mirakl-key': mirakl({
        baseUrl: vendor.baseUrl,
        auth: { type: 'apiKey', apiKey: vendor.apiKey },
        shopId: vendor.shopId,
        ...extra,
      }),
      'mirakl-oauth': mirakl({
        baseUrl: vendor.baseUrl,
        auth: { type: 'bearer', token: vendor.bearerToken },
        ...extra,
      }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

/** Thread messages only: the sandbox also stores deprecated OR42 messages, which M10/M11 do not show. */
const threadMessages = (orderId: string) =>
  sb.state.messages('mirakl', orderId).filter((m) => m.threadId !== undefined);

describe('mirakl against the sandbox', () => {
  it('lists an order: every message of every thread, normalized', async () => {
    const messages = await facade().listAll('mirakl-key', {
      orderId: sb.seed.mirakl.orderWithThread,
    });
    expect(messages.map((m) => m.text)).toEqual([
      'Where is my order?',
      'It ships tomorrow; the invoice is attached.',
      'Thank you!',
    ]);
    expect(messages.map((m) => m.author.kind)).toEqual(['customer', 'seller', 'customer']);
    expect(messages[0]).toMatchObject({
      orderId: sb.seed.mirakl.orderWithThread,
      threadId: sb.seed.mirakl.threadId,
      vendor: 'mirakl',
      connection: 'mirakl-key',
      internal: false,
      author: { kind: 'customer', id: sb.seed.mirakl.customerId, name: 'Jane Doe' },
    });
    expect(messages[0]!.sentAt).toBeInstanceOf(Date);
    expect(messages[0]!.sentAt.toISOString()).toBe('2024-05-02T08:00:00.000Z');
    expect(messages[1]!.attachments).toEqual([
      { id: sb.seed.mirakl.attachmentId, filename: 'invoice.pdf', size: expect.any(Number) },
    ]);
    expect(messages.map((m) => m.id)).toEqual(
      threadMessages(sb.seed.mirakl.orderWithThread).map((m) => m.id),
    );
  });

  it('lists past M11’s 100-message cap by reading each thread with M10', async () => {
    const messages = await facade().listAll('mirakl-key', {
      orderId: sb.seed.mirakl.bigThreadOrderId,
    });
    expect(messages).toHaveLength(sb.seed.mirakl.bigThreadMessageCount);
    expect(messages[0]!.text).toBe(`Message 1 of ${sb.seed.mirakl.bigThreadMessageCount}`);
    expect(messages.at(-1)!.text).toBe(
      `Message ${sb.seed.mirakl.bigThreadMessageCount} of ${sb.seed.mirakl.bigThreadMessageCount}`,
    );
  });

  it('walks M11 seek pages (next_page_token) past the first page', async () => {
    const orderId = sb.seed.mirakl.orderWithoutThread;
    const messaging = facade({ pageSize: 1 });
    const client = messaging.raw('mirakl-key');
    for (const topic of ['First', 'Second', 'Third']) {
      const { response } = await client.POST('/api/orders/{order_id}/threads', {
        params: { path: { order_id: orderId } },
        body: {
          thread_input: {
            body: `${topic} thread`,
            to: ['CUSTOMER'],
            topic: { type: 'FREE_TEXT', value: topic },
          },
        },
      });
      expect(response.status).toBe(201);
    }
    const before = sb.state.requests.length;
    const messages = await messaging.listAll('mirakl-key', { orderId });
    expect(messages.map((m) => m.text).sort()).toEqual([
      'First thread',
      'Second thread',
      'Third thread',
    ]);
    expect(new Set(messages.map((m) => m.threadId)).size).toBe(3);
    const listCalls = sb.state.requests
      .slice(before)
      .filter((r) => r.operationId === 'listThreads');
    expect(listCalls).toHaveLength(3);
  });

  it('sends by replying in the order’s existing thread (M11 → M12), with attachments', async () => {
    const orderId = sb.seed.mirakl.orderWithThread;
    const result = await facade().send('mirakl-key', {
      orderId,
      text: 'Here is the tracking label.',
      attachments: [
        {
          filename: 'label.pdf',
          data: new TextEncoder().encode('%PDF-1.4 label'),
          contentType: 'application/pdf',
        },
        {
          filename: 'photo.png',
          data: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }),
        },
      ],
    });
    expect(result.reconciled).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.raw.request).toMatchObject({ method: 'POST' });
    expect(result.raw.request!.url).toContain(
      `/api/inbox/threads/${sb.seed.mirakl.threadId}/message`,
    );
    expect(result.raw.response?.status).toBe(201);
    const stored = threadMessages(orderId);
    expect(stored).toHaveLength(4);
    const last = stored.at(-1)!;
    expect(last.threadId).toBe(sb.seed.mirakl.threadId);
    expect(last.attachments?.map((a) => [a.name, a.size])).toEqual([
      ['label.pdf', 14],
      ['photo.png', 4],
    ]);
    expect(result.message).toMatchObject({
      id: last.id,
      threadId: sb.seed.mirakl.threadId,
      text: 'Here is the tracking label.',
      author: { kind: 'seller' },
      internal: false,
    });
    expect(result.message.attachments.map((a) => a.filename)).toEqual(['label.pdf', 'photo.png']);
    expect(result.message.attachments.every((a) => a.id !== '')).toBe(true);
    // Default audience: the customer.
    expect((last.raw as { to: { type: string }[] }).to.map((p) => p.type)).toEqual(['CUSTOMER']);
  });

  it('maps audiences to Mirakl’s `to`', async () => {
    const orderId = sb.seed.mirakl.orderWithThread;
    await facade().send('mirakl-oauth', {
      orderId,
      text: 'Escalating to the operator.',
      audience: ['operator', 'customer'],
    });
    const last = threadMessages(orderId).at(-1)!;
    expect((last.raw as { to: { type: string }[] }).to.map((p) => p.type)).toEqual([
      'OPERATOR',
      'CUSTOMER',
    ]);
  });

  it('creates a thread with a topic (OR43) when the order has none', async () => {
    const orderId = sb.seed.mirakl.orderWithoutThread;
    expect(threadMessages(orderId)).toHaveLength(0);
    const result = await facade().send('mirakl-key', {
      orderId,
      text: 'Your order is confirmed.',
      vendorOptions: { mirakl: { subject: 'Confirmation' } },
    });
    const stored = threadMessages(orderId);
    expect(stored).toHaveLength(1);
    expect(result.message.id).toBe(stored[0]!.id);
    expect(result.message.threadId).toBe(stored[0]!.threadId);
    const raw = sb.state.raw('mirakl') as {
      threads: { id: string; topic: { type: string; value: string } }[];
    };
    expect(raw.threads.find((t) => t.id === result.message.threadId)!.topic).toEqual({
      type: 'FREE_TEXT',
      value: 'Confirmation',
    });
    // A second message goes into that thread instead of opening another one.
    await facade().send('mirakl-key', { orderId, text: 'It ships today.' });
    expect(new Set(threadMessages(orderId).map((m) => m.threadId)).size).toBe(1);
  });

  it('Mirakl’s own refusal (50 attachments per order) is a ValidationError; nothing is stored', async () => {
    const orderId = sb.seed.mirakl.orderNearAttachmentLimit;
    const before = threadMessages(orderId).length;
    const error = await facade()
      .send('mirakl-key', {
        orderId,
        text: 'Two more photos.',
        attachments: [
          { filename: 'a.png', data: new Uint8Array([1]) },
          { filename: 'b.png', data: new Uint8Array([2]) },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, delivery: 'rejected', retryable: false });
    expect((error as ValidationError).message).toContain('Too many attachments');
    expect(threadMessages(orderId)).toHaveLength(before);
  });

  it('an unknown order is NotFoundError', async () => {
    const error = await facade()
      .send('mirakl-key', { orderId: 'NO-SUCH-ORDER', text: 'Hello?' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, vendor: 'mirakl', connection: 'mirakl-key' });
  });

  it('a thread that is not the order’s is refused before posting', async () => {
    const error = await facade()
      .send('mirakl-key', {
        orderId: sb.seed.mirakl.orderWithThread,
        vendorOptions: { mirakl: { threadId: sb.seed.mirakl.bigThreadId } },
        text: 'Wrong thread',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ delivery: 'not_sent' });
    expect(sb.state.requests.some((r) => r.operationId === 'replyToThread')).toBe(false);
  });

  it('raw() is the typed client of that connection', async () => {
    const { data, response } = await facade()
      .raw('mirakl-oauth')
      .GET('/api/inbox/threads/{thread_id}', {
        params: { path: { thread_id: sb.seed.mirakl.threadId } },
      });
    expect(response.status).toBe(200);
    expect(data?.messages).toHaveLength(3);
  });

  it('downloads a listed attachment (M13), within maxBytes', async () => {
    const messaging = facade();
    const [, withInvoice] = await messaging.listAll('mirakl-key', {
      orderId: sb.seed.mirakl.orderWithThread,
    });
    const attachment = withInvoice!.attachments[0]!;
    const file = await messaging.downloadAttachment('mirakl-key', attachment);
    expect(file.filename).toBe('invoice.pdf');
    expect(file.contentType).toBe('application/pdf');
    expect(new TextDecoder().decode(file.data)).toBe(
      '%PDF-1.4\n% sandbox invoice for SANDBOX-1001\n%%EOF\n',
    );
    expect(file.data.byteLength).toBe(attachment.size);

    const error = await messaging
      .downloadAttachment('mirakl-key', attachment.id, { maxBytes: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      field: 'maxBytes',
      reason: 'too_large',
      limit: 10,
      actual: attachment.size,
    });

    await expect(
      messaging.downloadAttachment('mirakl-key', 'no-such-attachment'),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(messaging.downloadAttachment('mirakl-key', '..')).rejects.toMatchObject({
      field: 'attachment',
    });
  });

  it('M13 asks for the attachment’s bytes (Accept: application/octet-stream), not JSON', async () => {
    const recorder = recordingFetch((request) => fetch(request));
    const vendor = sb.vendors.mirakl;
    const messaging = createOrderMessaging({
      connections: {
        m: mirakl({
          baseUrl: vendor.baseUrl,
          auth: { type: 'apiKey', apiKey: vendor.apiKey },
          shopId: vendor.shopId,
        }),
      },
      fetch: recorder.fetch,
      retry: false,
    });
    const [, withInvoice] = await messaging.listAll('m', {
      orderId: sb.seed.mirakl.orderWithThread,
    });
    const file = await messaging.downloadAttachment('m', withInvoice!.attachments[0]!);
    expect(file.filename).toBe('invoice.pdf');
    const download = recorder.last();
    expect(download.url.pathname).toMatch(/\/api\/inbox\/threads\/[^/]+\/download$/);
    const accept = download.headers.get('accept') ?? '';
    expect(accept.split(',')[0]!.trim()).toBe('application/octet-stream');
    expect(accept).not.toMatch(/application\/json/);
    // The listing before it still asks for JSON.
    expect(recorder.requests[0]!.headers.get('accept')).toBe('application/json');
  });

  it('vendors without attachment download say so', async () => {
    const messaging = createOrderMessaging({
      connections: { spp: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }) },
    });
    await expect(messaging.downloadAttachment('spp', 'https://x/file.pdf')).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
  });

  it('leaves no response that breaks the spec', () => {
    expect(sb.responseViolations).toEqual([]);
  });
});
