/**
 * The adapter interface as a third party would implement it: a fifth vendor is one object
 * with `specificationVersion: 'v1'`, and the facade gives it validation, typed errors,
 * limits and reconciliation without knowing anything about it.
 */
import { describe, expect, it } from 'vitest';
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import {
  ConfigurationError,
  createOrderMessaging,
  NetworkError,
  UnsupportedOperationError,
  ValidationError,
  type AdapterContext,
  type Capabilities,
  type OrderMessage,
  type OrderMessagingAdapterV1,
} from '@org/order-messaging';

interface AcmeClient {
  post(
    path: string,
    body: unknown,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
}

const capabilities: Capabilities = {
  vendor: 'acme',
  list: false,
  send: true,
  text: { minLength: 1, maxLength: 20 },
  attachments: false,
  internalNotes: false,
  audiences: [],
  sendOptions: [],
  pagination: 'none',
  reconcile: 'none',
};

function acme(): OrderMessagingAdapterV1<AcmeClient, { id: string }> {
  return {
    specificationVersion: 'v1',
    vendor: 'acme',
    capabilities,
    rateLimits: { writes: { limit: 2, windowMs: 60_000, match: { methods: ['POST'] } } },
    secrets: () => ['acme-secret-token-123'],
    createClient: (transport) => ({
      async post(path, body) {
        const response = await transport.fetch(
          new Request(`https://api.acme.test${path}`, {
            method: 'POST',
            headers: { Authorization: 'Bearer acme-secret-token-123' },
            body: JSON.stringify(body),
          }),
        );
        return response.ok
          ? { data: await response.json(), response }
          : { error: await response.json(), response };
      },
    }),
    validate: (request) =>
      request.orderId.startsWith('A-')
        ? []
        : [{ field: 'orderId', reason: 'invalid', message: 'acme orders start with A-' }],
    async send(request, ctx: AdapterContext<AcmeClient>): Promise<OrderMessage<{ id: string }>> {
      const { data } = await ctx.call(
        'post message',
        () => ctx.client.post(`/orders/${request.orderId}`, { text: request.text }),
        {
          write: true,
        },
      );
      const raw = data as { id: string };
      return {
        id: raw.id,
        orderId: request.orderId,
        text: request.text,
        author: { kind: 'seller' },
        sentAt: new Date(),
        attachments: [],
        internal: false,
        vendor: 'acme',
        connection: ctx.connection,
        raw,
      };
    },
    // eslint-disable-next-line require-yield
    async *list() {
      throw new Error('acme cannot list');
    },
  };
}

describe('a fifth vendor through the v1 adapter interface', () => {
  it('is validated, sent, limited and typed by the facade', async () => {
    const recorder = recordingFetch(() => jsonResponse(200, { id: 'acme-1' }));
    const messaging = createOrderMessaging({
      connections: { acme: acme() },
      fetch: recorder.fetch,
      retry: false,
    });
    expect(messaging.connections).toEqual([{ name: 'acme', vendor: 'acme' }]);

    const result = await messaging.send('acme', { orderId: 'A-1', text: 'hello' });
    expect(result).toMatchObject({
      message: { id: 'acme-1', connection: 'acme' },
      reconciled: false,
      attempts: 1,
    });

    await expect(messaging.send('acme', { orderId: 'B-1', text: 'hello' })).rejects.toMatchObject({
      field: 'orderId',
      reason: 'invalid',
    });
    await expect(
      messaging.send('acme', { orderId: 'A-1', text: 'x'.repeat(21) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(messaging.listAll('acme', { orderId: 'A-1' })).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );

    await messaging.send('acme', { orderId: 'A-2', text: 'second' });
    // The declared limit (2 posts a minute) holds the third back instead of sending it.
    await expect(
      messaging.send('acme', { orderId: 'A-3', text: 'third' }, { totalTimeoutMs: 100 }),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
      delivery: 'not_sent',
    });
    expect(recorder.requests).toHaveLength(2);
  });

  it('a vendor that cannot list leaves an ambiguous send as delivery unknown, never resent', async () => {
    const recorder = recordingFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    });
    const messaging = createOrderMessaging({
      connections: { acme: acme() },
      fetch: recorder.fetch,
      retry: false,
    });
    const error = await messaging
      .send('acme', { orderId: 'A-1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ delivery: 'unknown' });
    expect((error as Error).message).toContain('acme cannot list messages to check');
    expect((error as Error).message).not.toContain('acme-secret-token-123');
    expect(recorder.requests).toHaveLength(1);
  });

  it('an adapter of an unknown specification version is refused at configuration time', () => {
    const future = { ...acme(), specificationVersion: 'v2' } as unknown as OrderMessagingAdapterV1;
    expect(() => createOrderMessaging({ connections: { acme: future } })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      createOrderMessaging({ connections: { acme: {} as OrderMessagingAdapterV1 } }),
    ).toThrow(/not an order-messaging adapter/);
  });
});
