/**
 * The adapters' own connection options (page sizes, channels, offsets, ids, choices) are checked by
 * the factory: a value out of the spec's bounds, or one the adapter cannot use, is a
 * ConfigurationError naming the option when the connection is created, before any request; the
 * bounds are the spec's (read here from the generated tables, as the adapters read them).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import { operationsById as miraklOperations } from '@org/mirakl-client';
import { ConfigurationError, createOrderMessaging } from '@org/order-messaging';
import mirakl from '@org/order-messaging/mirakl';
import omnidesk from '@org/order-messaging/omnidesk';
import spp from '@org/order-messaging/spp';
import { operationsById as sppOperations } from '@org/spp-client';

/** Looks like a credential: a message that quotes a value would show it. */
const LEAK = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

const SPP = { baseUrl: 'https://acme.spp.co', token: 'spp_live_8a1b2c3d4e5f60718293a4b5c6d7e8f9' };
const MIRAKL = {
  baseUrl: 'https://acme.mirakl.net',
  auth: { type: 'apiKey' as const, apiKey: 'mirakl_9d8c7b6a5f4e3d2c1b0a' },
};
const OMNIDESK = {
  baseUrl: 'https://acme.omnidesk.com/api/v2',
  apiKey: 'omni_0a1b2c3d4e5f6a7b8c9d',
};

const SPP_MIN = sppOperations.listOrderMessages.request.params.query.limit.minimum;
const SPP_MAX = sppOperations.listOrderMessages.limits.maxLimit;
const MIRAKL_MIN = miraklOperations.listThreads.request.params.query.limit.minimum;

type Factory = (options: any) => unknown;
const FACTORIES: Record<string, [Factory, Record<string, unknown>]> = {
  spp: [spp, SPP],
  mirakl: [mirakl, MIRAKL],
  omnidesk: [omnidesk, OMNIDESK],
};

function thrownBy(vendor: string, extra: Record<string, unknown>): unknown {
  const [factory, base] = FACTORIES[vendor]!;
  try {
    factory({ ...base, ...extra });
  } catch (error) {
    return error;
  }
  return undefined;
}

// [vendor, option, value, what the message must say]
const INVALID: [string, string, unknown, string][] = [
  ['spp', 'pageSize', SPP_MAX + 4900, `from ${SPP_MIN} to ${SPP_MAX} (got ${SPP_MAX + 4900})`],
  ['spp', 'pageSize', SPP_MAX + 1, `(got ${SPP_MAX + 1})`],
  ['spp', 'pageSize', SPP_MIN - 1, `(got ${SPP_MIN - 1})`],
  ['spp', 'pageSize', -5, '(got -5)'],
  ['spp', 'pageSize', 2.5, '(got 2.5)'],
  ['spp', 'pageSize', Number.NaN, '(got NaN)'],
  ['spp', 'pageSize', '20', '(got string)'],
  ['spp', 'userId', 0, '(got 0)'],
  ['spp', 'userId', LEAK, '(got string)'],
  ['mirakl', 'pageSize', -5, `of at least ${MIRAKL_MIN} (got -5)`],
  ['mirakl', 'pageSize', MIRAKL_MIN - 1, `(got ${MIRAKL_MIN - 1})`],
  ['mirakl', 'pageSize', 1.5, '(got 1.5)'],
  ['mirakl', 'threadCacheSize', Number.NaN, '(got NaN)'],
  ['mirakl', 'threadCacheSize', -1, '(got -1)'],
  ['mirakl', 'threadCacheSize', Number.POSITIVE_INFINITY, '(got Infinity)'],
  ['mirakl', 'actingAs', 'bogus', '"seller", "operator"'],
  ['mirakl', 'actingAs', LEAK, 'must be one of'],
  ['mirakl', 'defaultAudience', [], 'non-empty array'],
  ['mirakl', 'defaultAudience', 'customer', 'non-empty array'],
  ['mirakl', 'defaultAudience[0]', ['nobody'], '"customer", "seller", "operator"'],
  ['mirakl', 'defaultAudience[1]', ['customer', LEAK], 'must be one of'],
  ['omnidesk', 'defaultChannel', 'x y', 'a numeric channel id, "calllog" or "contactform"'],
  ['omnidesk', 'defaultChannel', LEAK, 'a numeric channel id'],
  ['omnidesk', 'defaultChannel', 1, 'a numeric channel id'],
  ['omnidesk', 'noteChannel', 'note', 'a numeric channel id, "calllog" or "contactform"'],
  ['omnidesk', 'noteChannel', '', 'a numeric channel id'],
  ['omnidesk', 'utcOffsetMinutes', Number.NaN, '(got NaN)'],
  ['omnidesk', 'utcOffsetMinutes', 841, 'from -720 to 840 (got 841)'],
  ['omnidesk', 'utcOffsetMinutes', -721, '(got -721)'],
  ['omnidesk', 'utcOffsetMinutes', 30.5, '(got 30.5)'],
  ['omnidesk', 'userId', -1, '(got -1)'],
  ['omnidesk', 'userId', '7', '(got string)'],
];

describe('adapter options: an invalid value fails when the adapter is created', () => {
  it.each(INVALID)('%s %s = %o', (vendor, option, value, says) => {
    // `defaultAudience[1]` is reported by index; the option itself is what is given.
    const given = option.replace(/\[\d+\]$/, '');
    const error = thrownBy(vendor, { [given]: value });
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message.startsWith(`${vendor}: ${option} must be `)).toBe(true);
    expect(message).toContain(says);
    for (const text of [message, String(error), inspect(error)]) expect(text).not.toContain(LEAK);
  });

  it('the same channel the request path refuses is refused as a connection default', async () => {
    const recorder = recordingFetch(() => jsonResponse(200, {}));
    const messaging = createOrderMessaging({
      connections: { omnidesk: omnidesk(OMNIDESK) },
      fetch: recorder.fetch,
      retry: false,
    });
    const request = { orderId: '12345', text: 'hello there friend' };
    await expect(
      messaging.send('omnidesk', { ...request, vendorOptions: { omnidesk: { channel: 'x y' } } }),
    ).rejects.toMatchObject({ field: 'vendorOptions.omnidesk.channel' });
    expect(() => omnidesk({ ...OMNIDESK, defaultChannel: 'x y' })).toThrow(ConfigurationError);
    expect(recorder.requests).toHaveLength(0);
  });
});

// [vendor, options]: the edges of each range, and every documented choice.
const VALID: [string, Record<string, unknown>][] = [
  ['spp', { pageSize: SPP_MIN, userId: 1 }],
  ['spp', { pageSize: SPP_MAX }],
  ['mirakl', { pageSize: MIRAKL_MIN, threadCacheSize: 0 }],
  ['mirakl', { pageSize: 1000, threadCacheSize: 1, actingAs: 'operator' }],
  ['mirakl', { actingAs: 'seller', defaultAudience: ['customer', 'seller', 'operator'] }],
  ['omnidesk', { defaultChannel: 'contactform', noteChannel: '0', userId: 0 }],
  ['omnidesk', { defaultChannel: '13', noteChannel: 'calllog', utcOffsetMinutes: -720 }],
  ['omnidesk', { utcOffsetMinutes: 840, userId: 7 }],
  ['omnidesk', { utcOffsetMinutes: 345 }],
];

describe('adapter options: valid values, edges included, are accepted', () => {
  it.each(VALID)('%s %o', (vendor, options) => {
    expect(thrownBy(vendor, options)).toBeUndefined();
  });

  it.each([SPP_MIN, SPP_MAX])('spp pageSize %d goes out as the page limit', async (pageSize) => {
    const recorder = recordingFetch(() =>
      jsonResponse(200, { data: [], links: { next: null }, meta: { current_page: 1 } }),
    );
    const messaging = createOrderMessaging({
      connections: { spp: spp({ ...SPP, pageSize }) },
      fetch: recorder.fetch,
      retry: false,
    });
    await messaging.listAll('spp', { orderId: 'E4A269FC' });
    expect(recorder.last().url.searchParams.get('limit')).toBe(String(pageSize));
  });
});
