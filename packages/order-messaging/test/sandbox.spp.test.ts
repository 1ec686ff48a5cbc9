import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, NotFoundError, ValidationError } from '@org/order-messaging';
import { spp, type SppConnectionOptions } from '@org/order-messaging/spp';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade(extra: Partial<SppConnectionOptions> = {}) {
  return createOrderMessaging({
    connections: {
      spp: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token, ...extra }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

describe('spp against the sandbox', () => {
  it("reports each send's own request URL, one connection sending to two orders in turn", async () => {
    const messaging = facade();
    const orders = [
      sb.seed.spp.orderWithFewMessages.number,
      sb.seed.spp.orderWithManyMessages.number,
    ];
    for (const orderId of [...orders, ...orders]) {
      const result = await messaging.send('spp', {
        orderId: String(orderId),
        text: 'Hello again.',
      });
      expect(result.raw.request!.url).toMatch(new RegExp(`/api/order_messages/${orderId}$`));
    }
  });

  it('lists every page of an order (newest first), by number or by id', async () => {
    const order = sb.seed.spp.orderWithManyMessages;
    const before = sb.state.requests.length;
    const byNumber = await facade().listAll('spp', { orderId: order.number });
    expect(byNumber).toHaveLength(sb.seed.spp.messageCountOfManyMessagesOrder);
    expect(byNumber[0]!.text).toBe('Seeded message 25 of 25');
    expect(byNumber.at(-1)!.text).toBe('Seeded message 1 of 25');
    // 25 messages at SPP's default 20 per page: two pages, following links.next.
    expect(
      sb.state.requests.slice(before).filter((r) => r.operationId === 'listOrderMessages'),
    ).toHaveLength(2);
    const byId = await facade({ pageSize: 10 }).listAll('spp', { orderId: order.id });
    expect(byId.map((m) => m.id)).toEqual(byNumber.map((m) => m.id));
    expect(new Set(byId.map((m) => m.id)).size).toBe(25);
  });

  it('normalizes authors and staff-only notes', async () => {
    const messages = await facade().listAll('spp', {
      orderId: sb.seed.spp.orderWithFewMessages.number,
    });
    expect(messages).toHaveLength(2);
    const [note, question] = messages;
    expect(question).toMatchObject({
      text: 'Hello, when will the audit be ready?',
      internal: false,
      author: { kind: 'customer', id: String(sb.seed.spp.clientUserId) },
      vendor: 'spp',
      connection: 'spp',
    });
    expect(note).toMatchObject({
      text: 'Client asked twice, prioritise.',
      internal: true,
      author: { kind: 'staff', id: String(sb.seed.spp.staffUserId) },
    });
    expect(question!.sentAt.toISOString()).toBe('2024-01-15T09:01:00.000Z');
  });

  it('sends a message and returns it as stored', async () => {
    const order = sb.seed.spp.orderWithoutMessages;
    const result = await facade().send('spp', { orderId: order.number, text: 'Work has started.' });
    const stored = sb.state.messages('spp', order.number);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Work has started.', internal: false });
    expect(result).toMatchObject({ reconciled: false, attempts: 1 });
    expect(result.message).toMatchObject({
      id: stored[0]!.id,
      orderId: order.number,
      text: 'Work has started.',
      internal: false,
      author: { kind: 'staff', id: String(sb.seed.spp.apiUserId) },
    });
    expect(result.raw.response).toMatchObject({ status: 201 });
    expect(result.raw.response!.headers['x-api-identifier']).toBeDefined();
  });

  it('internal ↔ staff_only', async () => {
    const order = sb.seed.spp.orderWithoutMessages;
    const result = await facade().send('spp', {
      orderId: order.id,
      text: 'Note: client is VIP.',
      internal: true,
    });
    expect(result.message.internal).toBe(true);
    expect(sb.state.messages('spp', order.id)[0]).toMatchObject({
      internal: true,
      text: 'Note: client is VIP.',
    });
  });

  it('sends attachments as multipart parts', async () => {
    const order = sb.seed.spp.orderWithoutMessages;
    const result = await facade().send('spp', {
      orderId: order.number,
      text: 'Draft attached.',
      attachments: [
        {
          filename: 'draft.pdf',
          data: new TextEncoder().encode('%PDF draft'),
          contentType: 'application/pdf',
        },
        { filename: 'notes.txt', data: new TextEncoder().encode('two files') },
      ],
    });
    expect(
      sb.state.messages('spp', order.number)[0]!.attachments?.map((a) => [a.name, a.size]),
    ).toEqual([
      ['draft.pdf', 10],
      ['notes.txt', 9],
    ]);
    expect(result.message.attachments.map((a) => a.filename)).toEqual(['draft.pdf', 'notes.txt']);
    expect(result.message.attachments[0]!.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/spp\/files\/\d+\/draft\.pdf$/,
    );
  });

  it('an unknown order is NotFoundError, with the request id', async () => {
    const error = await facade()
      .send('spp', { orderId: 'NOPE0000', text: 'Hello' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      delivery: 'rejected',
      requestId: expect.any(String),
    });
  });

  it('SPP’s 422 for an unknown author is a ValidationError naming the field', async () => {
    const error = await facade({ userId: 999 })
      .send('spp', { orderId: sb.seed.spp.orderWithoutMessages.number, text: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, field: 'user_id', delivery: 'rejected' });
    expect(sb.state.messages('spp', sb.seed.spp.orderWithoutMessages.number)).toHaveLength(0);
  });

  it('leaves no response that breaks the spec', () => {
    expect(sb.responseViolations).toEqual([]);
  });
});
