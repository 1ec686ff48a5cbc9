import { describe, expect, it } from 'vitest';
import { jsonResponse } from '@org/http-runtime/testing';
import { ValidationError } from '@org/order-messaging';
import { recordedFacade, type Vendor } from './helpers.js';
import { miraklThreadWith } from './support/vendors/mirakl.js';

const HOSTILE_IDS = ['../x', 'a/b', '?', '#', '../../admin?x=1#y', '%2e%2e'] as const;

/** What the id must look like inside the path: one percent-encoded segment. */
const encoded = (id: string) => encodeURIComponent(id);

const created: Record<Vendor, (request: Request) => Response> = {
  mirakl: () => jsonResponse(201, { message_id: 'm-1', thread_id: 't-1' }),
  spp: () =>
    jsonResponse(201, {
      id: 1,
      user_id: 1,
      created_at: '2024-01-01T00:00:00+00:00',
      message: 'x',
      staff_only: false,
      files: [],
      order: { id: 1 },
      ticket: null,
    }),
  omnidesk: () => jsonResponse(200, { type: 'result', message: 'ok' }),
  gameboost: () => jsonResponse(200, { data: { id: 'g', text: 'x', sent_at: 1 } }),
};

describe('ids cannot move a request off its path', () => {
  it.each(HOSTILE_IDS)('spp order %j stays one path segment', async (id) => {
    const { messaging, recorder } = recordedFacade(created.spp);
    await messaging.send('spp', { orderId: id, text: 'hello' });
    const url = recorder.last().url;
    expect(url.pathname).toBe(`/api/order_messages/${encoded(id)}`);
    expect(url.search).toBe('');
    expect(url.hash).toBe('');
  });

  it.each(HOSTILE_IDS)(
    'gameboost order %j stays one path segment (all three kinds)',
    async (id) => {
      for (const [kind, segment] of [
        ['account', 'account-orders'],
        ['item', 'item-orders'],
        ['currency', 'currency-orders'],
      ] as const) {
        const { messaging, recorder } = recordedFacade(created.gameboost);
        await messaging.send('gameboost', {
          orderId: id,
          vendorOptions: { gameboost: { orderKind: kind } },
          text: 'hello',
        });
        expect(recorder.last().url.pathname).toBe(`/v2/${segment}/${encoded(id)}/messages`);
        expect(recorder.last().url.search).toBe('');
      }
    },
  );

  it.each(HOSTILE_IDS.filter((id) => !id.includes(',')))(
    'mirakl order %j: query value for M11, one segment for OR43',
    async (id) => {
      const { messaging, recorder } = recordedFacade((request) =>
        request.method === 'GET' ? jsonResponse(200, { data: [] }) : created.mirakl(request),
      );
      await messaging.send('mirakl', { orderId: id, text: 'hello' });
      const [lookup, post] = recorder.requests;
      expect(lookup!.url.pathname).toBe('/api/inbox/threads');
      expect(lookup!.url.searchParams.get('entity_id')).toBe(id);
      expect(lookup!.url.searchParams.get('entity_type')).toBe('MMP_ORDER');
      expect(post!.url.pathname).toBe(`/api/orders/${encoded(id)}/threads`);
      expect(post!.url.search).toBe('');
    },
  );

  it.each(HOSTILE_IDS)('mirakl thread %j stays one path segment', async (id) => {
    const thread = { ...miraklThreadWith([]), id };
    const { messaging, recorder } = recordedFacade((request) =>
      request.method === 'GET'
        ? jsonResponse(200, { data: [thread] })
        : jsonResponse(201, { message_id: 'm-1', thread_id: id }),
    );
    await messaging.send('mirakl', {
      orderId: 'ORDER-1',
      vendorOptions: { mirakl: { threadId: id, readBack: true } },
      text: 'hello',
    });
    // M11 finds the named thread among the order's, M12 replies, M10 reads it back.
    expect(recorder.requests[0]!.url.pathname).toBe('/api/inbox/threads');
    expect(recorder.requests[1]!.url.pathname).toBe(`/api/inbox/threads/${encoded(id)}/message`);
    expect(recorder.requests[2]!.url.pathname).toBe(`/api/inbox/threads/${encoded(id)}`);
  });

  it.each(HOSTILE_IDS)(
    'omnidesk ticket %j is refused before any request: tickets are numeric',
    async (id) => {
      const { messaging, recorder } = recordedFacade();
      const error = await messaging
        .send('omnidesk', { orderId: id, text: 'hello there' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('orderId');
      expect((error as ValidationError).message).toContain('numeric ticket id');
      expect(recorder.requests).toHaveLength(0);
    },
  );

  it.each<[Vendor, string]>([
    ['spp', '..'],
    ['gameboost', '.'],
    ['mirakl', '..'],
  ])('%s: dot segments, which survive encoding, are refused by validation', async (vendor, id) => {
    const { messaging, recorder } = recordedFacade();
    await expect(messaging.send(vendor, { orderId: id, text: 'hello' })).rejects.toMatchObject({
      field: 'orderId',
      reason: 'invalid',
    });
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('vendor JSON cannot pollute objects', () => {
  it('`__proto__` keys in a response stay plain data', async () => {
    const body = `{
      "data": [
        { "id": "m1", "type": "user_message", "text": "hi", "sent_at": 1731000000,
          "sender": { "id": 5, "username": "x", "__proto__": { "is_admin": true } },
          "__proto__": { "polluted": "yes" } }
      ],
      "message": null,
      "__proto__": { "polluted": "yes" }
    }`;
    const { messaging } = recordedFacade((request) =>
      new URL(request.url).pathname.endsWith('/messages')
        ? new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } })
        : jsonResponse(200, { data: { id: 1, buyer: { id: 5, __proto__: { id: 9 } } } }),
    );
    const [message] = await messaging.listAll('gameboost', { orderId: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).is_admin).toBeUndefined();
    // `is_admin` lives under an own "__proto__" key, not on the prototype: the sender is not an admin.
    expect(message!.author.kind).toBe('customer');
    expect(Object.getPrototypeOf(message!.raw)).toBe(Object.prototype);
    expect((message!.raw as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('`__proto__` keys in an error body are dropped from the scrubbed copy', async () => {
    const { messaging } = recordedFacade(
      () =>
        new Response('{"message":"bad","__proto__":{"polluted":"yes"}}', {
          status: 400,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const error = await messaging
      .send('gameboost', { orderId: '1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation', body: { message: 'bad' } });
    expect((error as { body: Record<string, unknown> }).body.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('download sizes are bounded', () => {
  it('a body larger than maxBytes is cut off while streaming, not buffered whole', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulled > 10_000) controller.close();
      },
    });
    const { messaging } = recordedFacade(
      () =>
        new Response(endless, {
          status: 200,
          headers: { 'Content-Type': 'application/octet-stream' },
        }),
    );
    const error = await messaging
      .downloadAttachment('mirakl', 'att-1', { maxBytes: 200 * 1024 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      field: 'maxBytes',
      reason: 'too_large',
      limit: 200 * 1024,
      delivery: 'not_sent',
    });
    expect(pulled).toBeLessThan(20);
  });

  it('an announced Content-Length above maxBytes is refused before reading', async () => {
    const { messaging, recorder } = recordedFacade(
      () =>
        new Response(new Uint8Array(2048), { status: 200, headers: { 'Content-Length': '2048' } }),
    );
    await expect(
      messaging.downloadAttachment('mirakl', { id: 'att-2' }, { maxBytes: 1024 }),
    ).rejects.toMatchObject({
      actual: 2048,
    });
    expect(recorder.last().url.pathname).toBe('/api/inbox/threads/att-2/download');
  });
});
