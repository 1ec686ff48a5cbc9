/**
 * Duplicate-safe sends against the sandbox's fault injection: a lost answer is
 * reconciled by listing, a lost request is sent again once, and what cannot be
 * told is reported as `delivery: 'unknown'`, never sent twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  OrderMessagingError,
  RateLimitedError,
  type SendRequest,
} from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { mirakl } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';

type Vendor = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';
const VENDORS: readonly Vendor[] = ['mirakl', 'spp', 'omnidesk', 'gameboost'];
const SEND_OPERATION: Record<Vendor, string> = {
  mirakl: 'replyToThread',
  spp: 'createOrderMessage',
  omnidesk: 'createMessage',
  gameboost: 'sendAccountOrderMessage',
};
const WIDE_CHAT = { chat: { limit: 1000, windowMs: 60_000 } };

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ rateLimits: { gameboost: { chat: { limit: 1000 } } } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

interface Options {
  fetch?: (request: Request) => Promise<Response>;
  retry?: false | { maxRetries: number; initialDelayMs: number; maxDelayMs: number };
  timeoutMs?: number;
  settleDelayMs?: number;
  /** Resends after a listing showed the message absent (opt-in; default 0). */
  maxResends?: number;
  gameboostLimits?: 'declared' | 'wide';
}

function facade(options: Options = {}) {
  const v = sb.vendors;
  return createOrderMessaging({
    connections: {
      mirakl: mirakl({
        baseUrl: v.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: v.mirakl.apiKey },
      }),
      spp: spp({ baseUrl: v.spp.baseUrl, token: v.spp.token }),
      omnidesk: omnidesk({ baseUrl: v.omnidesk.baseUrl, apiKey: v.omnidesk.apiKey }),
      gameboost: {
        adapter: gameboost({ baseUrl: v.gameboost.baseUrl, token: v.gameboost.token }),
        ...(options.gameboostLimits === 'declared' ? {} : { rateLimits: WIDE_CHAT }),
      },
    },
    retry: options.retry ?? false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    reconcile: { settleDelayMs: options.settleDelayMs ?? 0, maxResends: options.maxResends ?? 0 },
  });
}

function orderOf(vendor: Vendor): string {
  switch (vendor) {
    case 'mirakl':
      return sb.seed.mirakl.orderWithThread;
    case 'spp':
      return sb.seed.spp.orderWithFewMessages.number;
    case 'omnidesk':
      return String(sb.seed.omnidesk.ticketWithMessages);
    case 'gameboost':
      return sb.seed.gameboost.accountOrders.processing;
  }
}

function request(vendor: Vendor, text: string): SendRequest {
  return { orderId: orderOf(vendor), text };
}

/** How many stored messages of the order carry this text. */
function stored(vendor: Vendor, text: string) {
  const orderId = vendor === 'spp' ? sb.seed.spp.orderWithFewMessages.id : orderOf(vendor);
  return sb.state.messages(vendor, orderId).filter((m) => m.text === text);
}

const posts = (vendor: Vendor) =>
  sb.state.requests.filter((r) => r.vendor === vendor && r.operationId === SEND_OPERATION[vendor]);

describe.each(VENDORS)('%s', (vendor) => {
  it('answer lost after the message was stored (drop after-apply): found by listing, stored once', async () => {
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'after-apply' });
    const text = `after-apply ${vendor} ${Date.now()}`;
    const result = await facade().send(vendor, request(vendor, text));
    expect(result.reconciled).toBe(true);
    expect(result.attempts).toBe(1);
    const copies = stored(vendor, text);
    expect(copies).toHaveLength(1);
    expect(result.message.id).toBe(copies[0]!.id);
    expect(result.message.text).toBe(text);
    expect(posts(vendor)).toHaveLength(1);
  });

  it('request lost before it was stored (drop before-apply): absent from the listing, still delivery unknown, not resent', async () => {
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'before-apply' });
    const text = `before-apply default ${vendor} ${Date.now()}`;
    const error = (await facade()
      .send(vendor, request(vendor, text))
      .catch((e: unknown) => e)) as OrderMessagingError;
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error.kind).toBe('network');
    // Bytes left and the listing is no proof: never `not_sent`.
    expect(error.delivery).toBe('unknown');
    expect(stored(vendor, text)).toHaveLength(0);
    expect(posts(vendor)).toHaveLength(1);
  });

  it('with maxResends 1 (opt-in): absent from the listing, sent once more', async () => {
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'before-apply' });
    const text = `before-apply ${vendor} ${Date.now()}`;
    const result = await facade({ maxResends: 1 }).send(vendor, request(vendor, text));
    expect(result.reconciled).toBe(false);
    expect(result.attempts).toBe(2);
    expect(stored(vendor, text)).toHaveLength(1);
    expect(result.message.id).toBe(stored(vendor, text)[0]!.id);
  });

  it('lost twice with maxResends 1: the budget is spent, delivery stays unknown; nothing stored', async () => {
    sb.faults.inject({
      vendor,
      operationId: SEND_OPERATION[vendor],
      drop: 'before-apply',
      times: 2,
    });
    const text = `lost twice ${vendor}`;
    const error = (await facade({ maxResends: 1 })
      .send(vendor, request(vendor, text))
      .catch((e: unknown) => e)) as OrderMessagingError;
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error.kind).toBe('network');
    expect(error.delivery).toBe('unknown');
    expect(error.message).toContain('not on the order after 2 attempt(s)');
    expect(stored(vendor, text)).toHaveLength(0);
    expect(posts(vendor)).toHaveLength(2);
  });

  it('a 502 (the gateway lost the vendor’s answer) is reconciled, not blindly resent', async () => {
    sb.faults.inject({
      vendor,
      operationId: SEND_OPERATION[vendor],
      status: 502,
      bodyKind: 'html',
    });
    const text = `bad gateway ${vendor}`;
    const result = await facade({ maxResends: 1 }).send(vendor, request(vendor, text));
    // The fault answered without applying: the listing shows nothing, so one resend (opted in).
    expect(result).toMatchObject({ reconciled: false, attempts: 2 });
    expect(stored(vendor, text)).toHaveLength(1);
  });

  it('when the check cannot be made either, the error says delivery unknown and nothing is resent', async () => {
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'after-apply' });
    let posted = false;
    const fetchThatLosesReadsAfterThePost = async (req: Request) => {
      if (req.method === 'POST') posted = true;
      else if (posted) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), {
            code: 'ECONNREFUSED',
            syscall: 'connect',
          }),
        });
      }
      return fetch(req);
    };
    const text = `unknown ${vendor}`;
    const error = (await facade({ fetch: fetchThatLosesReadsAfterThePost })
      .send(vendor, request(vendor, text))
      .catch((e: unknown) => e)) as OrderMessagingError;
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error.kind).toBe('network');
    expect(error.delivery).toBe('unknown');
    expect(error.message).toContain('look at the order before sending again');
    // It was in fact stored, once; the facade did not guess.
    expect(stored(vendor, text)).toHaveLength(1);
    expect(posts(vendor)).toHaveLength(1);
  });

  it('408 and 429 say the vendor did not act: the runtime resends the post without reconciling', async () => {
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], status: 408 });
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], status: 429, retryAfter: 0 });
    const text = `throttled ${vendor}`;
    const result = await facade({
      retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20 },
    }).send(vendor, request(vendor, text));
    expect(result).toMatchObject({ reconciled: false, attempts: 3 });
    expect(stored(vendor, text)).toHaveLength(1);
  });
});

describe('reconciliation details', () => {
  it('a timeout after the request was written, applied late by a slow vendor: the settle delay finds it', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', latencyMs: 300 });
    const text = 'slow vendor';
    const result = await facade({ timeoutMs: 100, settleDelayMs: 600 }).send(
      'spp',
      request('spp', text),
    );
    expect(result.reconciled).toBe(true);
    expect(stored('spp', text)).toHaveLength(1);
    expect(posts('spp')).toHaveLength(1);
  });

  it('a vendor that stores the post after the check: delivery unknown, never not_sent (maxResends 0)', async () => {
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', latencyMs: 400 });
    const text = 'stored after the check';
    const error = (await facade({ timeoutMs: 100, settleDelayMs: 0, maxResends: 0 })
      .send('spp', request('spp', text))
      .catch((e: unknown) => e)) as OrderMessagingError;
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error.kind).toBe('timeout');
    expect(error.delivery).toBe('unknown');
    expect(stored('spp', text)).toHaveLength(0);
    // The slow vendor stores it later: a caller told `not_sent` would have sent it twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stored('spp', text)).toHaveLength(1);
    expect(posts('spp')).toHaveLength(1);
  });

  it('mirakl: a lost answer to OR43 (new thread) is found in the thread it created', async () => {
    const orderId = sb.seed.mirakl.orderWithoutThread;
    sb.faults.inject({ vendor: 'mirakl', operationId: 'createOrderThread', drop: 'after-apply' });
    const result = await facade().send('mirakl', { orderId, text: 'First words' });
    expect(result.reconciled).toBe(true);
    const copies = sb.state.messages('mirakl', orderId).filter((m) => m.text === 'First words');
    expect(copies).toHaveLength(1);
    expect(result.message.threadId).toBe(copies[0]!.threadId);
  });

  it('an earlier identical message outside the time window is not mistaken for the lost one', async () => {
    // The seeded message is from 2024; the same words sent now must not match it.
    sb.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', drop: 'before-apply' });
    const text = 'Hello, when will the audit be ready?';
    const result = await facade({ maxResends: 1 }).send('spp', request('spp', text));
    expect(result.reconciled).toBe(false);
    expect(stored('spp', text)).toHaveLength(2);
  });

  it('gameboost: listing to reconcile spends a chat slot, through the same limiter', async () => {
    const messaging = facade({ gameboostLimits: 'declared' });
    const orderId = orderOf('gameboost');
    sb.faults.inject({
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      drop: 'after-apply',
    });
    const result = await messaging.send('gameboost', { orderId, text: 'counted' }); // post + listing: 2 chat slots
    expect(result.reconciled).toBe(true);
    for (let i = 0; i < 3; i++) await messaging.send('gameboost', { orderId, text: `more ${i}` }); // 5 of 5
    const error = await messaging
      .send('gameboost', { orderId, text: 'one too many' }, { totalTimeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ delivery: 'not_sent' });
    expect(stored('gameboost', 'one too many')).toHaveLength(0);
  });

  it('leaves no response that breaks the spec', () => {
    expect(sb.responseViolations).toEqual([]);
  });
});
