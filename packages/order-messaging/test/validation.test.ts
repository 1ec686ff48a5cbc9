import { describe, expect, it } from 'vitest';
import { ValidationError, type SendRequest } from '@org/order-messaging';
import { ORDER, recordedFacade, type Vendor } from './helpers.js';

const bytes = (n: number) => new Uint8Array(n);

async function rejection(vendor: Vendor, request: Partial<SendRequest> & Record<string, unknown>) {
  const { messaging, recorder } = recordedFacade();
  const error = await messaging
    .send(vendor, {
      orderId: ORDER[vendor],
      text: 'A valid message text',
      ...request,
    } as SendRequest)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  // The whole point: nothing reached the network.
  expect(recorder.requests).toHaveLength(0);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('validation before the network', () => {
  it.each<[string, Vendor, Partial<SendRequest>, string, string]>([
    ['mirakl text required', 'mirakl', { text: '' }, 'text', 'required'],
    ['spp text required', 'spp', { text: '   \n ' }, 'text', 'required'],
    ['omnidesk text too_short', 'omnidesk', { text: 'hey' }, 'text', 'too_short'],
    ['gameboost text too_long', 'gameboost', { text: 'x'.repeat(10_001) }, 'text', 'too_long'],
    [
      'gameboost attachments unsupported',
      'gameboost',
      { attachments: [{ filename: 'a.txt', data: bytes(1) }] },
      'attachments',
      'unsupported',
    ],
    [
      'omnidesk attachments unsupported',
      'omnidesk',
      { attachments: [{ filename: 'a.txt', data: bytes(1) }] },
      'attachments',
      'unsupported',
    ],
    [
      'mirakl attachments too_many',
      'mirakl',
      {
        attachments: Array.from({ length: 51 }, (_, i) => ({
          filename: `f${i}.png`,
          data: bytes(1),
        })),
      },
      'attachments',
      'too_many',
    ],
    [
      'mirakl attachments too_large',
      'mirakl',
      {
        attachments: [
          { filename: 'big-1.bin', data: bytes(16 * 1024 * 1024) },
          { filename: 'big-2.bin', data: new Blob([bytes(15 * 1024 * 1024)]) },
        ],
      },
      'attachments',
      'too_large',
    ],
    [
      'spp attachments[0].filename required',
      'spp',
      { attachments: [{ filename: '', data: bytes(3) }] },
      'attachments[0].filename',
      'required',
    ],
    [
      'spp attachments[0].data invalid',
      'spp',
      { attachments: [{ filename: 'x.txt', data: 'not bytes' as never }] },
      'attachments[0].data',
      'invalid',
    ],
    ['spp audience unsupported', 'spp', { audience: ['customer'] }, 'audience', 'unsupported'],
    [
      'gameboost audience[0] unsupported',
      'gameboost',
      { audience: ['operator'] },
      'audience[0]',
      'unsupported',
    ],
    [
      'mirakl audience[0] invalid',
      'mirakl',
      { audience: ['everyone' as never] },
      'audience[0]',
      'invalid',
    ],
    ['mirakl internal unsupported', 'mirakl', { internal: true }, 'internal', 'unsupported'],
    ['gameboost internal unsupported', 'gameboost', { internal: true }, 'internal', 'unsupported'],
    [
      'spp subject unsupported',
      'spp',
      { vendorOptions: { spp: { subject: 'Hello' } } },
      'vendorOptions.spp.subject',
      'unsupported',
    ],
    [
      'a mirakl option on a spp connection',
      'spp',
      { vendorOptions: { mirakl: { subject: 'Hello' } } },
      'vendorOptions.mirakl',
      'unsupported',
    ],
    [
      'gameboost channel unsupported',
      'gameboost',
      { vendorOptions: { gameboost: { channel: '1' } } },
      'vendorOptions.gameboost.channel',
      'unsupported',
    ],
    [
      'omnidesk channel invalid',
      'omnidesk',
      { vendorOptions: { omnidesk: { channel: 'sms; DROP' } } },
      'vendorOptions.omnidesk.channel',
      'invalid',
    ],
    [
      'gameboost orderKind invalid',
      'gameboost',
      { vendorOptions: { gameboost: { orderKind: 'gift-card' } } },
      'vendorOptions.gameboost.orderKind',
      'invalid',
    ],
    [
      'spp orderKind unsupported',
      'spp',
      { vendorOptions: { spp: { orderKind: 'item' } } },
      'vendorOptions.spp.orderKind',
      'unsupported',
    ],
    [
      'vendorOptions not an object',
      'spp',
      { vendorOptions: 'mirakl' as never },
      'vendorOptions',
      'invalid',
    ],
    ['mirakl orderId required', 'mirakl', { orderId: '' }, 'orderId', 'required'],
    ['mirakl orderId invalid', 'mirakl', { orderId: '..' }, 'orderId', 'invalid'],
    ['spp orderId invalid', 'spp', { orderId: '.' }, 'orderId', 'invalid'],
    ['gameboost orderId invalid', 'gameboost', { orderId: 'a\nb' }, 'orderId', 'invalid'],
    ['spp orderId too_long', 'spp', { orderId: 'x'.repeat(300) }, 'orderId', 'too_long'],
    ['mirakl orderId invalid', 'mirakl', { orderId: 'ORDER-1,ORDER-2' }, 'orderId', 'invalid'],
    ['omnidesk orderId invalid', 'omnidesk', { orderId: 'ticket-12' }, 'orderId', 'invalid'],
    [
      'mirakl threadId invalid',
      'mirakl',
      { vendorOptions: { mirakl: { threadId: '..' } } },
      'vendorOptions.mirakl.threadId',
      'invalid',
    ],
  ])('%s', async (_label, vendor, request, field, reason) => {
    const error = await rejection(vendor, request);
    expect(error.field).toBe(field);
    expect(error.reason).toBe(reason);
    expect(error.kind).toBe('validation');
    expect(error.delivery).toBe('not_sent');
    expect(error.retryable).toBe(false);
    expect(error.vendor).toBe(vendor);
    expect(error.connection).toBe(vendor);
  });

  it('names the limit and the measured value', async () => {
    const error = await rejection('gameboost', { text: '€'.repeat(10_001) });
    expect(error).toMatchObject({
      field: 'text',
      reason: 'too_long',
      limit: 10_000,
      actual: 10_001,
    });
    expect(error.message).toContain('at most 10000 characters');
  });

  it('counts code points, not UTF-16 units', async () => {
    // 10 000 emoji are 20 000 UTF-16 units but 10 000 characters: GameBoost accepts them.
    const { messaging, recorder } = recordedFacade(
      () =>
        new Response(JSON.stringify({ data: { id: 'm1', text: 'x', sent_at: 1 } }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    await messaging.send('gameboost', { orderId: ORDER.gameboost, text: '😀'.repeat(10_000) });
    expect(recorder.requests).toHaveLength(1);
  });

  it('reports the first problem and counts the others', async () => {
    const error = await rejection('gameboost', { text: '', internal: true, audience: ['seller'] });
    expect(error.field).toBe('text');
    expect(error.message).toMatch(/and \d+ more: internal, audience\[0\]/);
  });

  it('rejects an unknown connection before anything else', async () => {
    const { messaging, recorder } = recordedFacade();
    const error = await messaging
      .send('nope' as 'spp', { orderId: '1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('connection');
    expect(recorder.requests).toHaveLength(0);
  });

  it('validates list references too, lazily at the first iteration', async () => {
    const { messaging, recorder } = recordedFacade();
    const listing = messaging.list('omnidesk', { orderId: '../etc' });
    await expect(listing[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      kind: 'validation',
      field: 'orderId',
    });
    await expect(
      messaging.listAll('gameboost', {
        orderId: '1',
        vendorOptions: { gameboost: { orderKind: 'gift' as never } },
      }),
    ).rejects.toMatchObject({
      field: 'vendorOptions.gameboost.orderKind',
    });
    expect(recorder.requests).toHaveLength(0);
  });
});
