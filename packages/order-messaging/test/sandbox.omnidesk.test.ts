import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, NotFoundError, ValidationError } from '@org/order-messaging';
import { omnidesk, type OmnideskConnectionOptions } from '@org/order-messaging/omnidesk';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade(extra: Partial<OmnideskConnectionOptions> = {}) {
  return createOrderMessaging({
    connections: {
      desk: omnidesk({
        baseUrl: sb.vendors.omnidesk.baseUrl,
        apiKey: sb.vendors.omnidesk.apiKey,
        ...extra,
      }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0 },
  });
}

const ticket = () => String(sb.seed.omnidesk.ticketWithMessages);

describe('omnidesk against the sandbox (the order is a ticket)', () => {
  it("hides the API key in every send's request URL, the later sends as the first", async () => {
    const messaging = facade();
    const { apiKey } = sb.vendors.omnidesk;
    for (let i = 1; i <= 3; i++) {
      const result = await messaging.send('desk', { orderId: ticket(), text: `Update ${i} here` });
      expect(result.raw.request!.url).toContain('apiKey=%5BREDACTED%5D');
      expect(result.raw.request!.url).not.toContain(apiKey);
    }
  });

  it('lists the ticket timeline: messages and notes, no events', async () => {
    const messages = await facade().listAll('desk', { orderId: ticket() });
    expect(messages.map((m) => [m.text, m.author.kind, m.internal])).toEqual([
      ['Where is my order? It has been a week.', 'customer', false],
      ['It left our warehouse yesterday.', 'staff', false],
      ['Checked with the warehouse.', 'staff', true],
    ]);
    expect(messages[1]!.author).toEqual({ kind: 'staff', id: '7', name: 'Agent Smith' });
    expect(messages[0]!.author).toMatchObject({ kind: 'customer', id: '501' });
    expect(messages[0]!.sentAt.toISOString()).toBe('2024-03-05T10:15:00.000Z');
    expect(messages.map((m) => m.id)).toEqual(
      sb.state.messages('omnidesk', ticket()).map((m) => m.id),
    );
  });

  it('reads the whole timeline in one call, however long', async () => {
    const messaging = facade();
    for (let i = 1; i <= 30; i++)
      await messaging.send('desk', { orderId: ticket(), text: `Update number ${i}` });
    const before = sb.state.requests.length;
    const messages = await messaging.listAll('desk', { orderId: ticket() });
    expect(messages).toHaveLength(33);
    expect(messages.at(-1)!.text).toBe('Update number 30');
    expect(sb.state.requests.slice(before).map((r) => r.operationId)).toEqual(['getTicket']);
  });

  it('sends in the default e-mail channel and returns the new timeline entry', async () => {
    const result = await facade({ userId: 7 }).send('desk', {
      orderId: ticket(),
      text: 'Your refund is on its way.',
    });
    const stored = sb.state.messages('omnidesk', ticket()).at(-1)!;
    expect(stored.text).toBe('Your refund is on its way.');
    expect((stored.raw as { channel_id: number }).channel_id).toBe(1);
    expect(result).toMatchObject({ reconciled: false, attempts: 1 });
    expect(result.message).toMatchObject({
      id: stored.id,
      orderId: ticket(),
      text: 'Your refund is on its way.',
      internal: false,
      author: { kind: 'staff', id: '7', name: 'Agent Smith' },
    });
  });

  it('the channel `type` is an option', async () => {
    await facade().send('desk', {
      orderId: ticket(),
      text: 'Called the customer back.',
      vendorOptions: { omnidesk: { channel: 'calllog' } },
    });
    expect((sb.state.messages('omnidesk', ticket()).at(-1)!.raw as { type: string }).type).toBe(
      'calllog',
    );
  });

  it('internal notes go to the configured note channel', async () => {
    const messaging = facade({ noteChannel: '0' });
    expect(messaging.capabilities('desk').internalNotes).toBe(true);
    const result = await messaging.send('desk', {
      orderId: ticket(),
      text: 'Customer is on holiday until Monday.',
      internal: true,
    });
    const stored = sb.state.messages('omnidesk', ticket()).at(-1)!;
    expect(stored).toMatchObject({ internal: true, text: 'Customer is on holiday until Monday.' });
    expect((stored.raw as { channel_id: number }).channel_id).toBe(0);
    expect(result.message.internal).toBe(true);
    expect(result.message.id).toBe(stored.id);
  });

  it('without a noteChannel there are no internal notes: none is guessed, nothing is posted', async () => {
    const messaging = facade();
    expect(messaging.capabilities('desk').internalNotes).toBe(false);
    expect(omnidesk.capabilities.internalNotes).toBe(false);
    const before = sb.state.requests.length;
    const error = await messaging
      .send('desk', {
        orderId: ticket(),
        text: 'Customer is on holiday until Monday.',
        internal: true,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'internal', reason: 'unsupported' });
    expect(sb.state.requests.length).toBe(before);
    expect(sb.state.messages('omnidesk', ticket()).filter((m) => m.internal)).toHaveLength(1);
  });

  it('an unknown ticket is NotFoundError, rejected by the post itself (no read before it)', async () => {
    const before = sb.state.requests.length;
    const error = await facade()
      .send('desk', { orderId: '999999', text: 'Anyone there?' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, delivery: 'rejected' });
    expect((error as Error).message).toContain('Ticket 999999 not found');
    expect(sb.state.requests.slice(before).map((r) => [r.operationId, r.status])).toEqual([
      ['createMessage', 404],
    ]);
  });

  it('Omnidesk’s own 400 (an unknown agent) is a ValidationError', async () => {
    const error = await facade({ userId: 4242 })
      .send('desk', { orderId: ticket(), text: 'Hello from nobody' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, delivery: 'rejected', body: { status: 'error' } });
  });

  it('leaves no response that breaks the spec', () => {
    expect(sb.responseViolations).toEqual([]);
  });
});
