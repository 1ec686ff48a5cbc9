import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, ValidationError } from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

function facade() {
  return createOrderMessaging({
    connections: {
      spp: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }),
      mirakl: mirakl({
        baseUrl: sb.vendors.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: sb.vendors.mirakl.apiKey },
      }),
      omnidesk: omnidesk({
        baseUrl: sb.vendors.omnidesk.baseUrl,
        apiKey: sb.vendors.omnidesk.apiKey,
      }),
    },
    retry: false,
  });
}

describe('findSent: the check a resumed journal makes before sending again', () => {
  it('finds a message already on the order, and only ours, newer than the first attempt', async () => {
    const messaging = facade();
    const orderId = sb.seed.spp.orderWithFewMessages.number;
    const since = new Date();
    const request = { orderId, text: 'Your report is attached to the order.' };
    expect(await messaging.findSent('spp', request, { since })).toBeUndefined();

    const { message } = await messaging.send('spp', request);
    const found = await messaging.findSent('spp', request, { since });
    expect(found?.id).toBe(message.id);
    expect(sb.state.messages('spp', orderId).filter((m) => m.text === request.text)).toHaveLength(
      1,
    );

    // The customer's own words are never taken for ours, and a note is not a reply.
    const question = { orderId, text: 'Hello, when will the audit be ready?' };
    expect(await messaging.findSent('spp', question, { since: new Date(0) })).toBeUndefined();
    expect(
      await messaging.findSent('spp', { ...request, internal: true }, { since }),
    ).toBeUndefined();
  });

  it('looks across every Mirakl thread of the order', async () => {
    const messaging = facade();
    const orderId = sb.seed.mirakl.orderWithThread;
    const since = new Date();
    const request = { orderId, text: 'Tracking number: 1Z999AA10123456784' };
    const { message } = await messaging.send('mirakl', request);
    expect((await messaging.findSent('mirakl', request, { since }))?.id).toBe(message.id);
  });

  it('reads SPP newest first and stops at the first message older than the send', async () => {
    const messaging = facade();
    const [orderId] = sb.simulate.populate({
      vendor: 'spp',
      orders: 1,
      messagesPerOrder: 300,
      from: new Date(Date.now() - 30 * 86_400_000),
    });
    const since = new Date();
    const request = { orderId: orderId!, text: 'Only the first page is read.' };
    const { message } = await messaging.send('spp', request);
    const before = sb.state.requests.length;
    expect((await messaging.findSent('spp', request, { since }))?.id).toBe(message.id);
    expect(sb.state.requests.slice(before).map((r) => r.operationId)).toEqual([
      'listOrderMessages',
    ]);
  });

  it('Omnidesk: one matching entry is found; two cannot be told apart', async () => {
    const messaging = facade();
    const orderId = String(sb.seed.omnidesk.ticketWithMessages);
    const since = new Date();
    const request = { orderId, text: 'We have shipped your replacement.' };
    const { message } = await messaging.send('omnidesk', request);
    expect((await messaging.findSent('omnidesk', request, { since }))?.id).toBe(message.id);
    await messaging.send('omnidesk', request);
    await expect(messaging.findSent('omnidesk', request, { since })).rejects.toThrow(
      /cannot be told/,
    );
  });

  it('validates the request like send, before any request', async () => {
    const before = sb.state.requests.length;
    await expect(
      facade().findSent('spp', { orderId: '..', text: 'x' }, { since: new Date() }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(sb.state.requests.length).toBe(before);
  });
});
