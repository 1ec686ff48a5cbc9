import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { GameBoostAccountOrder, GameBoostOrderReportIssuedEvent } from '@org/gameboost-client';
import {
  createGameBoostWebhookReceiver,
  createMemorySeenStore,
  GameBoostWebhookError,
  signGameBoostWebhook,
  type GameBoostWebhookReceiverOptions,
} from '@org/gameboost-client/webhooks';

const SECRET = 'whsec_test_current';
const NOW_S = 1_731_000_600;
const orderBody = (id: number, updatedAt = NOW_S) =>
  `{"event":"account.order.purchased","payload":{"id":${id},"image_urls":["https:\\/\\/cdn.example\\/a.png"],"updated_at":${updatedAt}}}`;

function signedRequest(body: string, init: { signature?: string; method?: string } = {}) {
  const signature = init.signature ?? signGameBoostWebhook(SECRET, body);
  return new Request('http://receiver.test/gameboost', {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', signature },
    ...(init.method === 'GET' ? {} : { body }),
  });
}

function setup(options: Partial<GameBoostWebhookReceiverOptions> = {}) {
  const calls: string[] = [];
  const errors: GameBoostWebhookError[] = [];
  const receiver = createGameBoostWebhookReceiver({
    secrets: SECRET,
    now: () => NOW_S * 1000,
    onError: (error) => errors.push(error),
    ...options,
  }).on('account.order.purchased', (event) => {
    expectTypeOf(event.payload).toExtend<GameBoostAccountOrder>();
    expectTypeOf(event.payload.id).toEqualTypeOf<number | undefined>();
    expectTypeOf(event.event).toEqualTypeOf<'account.order.purchased'>();
    calls.push(`account:${event.payload.id}`);
  });
  return { receiver, calls, errors };
}

async function answer(response: Response) {
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('createGameBoostWebhookReceiver with Fetch requests', () => {
  it('verifies, calls the typed handler and answers 200 {"status":"success"}', async () => {
    const { receiver, calls } = setup();
    receiver.on('order.report.issued', (event) => {
      expectTypeOf(event).toEqualTypeOf<GameBoostOrderReportIssuedEvent>();
      calls.push(`report:${event.payload.order_id}`);
    });
    expect(await answer(await receiver.handleFetch(signedRequest(orderBody(1))))).toEqual({
      status: 200,
      body: { status: 'success' },
    });
    const report = '{"event":"order.report.issued","payload":{"id":9,"order_id":1,"updated_at":1}}';
    expect((await receiver.handleFetch(signedRequest(report))).status).toBe(200);
    expect(calls).toEqual(['account:1', 'report:1']);
  });

  it('handles a duplicate once: the same bytes, a re-serialised copy, and two at the same time', async () => {
    const { receiver, calls } = setup();
    const body = orderBody(2);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    const results = await Promise.all([
      receiver.receive({ body: Buffer.from(body), signature: signGameBoostWebhook(SECRET, body) }),
      receiver.receive({ body: Buffer.from(body), signature: signGameBoostWebhook(SECRET, body) }),
    ]);
    expect(results.map((r) => r.result).sort()).toEqual(['duplicate', 'handled']);
    expect((await receiver.handleFetch(signedRequest(body))).status).toBe(200);
    expect((await receiver.handleFetch(signedRequest(reserialised))).status).toBe(200);
    expect(calls).toEqual(['account:2']);
    // A newer `updated_at` is a new event for the same order.
    expect((await receiver.handleFetch(signedRequest(orderBody(2, NOW_S + 5)))).status).toBe(200);
    expect(calls).toEqual(['account:2', 'account:2']);
  });

  it('a failing handler answers 500 and the retry is handled again', async () => {
    let failures = 1;
    const { receiver, errors } = setup();
    const seenIds: number[] = [];
    receiver.on('item.order.purchased', (event) => {
      if (failures-- > 0) throw new Error(`database down ${SECRET}`);
      seenIds.push(event.payload.id!);
    });
    const body = '{"event":"item.order.purchased","payload":{"id":7,"updated_at":5}}';
    const failed = await answer(await receiver.handleFetch(signedRequest(body)));
    expect(failed).toEqual({ status: 500, body: { status: 'error', code: 'handler_failed' } });
    expect(errors[0]?.cause).toBeInstanceOf(Error);
    expect(JSON.stringify(errors[0])).not.toContain(SECRET);
    expect((await receiver.handleFetch(signedRequest(body))).status).toBe(200);
    expect(seenIds).toEqual([7]);
  });

  it('acknowledges an event the spec does not name, and passes it to onUnknownEvent', async () => {
    const { receiver } = setup();
    const unknown: string[] = [];
    const body = '{"event":"offer.sold_out","payload":{"id":1}}';
    expect(
      (
        await receiver.receive({
          body: Buffer.from(body),
          signature: signGameBoostWebhook(SECRET, body),
        })
      ).result,
    ).toBe('ignored');
    receiver.onUnknownEvent((event) => void unknown.push(event.event));
    const other = '{"event":"offer.sold_out","payload":{"id":2}}';
    expect((await receiver.handleFetch(signedRequest(other))).status).toBe(200);
    expect(unknown).toEqual(['offer.sold_out']);
  });

  it.each([
    [
      'a wrong signature',
      signedRequest(orderBody(3), { signature: signGameBoostWebhook('wrong', orderBody(3)) }),
      401,
      'signature_mismatch',
    ],
    [
      'no signature',
      new Request('http://r.test/', { method: 'POST', body: orderBody(3) }),
      401,
      'missing_signature',
    ],
    ['malformed JSON', signedRequest('{"event":'), 400, 'malformed_json'],
    [
      'JSON that is not an envelope',
      signedRequest('{"event":"x","payload":[1]}'),
      400,
      'unknown_shape',
    ],
    ['an empty body', signedRequest(''), 400, 'empty_body'],
    ['a GET', signedRequest('', { method: 'GET' }), 405, 'method_not_allowed'],
  ])('answers %s with its status and code', async (_, request, status, code) => {
    const { receiver, calls, errors } = setup();
    expect(await answer(await receiver.handleFetch(request))).toEqual({
      status,
      body: { status: 'error', code },
    });
    expect(errors.map((e) => e.code)).toEqual([code]);
    expect(calls).toEqual([]);
  });

  it('rejects a stale event only when maxEventAgeSeconds is set', async () => {
    const old = orderBody(4, NOW_S - 3600);
    expect((await setup().receiver.handleFetch(signedRequest(old))).status).toBe(200);
    const strict = setup({ maxEventAgeSeconds: 600 });
    expect(await answer(await strict.receiver.handleFetch(signedRequest(old)))).toEqual({
      status: 400,
      body: { status: 'error', code: 'stale_event' },
    });
    expect(
      (await strict.receiver.handleFetch(signedRequest(orderBody(5, NOW_S - 60)))).status,
    ).toBe(200);
  });

  it('answers 413 to a body over the cap, declared or streamed, and 408 to one that drips', async () => {
    const { receiver } = setup({ maxBodyBytes: 1024, bodyTimeoutMs: 100 });
    const big = `{"event":"x","payload":{"pad":"${'a'.repeat(2000)}"}}`;
    expect((await receiver.handleFetch(signedRequest(big))).status).toBe(413);
    const chunk = new Uint8Array(512);
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(chunk),
      cancel: () => void (cancelled = true),
    });
    const streamed = new Request('http://r.test/', {
      method: 'POST',
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect((await receiver.handleFetch(streamed)).status).toBe(413);
    expect(cancelled).toBe(true);
    const dripping = new Request('http://r.test/', {
      method: 'POST',
      body: new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(new Uint8Array(1)),
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await answer(await receiver.handleFetch(dripping))).toEqual({
      status: 408,
      body: { status: 'error', code: 'body_timeout' },
    });
  });

  it('checks its options with typed errors', () => {
    expect(() => createGameBoostWebhookReceiver({ secrets: [] })).toThrow(GameBoostWebhookError);
    expect(() => createGameBoostWebhookReceiver({ secrets: 's', maxBodyBytes: 0 })).toThrow(
      /maxBodyBytes/,
    );
    expect(() => createMemorySeenStore(0)).toThrow(GameBoostWebhookError);
  });
});

describe('createMemorySeenStore', () => {
  it('keeps only the most recently used identities', () => {
    const store = createMemorySeenStore(2);
    store.add('a');
    store.add('b');
    expect(store.has('a')).toBe(true); // refreshes "a"
    store.add('c');
    expect([store.has('a'), store.has('b'), store.has('c'), store.size]).toEqual([
      true,
      false,
      true,
      2,
    ]);
  });
});

describe('handleNode over HTTP on 127.0.0.1', () => {
  let server: Server;
  let origin: string;
  const received: number[] = [];

  beforeAll(async () => {
    const receiver = createGameBoostWebhookReceiver({
      secrets: ['new', SECRET],
      maxBodyBytes: 64 * 1024,
    }).on('account.order.purchased', (event) => void received.push(event.payload.id!));
    server = createServer((req, res) => void receiver.handleNode(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('accepts a signed delivery (old secret of a rotation) and rejects a forged one', async () => {
    const body = orderBody(11);
    const post = (signature: string) =>
      fetch(origin, { method: 'POST', headers: { signature }, body }).then(answer);
    expect(await post(signGameBoostWebhook(SECRET, body))).toEqual({
      status: 200,
      body: { status: 'success' },
    });
    expect(await post(signGameBoostWebhook(SECRET, body))).toEqual({
      status: 200,
      body: { status: 'success' },
    });
    expect(await post('0'.repeat(64))).toEqual({
      status: 401,
      body: { status: 'error', code: 'signature_mismatch' },
    });
    expect(received).toEqual([11]);
  });

  it('answers 413 while a chunked body over the cap is still being sent, and closes the connection', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${origin}/`, {
        method: 'POST',
        headers: { signature: '0'.repeat(64) },
      });
      req.on('response', (res) => {
        res.resume();
        expect(res.headers.connection).toBe('close');
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!req.destroyed && req.write(chunk));
        if (!req.destroyed) req.once('drain', pump);
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe('receive() and verifyGameBoostSignature() throw only GameBoostWebhookError', () => {
  const body = orderBody(77);
  const signature = signGameBoostWebhook(SECRET, body);

  it('takes the raw body as a string, bytes or an ArrayBuffer', async () => {
    for (const raw of [
      body,
      new TextEncoder().encode(body),
      new TextEncoder().encode(body).buffer,
    ]) {
      const { receiver, calls } = setup({ seen: createMemorySeenStore() });
      await expect(receiver.receive({ body: raw, signature })).resolves.toMatchObject({
        result: 'handled',
      });
      expect(calls).toEqual(['account:77']);
    }
  });

  it('refuses a parsed body as misconfigured: its bytes are gone, nothing can be verified', async () => {
    const { receiver } = setup();
    const error = await receiver
      .receive({ body: JSON.parse(body) as never, signature })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GameBoostWebhookError);
    expect((error as GameBoostWebhookError).code).toBe('misconfigured');
  });

  it('takes a signature header sent twice (an array in Node) as malformed', async () => {
    const { receiver } = setup();
    const error = await receiver
      .receive({ body, signature: [signature, signature] as never })
      .catch((thrown: unknown) => thrown);
    expect((error as GameBoostWebhookError).code).toBe('malformed_signature');
  });

  it("wraps a failing seen store or identify, the application's code, as handler_failed", async () => {
    const failing = new Error('redis: connection lost');
    const stores = [
      { has: () => Promise.reject(failing), add: async () => {} },
      { has: async () => false, add: () => Promise.reject(failing) },
    ];
    for (const seen of stores) {
      const { receiver } = setup({ seen });
      const error = await receiver.receive({ body, signature }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(GameBoostWebhookError);
      expect((error as GameBoostWebhookError).code).toBe('handler_failed');
      expect((error as GameBoostWebhookError).cause).toBe(failing);
    }
    const { receiver } = setup({
      identify: () => {
        throw failing;
      },
    });
    const error = await receiver.receive({ body, signature }).catch((thrown: unknown) => thrown);
    expect((error as GameBoostWebhookError).code).toBe('handler_failed');
  });
});
