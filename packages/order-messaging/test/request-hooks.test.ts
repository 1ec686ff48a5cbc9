/**
 * Request hooks against the sandbox over loopback: every attempt of a facade call and of the raw
 * client is told (operation, redacted URL, status, the vendor's request id), a hook may add a
 * trace header but no credential, and a hook that throws changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  type LogFields,
  type Logger,
  type RequestHooks,
} from '@org/order-messaging';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

type Event = { hook: string } & Record<string, unknown>;

function recorder(extra: Partial<RequestHooks> = {}) {
  const events: Event[] = [];
  const hooks: RequestHooks = {
    onRequest: (e) => {
      events.push({ hook: 'request', ...e });
      extra.onRequest?.(e);
    },
    onResponse: (e) => events.push({ hook: 'response', ...e }),
    onError: (e) => events.push({ hook: 'error', ...e }),
  };
  return { hooks, events };
}

/** The headers each request left with, seen by a fetch wrapped around the real one. */
function headerTap() {
  const sent: Headers[] = [];
  const fetch = (request: Request) => {
    sent.push(new Headers(request.headers));
    return globalThis.fetch(request);
  };
  return { sent, fetch };
}

function sppFacade(
  hooks: RequestHooks,
  logger?: Logger,
  fetch?: (r: Request) => Promise<Response>,
) {
  return createOrderMessaging({
    connections: {
      shop: {
        adapter: spp({ baseUrl: sb.vendors.spp.baseUrl, token: sb.vendors.spp.token }),
        hooks,
        ...(fetch ? { fetch } : {}),
      },
    },
    ...(logger ? { logger } : {}),
    reconcile: { settleDelayMs: 0 },
  });
}

const order = () => String(sb.seed.spp.orderWithoutMessages.number);

describe('request hooks', () => {
  it('tell each attempt of a send: operation, method, status, duration and request id', async () => {
    const { hooks, events } = recorder();
    await sppFacade(hooks).send('shop', { orderId: order(), text: 'Traced message.' });
    const posts = events.filter((e) => e.method === 'POST');
    expect(posts.map((e) => e.hook)).toEqual(['request', 'response']);
    const [request, response] = posts;
    expect(request).toMatchObject({
      connection: 'shop',
      vendor: 'spp',
      operation: 'create order message',
      attempt: 1,
    });
    expect(response).toMatchObject({ id: request!.id, status: 201 });
    expect(response!.durationMs).toBeGreaterThanOrEqual(0);
    expect(response!.requestId).toEqual(expect.any(String));
  });

  it('a retried attempt: each attempt told, with its own id', async () => {
    sb.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      status: 429,
      retryAfter: 0,
    });
    const { hooks, events } = recorder();
    await sppFacade(hooks).send('shop', { orderId: order(), text: 'Retried message.' });
    const posts = events.filter((e) => e.method === 'POST');
    expect(posts.map((e) => `${e.hook} ${String(e.attempt)} ${String(e.status)}`)).toEqual([
      'request 1 undefined',
      'response 1 429',
      'request 2 undefined',
      'response 2 201',
    ]);
    expect(posts[0]!.id).toBe(posts[1]!.id);
    expect(posts[2]!.id).not.toBe(posts[0]!.id);
  });

  it('an attempt that gets no answer: onError with the transport error', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'listOrderMessages', drop: 'before-apply' });
    const { hooks, events } = recorder();
    await sppFacade(hooks).listAll('shop', { orderId: order() });
    const reads = events.filter((e) => e.method === 'GET');
    expect(reads.map((e) => `${e.hook} ${String(e.attempt)}`)).toEqual([
      'request 1',
      'error 1',
      'request 2',
      'response 2',
    ]);
    expect(reads[1]!.error).toBeInstanceOf(Error);
    expect(String((reads[1]!.error as Error).message)).not.toContain(sb.vendors.spp.token);
  });

  it('may add a trace header; may not set a credential (logged, the request unchanged)', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message: string, _fields?: LogFields) => warnings.push(message),
      error() {},
    };
    const tap = headerTap();
    const { hooks } = recorder({
      onRequest: (e) => {
        e.setHeader('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
        e.setHeader('Authorization', 'Bearer stolen');
      },
    });
    await sppFacade(hooks, logger, tap.fetch).send('shop', { orderId: order(), text: 'Hi.' });
    const post = tap.sent.at(-1)!;
    expect(post.get('traceparent')).toMatch(/^00-0af7/);
    expect(post.get('authorization')).toBe(`Bearer ${sb.vendors.spp.token}`);
    expect(warnings.join('\n')).toContain('may not set the Authorization header');
    expect(warnings.join('\n')).not.toContain('stolen');
  });

  it('a hook that throws changes nothing: the send succeeds, stored once', async () => {
    const throwing: RequestHooks = {
      onRequest: () => {
        throw new Error('tracer down');
      },
      onResponse: () => {
        throw new Error('tracer down');
      },
    };
    const result = await sppFacade(throwing).send('shop', {
      orderId: order(),
      text: 'Still sent.',
    });
    expect(result.reconciled).toBe(false);
    const stored = sb.state.messages('spp').filter((m) => m.text === 'Still sent.');
    expect(stored).toHaveLength(1);
  });

  it('the raw client is told too, and a query credential never reaches a hook', async () => {
    const { hooks, events } = recorder();
    const messaging = createOrderMessaging({
      connections: {
        desk: {
          adapter: omnidesk({
            baseUrl: sb.vendors.omnidesk.baseUrl,
            apiKey: sb.vendors.omnidesk.apiKey,
          }),
          hooks,
        },
      },
    });
    const ticket = sb.seed.omnidesk.ticketWithMessages;
    await messaging.raw('desk').GET('/ticket/{ticketID}', {
      params: { path: { ticketID: ticket } },
    });
    await messaging.listAll('desk', { orderId: String(ticket) });
    expect(events.find((e) => e.hook === 'request')).toMatchObject({ operation: 'raw' });
    expect(events.some((e) => e.hook === 'request' && e.operation !== 'raw')).toBe(true);
    const urls = events.map((e) => String(e.url));
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).not.toContain(sb.vendors.omnidesk.apiKey);
  });
});
