import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ERROR_BRAND,
  ERROR_KINDS,
  InvalidOrderStateError,
  NetworkError,
  NotFoundError,
  OrderMessagingError,
  PermissionError,
  RateLimitedError,
  TimeoutError,
  UnsupportedOperationError,
  ValidationError,
  VendorServerError,
  isOrderMessagingError,
} from '@org/order-messaging';

const CLASSES = {
  validation: ValidationError,
  authentication: AuthenticationError,
  permission: PermissionError,
  not_found: NotFoundError,
  invalid_order_state: InvalidOrderStateError,
  rate_limited: RateLimitedError,
  vendor_server: VendorServerError,
  network: NetworkError,
  timeout: TimeoutError,
  unsupported: UnsupportedOperationError,
} as const;

function build(kind: keyof typeof CLASSES): OrderMessagingError {
  const options = {
    vendor: 'spp',
    connection: 'spp-eu',
    status: 418,
    requestId: 'req-1',
    body: { message: 'nope' },
  };
  if (kind === 'validation')
    return new ValidationError('bad', {
      ...options,
      field: 'text',
      reason: 'too_long',
      limit: 5,
      actual: 6,
    });
  if (kind === 'rate_limited')
    return new RateLimitedError('slow down', { ...options, retryAfterMs: 1500 });
  const Class = CLASSES[kind] as new (message: string, o: typeof options) => OrderMessagingError;
  return new Class(`${kind} happened`, options);
}

describe('error classes', () => {
  it('one class per kind, all under OrderMessagingError', () => {
    expect(Object.keys(CLASSES).sort()).toEqual([...ERROR_KINDS].sort());
    for (const kind of ERROR_KINDS) {
      const error = build(kind);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(OrderMessagingError);
      expect(error).toBeInstanceOf(CLASSES[kind]);
      expect(error.kind).toBe(kind);
      expect(error.name).toBe(CLASSES[kind].name);
      expect(isOrderMessagingError(error)).toBe(true);
      for (const other of ERROR_KINDS)
        if (other !== kind) expect(error).not.toBeInstanceOf(CLASSES[other]);
    }
  });

  it('defaults: retryable by kind, delivery rejected (not_sent for validation)', () => {
    expect(new ValidationError('x', { field: 'text', reason: 'required' })).toMatchObject({
      retryable: false,
      delivery: 'not_sent',
    });
    expect(new RateLimitedError('x')).toMatchObject({ retryable: true, delivery: 'rejected' });
    expect(new VendorServerError('x')).toMatchObject({ retryable: true });
    expect(new NotFoundError('x')).toMatchObject({ retryable: false, delivery: 'rejected' });
    expect(new NetworkError('x', { delivery: 'unknown' })).toMatchObject({
      retryable: true,
      delivery: 'unknown',
    });
  });

  it('toJSON carries every field and nothing undefined', () => {
    expect(JSON.parse(JSON.stringify(build('validation')))).toEqual({
      name: 'ValidationError',
      kind: 'validation',
      message: 'bad',
      vendor: 'spp',
      connection: 'spp-eu',
      status: 418,
      requestId: 'req-1',
      retryable: false,
      delivery: 'not_sent',
      body: { message: 'nope' },
      field: 'text',
      reason: 'too_long',
      limit: 5,
      actual: 6,
    });
    expect(build('rate_limited').toJSON()).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1500,
    });
    expect(new NotFoundError('gone').toJSON()).toEqual({
      name: 'NotFoundError',
      kind: 'not_found',
      message: 'gone',
      retryable: false,
      delivery: 'rejected',
    });
  });

  it('plain objects and other errors are not instances', () => {
    expect({ kind: 'not_found' }).not.toBeInstanceOf(NotFoundError);
    expect(new Error('x')).not.toBeInstanceOf(OrderMessagingError);
    expect((null as unknown as object) instanceof OrderMessagingError).toBe(false);
    expect(isOrderMessagingError('not_found')).toBe(false);
  });
});

describe('instanceof across two installed copies', () => {
  it('a second copy of the module recognises the first copy’s errors and vice versa', async () => {
    // The query string makes Vite load src/errors.ts again as a separate module instance:
    // its own classes, prototypes and constructors, as a second install would have.
    const secondCopy: string = '../src/errors.js?second-copy';
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/errors.js');
    expect(copy.NotFoundError).not.toBe(NotFoundError);
    const foreign = new copy.NotFoundError('from the other copy', { vendor: 'mirakl' });
    expect(Object.getPrototypeOf(foreign)).not.toBe(NotFoundError.prototype);
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(foreign).toBeInstanceOf(OrderMessagingError);
    expect(foreign).not.toBeInstanceOf(ValidationError);
    const local = new RateLimitedError('here', { retryAfterMs: 10 });
    expect(local).toBeInstanceOf(copy.RateLimitedError);
    expect(local).toBeInstanceOf(copy.OrderMessagingError);
    expect(local).not.toBeInstanceOf(copy.TimeoutError);
  });

  it('the brand is the registered symbol, so any copy (even another build) carries the same one', () => {
    class ForeignBuild extends Error {
      readonly kind = 'timeout';
    }
    Object.defineProperty(ForeignBuild.prototype, Symbol.for('@org/order-messaging/error'), {
      value: true,
    });
    expect(ERROR_BRAND).toBe(Symbol.for('@org/order-messaging/error'));
    const error = new ForeignBuild('late');
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(OrderMessagingError);
    expect(error).not.toBeInstanceOf(NetworkError);
  });

  it('subclassing still works the ordinary way', () => {
    class AppNotFound extends NotFoundError {}
    const error = new AppNotFound('custom');
    expect(error).toBeInstanceOf(AppNotFound);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(new NotFoundError('plain')).not.toBeInstanceOf(AppNotFound);
    expect(error.name).toBe('AppNotFound');
  });
});

describe('printing', () => {
  it('util.inspect shows kind, delivery and the request id', () => {
    const text = inspect(build('not_found'));
    expect(text).toContain('NotFoundError: not_found happened');
    expect(text).toContain("delivery: 'rejected'");
    expect(text).toContain("requestId: 'req-1'");
  });
});
