/**
 * Arguments of `findSent`, `inbox` and `auditSync` are checked before any request, as `send` and
 * `list` check theirs: a `since` that is no valid date made `findSent` report a stored message as
 * absent (its window was NaN, so the caller sent again) and `inbox` read every order on vendors
 * whose filter ignores it; orders handed to `auditSync` skipped the id checks `list` makes.
 */
import { ValidationError } from '@org/order-messaging';
import { describe, expect, it } from 'vitest';
import { ORDER, recordedFacade, sendRequestFor, type Vendor } from './helpers.js';

async function refusal(run: () => Promise<unknown>, field: string) {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
  expect((error as ValidationError).delivery).toBe('not_sent');
}

const BAD_DATES: readonly [string, unknown][] = [
  ['an invalid Date', new Date('not a date')],
  ['a string', '2024-01-01'],
  ['a number', 1_700_000_000_000],
];

describe('findSent', () => {
  it.each(BAD_DATES)('refuses `since` as %s, before any request', async (_name, since) => {
    const { messaging, recorder } = recordedFacade();
    await refusal(
      () => messaging.findSent('spp', sendRequestFor('spp'), { since } as never),
      'since',
    );
    expect(recorder.requests).toHaveLength(0);
  });

  it('refuses a call without options, typed', async () => {
    const { messaging, recorder } = recordedFacade();
    await refusal(
      () => (messaging.findSent as never as Function)('spp', sendRequestFor('spp')),
      'since',
    );
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('inbox', () => {
  it.each(
    (['spp', 'gameboost', 'omnidesk'] as const).flatMap((vendor) =>
      BAD_DATES.map(([name, since]) => [vendor, name, since] as const),
    ),
  )('%s refuses `since` as %s, before any request', async (vendor, _name, since) => {
    const { messaging, recorder } = recordedFacade();
    await refusal(() => messaging.inbox(vendor, { since } as never), 'since');
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('auditSync', () => {
  const since = new Date('2024-01-01T00:00:00Z');

  it.each([
    ['seen as a number', { seen: 42 }, 'seen'],
    ['seen as a string', { seen: 'm-1' }, 'seen'],
    ['orders as a number', { seen: [], orders: 3 }, 'orders'],
    ['a null order', { seen: [], orders: [null] }, 'orders'],
  ])('refuses %s, before any request', async (_name, options, field) => {
    const { messaging, recorder } = recordedFacade();
    await refusal(() => messaging.auditSync('spp', { since, ...options } as never), field);
    expect(recorder.requests).toHaveLength(0);
  });

  it.each([
    ['omnidesk', '100000000000000000000'],
    ['mirakl', 'ORDER-1,ORDER-2'],
    ['spp', 'a\u0000b'],
    ['gameboost', '..'],
  ] as [Vendor, string][])(
    '%s: an order %j that list refuses is refused here too, before any request',
    async (vendor, orderId) => {
      const { messaging, recorder } = recordedFacade();
      await refusal(
        () => messaging.auditSync(vendor, { since, seen: [], orders: [ORDER[vendor], orderId] }),
        'orderId',
      );
      expect(recorder.requests).toHaveLength(0);
    },
  );
});
