import { describe, expect, it } from 'vitest';
import { jsonResponse } from '@org/http-runtime/testing';
import {
  AuthenticationError,
  InvalidOrderStateError,
  NetworkError,
  NotFoundError,
  OrderMessagingError,
  PermissionError,
  RateLimitedError,
  TimeoutError,
  ValidationError,
  VendorServerError,
  type Delivery,
  type ErrorKind,
} from '@org/order-messaging';
import { ORDER, recordedFacade, sendRequestFor, sendScript, type Vendor } from './helpers.js';
import { deliveryForStatus } from '../src/delivery-rule.js';

type ErrorClass = abstract new (...args: never[]) => OrderMessagingError;

interface Case {
  name: string;
  vendor: Vendor;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  kind: ErrorKind;
  cls: ErrorClass;
  retryable: boolean;
  delivery: Delivery;
  requestId?: string;
  retryAfterMs?: number;
  field?: string;
  text: string;
}

const GB_REQUEST_ID = '01JCX3T9ZQ8M5V6N7P8R9S0T1U';
const SPP_REQUEST_ID = 'efc995d2-bfdb-3bc9-80a3-e828bb9c83c2';

/**
 * The vendors' own error bodies: from the specs' examples and the seeds (GameBoost, SPP's
 * Laravel shapes), and as the provider sandbox words them where the vendor documents none.
 */
const CASES: Case[] = [
  // Mirakl: `{message, status}`
  {
    name: 'mirakl 400',
    vendor: 'mirakl',
    status: 400,
    body: { message: 'message_input.body must not be blank', status: 400 },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    text: 'message_input.body must not be blank',
  },
  {
    name: 'mirakl 401',
    vendor: 'mirakl',
    status: 401,
    body: { message: 'Unauthorized', status: 401 },
    kind: 'authentication',
    cls: AuthenticationError,
    retryable: false,
    delivery: 'rejected',
    text: 'Unauthorized',
  },
  {
    name: 'mirakl 403',
    vendor: 'mirakl',
    status: 403,
    body: { message: 'You are not allowed to access shop 9', status: 403 },
    kind: 'permission',
    cls: PermissionError,
    retryable: false,
    delivery: 'rejected',
    text: 'not allowed to access shop 9',
  },
  {
    name: 'mirakl 404',
    vendor: 'mirakl',
    status: 404,
    body: { message: 'Thread not found', status: 404 },
    kind: 'not_found',
    cls: NotFoundError,
    retryable: false,
    delivery: 'rejected',
    text: 'Thread not found',
  },
  {
    name: 'mirakl 429',
    vendor: 'mirakl',
    status: 429,
    body: { message: 'Too Many Requests', status: 429 },
    headers: { 'Retry-After': '7' },
    kind: 'rate_limited',
    cls: RateLimitedError,
    retryable: true,
    delivery: 'rejected',
    retryAfterMs: 7000,
    text: 'Too Many Requests',
  },
  // SPP: Laravel `{message, errors?}`, request id in X-Api-Identifier
  {
    name: 'spp 400',
    vendor: 'spp',
    status: 400,
    body: {
      message: 'The message field is required.',
      errors: { message: ['The message field is required.'] },
    },
    headers: { 'X-Api-Identifier': SPP_REQUEST_ID },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    requestId: SPP_REQUEST_ID,
    field: 'message',
    text: 'The message field is required.',
  },
  {
    name: 'spp 422',
    vendor: 'spp',
    status: 422,
    body: {
      message: 'The selected user id is invalid.',
      errors: { user_id: ['The selected user id is invalid.'] },
    },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    field: 'user_id',
    text: 'selected user id is invalid',
  },
  {
    name: 'spp 401',
    vendor: 'spp',
    status: 401,
    body: { message: 'Unauthenticated.' },
    headers: { 'X-Api-Identifier': SPP_REQUEST_ID },
    kind: 'authentication',
    cls: AuthenticationError,
    retryable: false,
    delivery: 'rejected',
    requestId: SPP_REQUEST_ID,
    text: 'Unauthenticated.',
  },
  {
    name: 'spp 404',
    vendor: 'spp',
    status: 404,
    body: { message: 'No query results for model [App\\Models\\Order] E4A269FC' },
    kind: 'not_found',
    cls: NotFoundError,
    retryable: false,
    delivery: 'rejected',
    text: 'No query results for model',
  },
  {
    name: 'spp 429',
    vendor: 'spp',
    status: 429,
    body: { message: 'Too Many Attempts.' },
    headers: { 'Retry-After': '60', 'X-RateLimit-Remaining': '0' },
    kind: 'rate_limited',
    cls: RateLimitedError,
    retryable: true,
    delivery: 'rejected',
    retryAfterMs: 60_000,
    text: 'Too Many Attempts.',
  },
  // Omnidesk: `{status: 'error', message}`
  {
    name: 'omnidesk 400 validation',
    vendor: 'omnidesk',
    status: 400,
    body: { status: 'error', message: 'The field message must be at least 5 characters' },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    text: 'at least 5 characters',
  },
  {
    name: 'omnidesk 400 unknown ticket',
    vendor: 'omnidesk',
    status: 400,
    body: { status: 'error', message: 'Ticket 12345 not found' },
    kind: 'not_found',
    cls: NotFoundError,
    retryable: false,
    delivery: 'rejected',
    text: 'Ticket 12345 not found',
  },
  {
    name: 'omnidesk 400 empty body',
    vendor: 'omnidesk',
    status: 400,
    body: undefined,
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    text: 'rejected the request',
  },
  {
    name: 'omnidesk 401',
    vendor: 'omnidesk',
    status: 401,
    body: { status: 'error', message: 'Invalid or missing API key' },
    kind: 'authentication',
    cls: AuthenticationError,
    retryable: false,
    delivery: 'rejected',
    text: 'Invalid or missing API key',
  },
  {
    name: 'omnidesk 403',
    vendor: 'omnidesk',
    status: 403,
    body: { status: 'error', message: 'This API key lacks the MESSAGE_CREATE permission' },
    kind: 'permission',
    cls: PermissionError,
    retryable: false,
    delivery: 'rejected',
    text: 'MESSAGE_CREATE',
  },
  {
    name: 'omnidesk 404',
    vendor: 'omnidesk',
    status: 404,
    body: { status: 'error', message: 'Ticket 12345 not found' },
    kind: 'not_found',
    cls: NotFoundError,
    retryable: false,
    delivery: 'rejected',
    text: 'not found',
  },
  {
    name: 'omnidesk 200 error envelope',
    vendor: 'omnidesk',
    status: 200,
    body: { status: 'error', message: 'Invalid userID 99: not an administrator user' },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    text: 'Invalid userID 99',
  },
  // GameBoost: `{message, errors?, request_id}` (seed 004 and the api-responses page)
  {
    name: 'gameboost 401',
    vendor: 'gameboost',
    status: 401,
    body: { message: 'Unauthenticated.', request_id: GB_REQUEST_ID },
    kind: 'authentication',
    cls: AuthenticationError,
    retryable: false,
    delivery: 'rejected',
    requestId: GB_REQUEST_ID,
    text: 'Unauthenticated.',
  },
  {
    name: 'gameboost 403',
    vendor: 'gameboost',
    status: 403,
    body: { message: 'This action is unauthorized.', request_id: GB_REQUEST_ID },
    kind: 'permission',
    cls: PermissionError,
    retryable: false,
    delivery: 'rejected',
    requestId: GB_REQUEST_ID,
    text: 'This action is unauthorized.',
  },
  {
    name: 'gameboost 404',
    vendor: 'gameboost',
    status: 404,
    body: { message: 'Resource not found.', request_id: GB_REQUEST_ID },
    headers: { 'X-GameBoost-Request-Id': 'header-id-1' },
    kind: 'not_found',
    cls: NotFoundError,
    retryable: false,
    delivery: 'rejected',
    requestId: 'header-id-1',
    text: 'Resource not found.',
  },
  {
    name: 'gameboost 422 field',
    vendor: 'gameboost',
    status: 422,
    body: {
      message: 'The given data was invalid.',
      errors: { message: 'The message field is required.' },
      request_id: GB_REQUEST_ID,
    },
    kind: 'validation',
    cls: ValidationError,
    retryable: false,
    delivery: 'rejected',
    requestId: GB_REQUEST_ID,
    field: 'text',
    text: 'The given data was invalid.',
  },
  {
    name: 'gameboost 422 order state',
    vendor: 'gameboost',
    status: 422,
    body: {
      message:
        'Messages can only be sent while the order is in processing status (this order is delivered).',
      errors: {
        order: [
          'Messages can only be sent while the order is in processing status (this order is delivered).',
        ],
      },
      request_id: GB_REQUEST_ID,
    },
    kind: 'invalid_order_state',
    cls: InvalidOrderStateError,
    retryable: false,
    delivery: 'rejected',
    requestId: GB_REQUEST_ID,
    text: 'processing status',
  },
  {
    name: 'gameboost 429',
    vendor: 'gameboost',
    status: 429,
    body: { message: 'Too many requests.', request_id: GB_REQUEST_ID },
    headers: { 'Retry-After': '42' },
    kind: 'rate_limited',
    cls: RateLimitedError,
    retryable: true,
    delivery: 'rejected',
    requestId: GB_REQUEST_ID,
    retryAfterMs: 42_000,
    text: 'Too many requests.',
  },
];

/** Ambiguous statuses: the vendor may have stored the message. Listing fails too, so delivery stays unknown. */
const AMBIGUOUS: { vendor: Vendor; status: number; body: unknown }[] = [
  { vendor: 'mirakl', status: 500, body: { message: 'Internal Server Error', status: 500 } },
  { vendor: 'spp', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  // Some gateways answer 503 when the backend was too slow, after it ran.
  { vendor: 'spp', status: 503, body: { message: 'Service Unavailable' } },
  { vendor: 'omnidesk', status: 504, body: { status: 'error', message: 'Gateway Timeout' } },
  {
    vendor: 'gameboost',
    status: 500,
    body: { message: 'Server Error', request_id: GB_REQUEST_ID },
  },
];

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (typeof body === 'string')
    return new Response(body, { status, headers: { 'Content-Type': 'text/html', ...headers } });
  return jsonResponse(status, body, headers);
}

describe('vendor error bodies → typed errors (send)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { messaging, recorder } = recordedFacade(
      sendScript(c.vendor, () => answer(c.status, c.body, c.headers)),
    );
    const error = await messaging.send(c.vendor, sendRequestFor(c.vendor)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(c.cls);
    expect(error).toBeInstanceOf(OrderMessagingError);
    const e = error as OrderMessagingError;
    expect(e.kind).toBe(c.kind);
    expect(e.vendor).toBe(c.vendor);
    expect(e.connection).toBe(c.vendor);
    expect(e.status).toBe(c.status);
    expect(e.retryable).toBe(c.retryable);
    expect(e.delivery).toBe(c.delivery);
    expect(e.requestId).toBe(c.requestId);
    expect(e.message).toContain(c.text);
    expect(e.body).toEqual(c.body);
    if (c.retryAfterMs !== undefined)
      expect((e as RateLimitedError).retryAfterMs).toBe(c.retryAfterMs);
    if (c.field !== undefined) expect((e as ValidationError).field).toBe(c.field);
    // A refused send is final: exactly one post went out.
    expect(recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it.each(AMBIGUOUS.map((c) => [`${c.vendor} ${c.status}`, c] as const))(
    '%s on a post is ambiguous; a failed check keeps delivery unknown',
    async (_name, c) => {
      const { messaging, recorder } = recordedFacade((request) =>
        request.method === 'POST'
          ? answer(c.status, c.body)
          : answer(503, { message: 'Service Unavailable' }),
      );
      const error = (await messaging
        .send(c.vendor, sendRequestFor(c.vendor))
        .catch((e: unknown) => e)) as OrderMessagingError;
      if (c.vendor === 'mirakl') {
        // Mirakl looks the order's thread up before its first post to an order; the failing
        // read stops the send before any post.
        expect(error).toBeInstanceOf(VendorServerError);
        expect(error.delivery).toBe('rejected');
        expect(recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
        return;
      }
      expect(error).toBeInstanceOf(VendorServerError);
      expect(error.status).toBe(c.status);
      expect(error.retryable).toBe(true);
      expect(error.delivery).toBe('unknown');
      expect(error.message).toMatch(/checking the order failed too/);
      expect(recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    },
  );

  it.each(AMBIGUOUS.map((c) => [`${c.vendor} ${c.status}`, c] as const))(
    '%s after the reads succeeded: listed, not found, delivery unknown and no resend by default',
    async (_name, c) => {
      const script = sendScript(c.vendor, () => answer(c.status, c.body));
      const { messaging, recorder } = recordedFacade(script);
      const error = (await messaging
        .send(c.vendor, sendRequestFor(c.vendor))
        .catch((e: unknown) => e)) as OrderMessagingError;
      // Absent from a listing is no proof: the vendor may still store it.
      expect(error).toBeInstanceOf(VendorServerError);
      expect(error.delivery).toBe('unknown');
      expect(error.message).toMatch(
        /not on the order after 1 attempt\(s\), but the vendor may still store it/,
      );
      expect(recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    },
  );

  it.each(AMBIGUOUS.map((c) => [`${c.vendor} ${c.status}`, c] as const))(
    '%s with maxResends 1: listed, not found, sent once more; the second failure is still unknown',
    async (_name, c) => {
      let posts = 0;
      const script = sendScript(c.vendor, () => {
        posts += 1;
        return posts === 1 ? answer(c.status, c.body) : answer(422, { message: 'refused' });
      });
      const { messaging, recorder } = recordedFacade(script, { reconcile: { maxResends: 1 } });
      const error = (await messaging
        .send(c.vendor, sendRequestFor(c.vendor))
        .catch((e: unknown) => e)) as OrderMessagingError;
      // The resend was refused, but the first post may still be stored: never `rejected`.
      expect(error.delivery).toBe('unknown');
      expect(error.message).toMatch(/an earlier attempt of this send may have been stored/);
      expect(recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    },
  );
});

describe('vendor error bodies → typed errors (list)', () => {
  it.each<[Vendor, number, unknown, ErrorClass]>([
    ['mirakl', 404, { message: 'Thread not found', status: 404 }, NotFoundError],
    [
      'spp',
      404,
      { message: 'No query results for model [App\\Models\\Order] NOPE' },
      NotFoundError,
    ],
    ['omnidesk', 404, { status: 'error', message: 'Ticket 12345 not found' }, NotFoundError],
    [
      'gameboost',
      404,
      { message: 'Resource not found.', request_id: GB_REQUEST_ID },
      NotFoundError,
    ],
    [
      'gameboost',
      401,
      { message: 'Unauthenticated.', request_id: GB_REQUEST_ID },
      AuthenticationError,
    ],
    ['spp', 500, { message: 'Server Error' }, VendorServerError],
  ])('%s %s', async (vendor, status, body, cls) => {
    const { messaging } = recordedFacade(() => answer(status, body));
    const error = (await messaging
      .listAll(vendor, { orderId: ORDER[vendor] })
      .catch((e: unknown) => e)) as OrderMessagingError;
    expect(error).toBeInstanceOf(cls);
    expect(error.status).toBe(status);
    // Reads deliver nothing, so their failures are never "unknown".
    expect(error.delivery).toBe('rejected');
  });

  it('a 2xx body that is not the documented shape is a vendor error, not a crash', async () => {
    const { messaging } = recordedFacade(() => jsonResponse(200, { unexpected: true }));
    const error = await messaging.listAll('spp', { orderId: ORDER.spp }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorServerError);
    expect((error as VendorServerError).message).toContain('no `data` array');
  });

  it('a 2xx body that is not JSON is a vendor error', async () => {
    const { messaging } = recordedFacade(
      () =>
        new Response('{"data": [', {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const error = await messaging
      .listAll('gameboost', { orderId: ORDER.gameboost })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorServerError);
    expect((error as VendorServerError).message).toContain('not valid JSON');
  });
});

describe('transport failures → typed errors', () => {
  const refused = () => {
    throw new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
        code: 'ECONNREFUSED',
        syscall: 'connect',
      }),
    });
  };
  const reset = () => {
    throw new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }),
    });
  };

  it('connection refused: nothing was sent, retryable', async () => {
    const { messaging, recorder } = recordedFacade(refused);
    const error = (await messaging
      .send('gameboost', sendRequestFor('gameboost'))
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.delivery).toBe('not_sent');
    expect(error.retryable).toBe(true);
    expect(recorder.requests).toHaveLength(1);
  });

  it('connection reset on a post, and the check fails too: delivery unknown', async () => {
    const { messaging, recorder } = recordedFacade(reset);
    const error = (await messaging
      .send('spp', sendRequestFor('spp'))
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.delivery).toBe('unknown');
    // one post, then one listing attempt for the check; never a second post
    expect(recorder.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('a timeout on a post is ambiguous; on a read it is not', async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    const { messaging } = recordedFacade(hang, { timeoutMs: 30 });
    const sendError = (await messaging
      .send('spp', sendRequestFor('spp'))
      .catch((e: unknown) => e)) as TimeoutError;
    expect(sendError).toBeInstanceOf(TimeoutError);
    expect(sendError.delivery).toBe('unknown');
    const listError = (await messaging
      .listAll('spp', { orderId: ORDER.spp })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(listError).toBeInstanceOf(TimeoutError);
    expect(listError.delivery).toBe('not_sent');
  });

  it("the caller's abort before anything is sent: not sent", async () => {
    const { messaging, recorder } = recordedFacade();
    const controller = new AbortController();
    controller.abort(new DOMException('user cancelled', 'AbortError'));
    const error = (await messaging
      .send('gameboost', sendRequestFor('gameboost'), { signal: controller.signal })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.delivery).toBe('not_sent');
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('deliveryForStatus: rejected only when the answer proves nothing was applied', () => {
  it.each([
    [400, 'rejected'],
    [404, 'rejected'],
    [409, 'rejected'],
    [422, 'rejected'],
    [429, 'rejected'],
    [501, 'rejected'],
    [505, 'rejected'],
    [303, 'unknown'],
    [307, 'unknown'],
    [500, 'unknown'],
    [502, 'unknown'],
    [503, 'unknown'],
    [504, 'unknown'],
    [520, 'unknown'],
  ] as const)('a post answered %i is %s', (status, delivery) => {
    expect(deliveryForStatus(status, true)).toBe(delivery);
    // A read stores nothing, whatever its answer.
    expect(deliveryForStatus(status, false)).toBe('rejected');
  });
});
