import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGameBoostClient } from '@org/gameboost-client';
import {
  createGameBoostWebhookReceiver,
  type GameBoostWebhookReceiver,
} from '@org/gameboost-client/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startSandbox, type Sandbox } from '../src/index.js';
import { phpJsonEncode, signWebhookBody } from '../src/webhooks/signing.js';

const SECRET = 'whsec_sandbox_e2e_current';
const vectors = (
  JSON.parse(
    readFileSync(new URL('../webhook-vectors/gameboost.json', import.meta.url), 'utf8'),
  ) as { vectors: { name: string; secret: string; body: string; signature: string }[] }
).vectors;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` };
}

/** The smallest Node-to-Fetch bridge, as Hono's or Next's Node adapters do it. */
function fetchBridge(receiver: GameBoostWebhookReceiver) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method!,
      headers: req.headers as Record<string, string>,
      body: req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream) : null,
      duplex: 'half',
    } as RequestInit);
    const response = await receiver.handleFetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

describe('sandbox webhook signing', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('matches the test vector: %s', (_, v) => {
    expect(signWebhookBody(v.secret, Buffer.from(v.body, 'utf8'))).toBe(v.signature);
  });

  it("writes bodies as PHP's json_encode does, so a JSON.stringify round trip changes the bytes", () => {
    const [spec] = [
      YAML.parse(readFileSync(new URL('../../../specs/gameboost.yaml', import.meta.url), 'utf8')),
    ];
    const example =
      spec.webhooks['order.report.issued'].post.requestBody.content['application/json'].example;
    expect(phpJsonEncode(example)).toBe(vectors[0]!.body);
    const value = { url: 'https://a/b', name: 'Jörg 🎮' };
    expect(phpJsonEncode(value)).toBe(
      '{"url":"https:\\/\\/a\\/b","name":"J\\u00f6rg \\ud83c\\udfae"}',
    );
    expect(JSON.parse(phpJsonEncode(value))).toEqual(value);
  });
});

describe.each([
  [
    'handleNode',
    (receiver: GameBoostWebhookReceiver) => (req: IncomingMessage, res: ServerResponse) =>
      void receiver.handleNode(req, res),
  ],
  ['handleFetch', fetchBridge],
] as const)('the sandbox delivers signed GameBoost webhooks to %s on 127.0.0.1', (_, serve) => {
  let sandbox: Sandbox;
  let server: Server;
  let url: string;
  const purchased: { id: number | undefined; title: string | undefined }[] = [];

  beforeAll(async () => {
    // `previous` first: the receiver is mid-rotation, the sandbox still signs with the old secret.
    const receiver = createGameBoostWebhookReceiver({ secrets: ['whsec_next', SECRET] }).on(
      'account.order.purchased',
      ({ payload }) => void purchased.push({ id: payload.id, title: payload.title }),
    );
    ({ server, url } = await listen(serve(receiver)));
    sandbox = await startSandbox({ webhooks: [{ vendor: 'gameboost', url, secret: SECRET }] });
  });
  // No reset between tests: a reseeded sandbox reuses order ids, and a purchase in the same
  // second would then be the same event (same id and updated_at) to the receiver.
  afterAll(async () => {
    await sandbox.close();
    server.closeAllConnections();
    server.close();
  });

  it('a purchase creates the order, sends account.order.purchased, and the receiver acknowledges it', async () => {
    const purchase = await sandbox.webhooks.purchaseGameBoostOrder();
    const [delivery] = purchase.deliveries;
    expect(delivery?.attempts.map((a) => [a.status, a.responseBody])).toEqual([
      [200, '{"status":"success"}'],
    ]);
    expect(purchased.at(-1)).toEqual({ id: Number(purchase.orderId), title: purchase.order.title });
    // The body is the order as the API returns it, and its bytes differ from a re-serialisation.
    const client = createGameBoostClient({ ...sandbox.vendors.gameboost });
    const fetched = await client.GET('/v2/account-orders/{accountOrder}', {
      params: { path: { accountOrder: purchase.orderId } },
    });
    expect(JSON.parse(delivery!.body)).toEqual({
      event: 'account.order.purchased',
      payload: fetched.data?.data,
    });
    expect(JSON.stringify(JSON.parse(delivery!.body))).not.toBe(delivery!.body);
    // The new order accepts messages, as a processing order does.
    const sent = await client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: purchase.orderId } },
      body: { message: 'Thanks for your purchase!' },
    });
    expect(sent.response.status).toBe(200);
  });

  it('a redelivery of the same bytes is acknowledged without calling the handler again', async () => {
    const before = purchased.length;
    const purchase = await sandbox.webhooks.purchaseGameBoostOrder({ kind: 'account' });
    const again = await sandbox.webhooks.redeliver(purchase.deliveries[0]!.id);
    expect(again.attempts.map((a) => a.status)).toEqual([200, 200]);
    expect(purchased.length).toBe(before + 1);
  });

  it('a target with the wrong secret gets 401 on every attempt', async () => {
    const unregister = sandbox.webhooks.register({
      vendor: 'gameboost',
      url,
      secret: 'not-the-secret',
      maxAttempts: 3,
      retryDelayMs: 1,
    });
    const before = purchased.length;
    const deliveriesBefore = sandbox.webhooks.deliveries.length;
    const { deliveries } = await sandbox.webhooks.purchaseGameBoostOrder({ kind: 'item' });
    unregister();
    const statuses = deliveries.map((d) => d.attempts.map((a) => a.status));
    expect(statuses).toContainEqual([200]);
    expect(statuses).toContainEqual([401, 401, 401]);
    expect(deliveries.find((d) => !d.delivered)?.attempts[0]?.responseBody).toBe(
      '{"status":"error","code":"signature_mismatch"}',
    );
    // No handler for item orders: acknowledged, nothing recorded.
    expect(purchased.length).toBe(before);
    expect(sandbox.webhooks.deliveries).toHaveLength(deliveriesBefore + 2);
    sandbox.reset();
    expect(sandbox.webhooks.deliveries).toHaveLength(0);
  });
});

describe('sandbox webhook targets', () => {
  it('refuses non-http URLs and vendors without webhooks, and records a refused connection', async () => {
    const sandbox = await startSandbox();
    try {
      expect(() =>
        sandbox.webhooks.register({ vendor: 'gameboost', url: 'ftp://x', secret: 's' }),
      ).toThrow(/http/);
      expect(() =>
        sandbox.webhooks.register({
          vendor: 'mirakl' as 'gameboost',
          url: 'http://127.0.0.1:1/',
          secret: 's',
        }),
      ).toThrow(/mirakl/);
      sandbox.webhooks.register({ vendor: 'gameboost', url: 'http://127.0.0.1:1/', secret: 's' });
      const [delivery] = await sandbox.webhooks.send('gameboost', 'order.dispute.created', {
        id: 1,
      });
      expect(delivery?.delivered).toBe(false);
      expect(delivery?.attempts[0]?.status).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});
