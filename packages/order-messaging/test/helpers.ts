/** Shared fixtures for the unit tests: one connection per vendor on an injected, recording fetch. */
import { jsonResponse, recordingFetch, type Responder } from '@org/http-runtime/testing';
import { createOrderMessaging, type CreateOrderMessagingOptions } from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { mirakl } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';

/** Credentials that look real, so a leak shows up in any string they reach. */
export const SECRETS = {
  mirakl: 'mk_live_4f9c2b7e1a8d6c3f5e0b9a7d2c4e6f81',
  spp: 'spp_live_8a1b2c3d4e5f60718293a4b5c6d7e8f9',
  omnidesk: 'od_live_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  gameboost: 'gb_live_5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b',
} as const;

export const BASE = {
  mirakl: 'https://acme.mirakl.net',
  spp: 'https://acme.spp.co',
  omnidesk: 'https://acme.omnidesk.com/api/v2',
  gameboost: 'https://api.gameboost.com',
} as const;

export type Vendor = keyof typeof SECRETS;
export const VENDORS: readonly Vendor[] = ['mirakl', 'spp', 'omnidesk', 'gameboost'];

export function adapterFor(vendor: Vendor) {
  switch (vendor) {
    case 'mirakl':
      return mirakl({ baseUrl: BASE.mirakl, auth: { type: 'apiKey', apiKey: SECRETS.mirakl } });
    case 'spp':
      return spp({ baseUrl: BASE.spp, token: SECRETS.spp });
    case 'omnidesk':
      return omnidesk({ baseUrl: BASE.omnidesk, apiKey: SECRETS.omnidesk });
    case 'gameboost':
      return gameboost({ baseUrl: BASE.gameboost, token: SECRETS.gameboost });
  }
}

/** A facade over all four vendors whose fetch answers with `responder` and records every request. */
export function recordedFacade(
  responder: Responder = () => jsonResponse(500, { message: 'no responder' }),
  options: Omit<CreateOrderMessagingOptions<Record<string, never>>, 'connections'> = {},
) {
  const recorder = recordingFetch(responder);
  const messaging = createOrderMessaging({
    connections: {
      mirakl: adapterFor('mirakl'),
      spp: adapterFor('spp'),
      omnidesk: adapterFor('omnidesk'),
      gameboost: adapterFor('gameboost'),
    },
    fetch: recorder.fetch,
    retry: false,
    ...options,
    reconcile: { settleDelayMs: 0, ...options.reconcile },
  });
  return { messaging, recorder };
}

/** Order ids and request shapes that reach each vendor's send endpoint directly. */
export const ORDER = {
  mirakl: 'ORDER-1',
  spp: 'E4A269FC',
  omnidesk: '12345',
  gameboost: '123456',
} as const;

const miraklThread = {
  id: 'thread-1',
  entities: [{ id: ORDER.mirakl, label: ORDER.mirakl, type: 'MMP_ORDER' }],
  authorized_participants: [
    { display_name: 'Operator', type: 'OPERATOR' },
    { display_name: 'Shop', id: '2010', type: 'SHOP' },
    { display_name: 'Jane', id: 'customer-42', type: 'CUSTOMER' },
  ],
  current_participants: [],
  date_created: '2024-05-02T08:00:00Z',
  date_updated: '2024-05-02T08:00:00Z',
};

export function miraklThreadWith(messages: unknown[]) {
  return { ...miraklThread, messages };
}

/**
 * A responder that plays the read calls a send needs before its POST (Mirakl's thread lookup,
 * Omnidesk's ticket read) and answers the POST with `onPost`.
 */
export function sendScript(vendor: Vendor, onPost: Responder): Responder {
  return (request) => {
    if (request.method !== 'GET') return onPost(request);
    const path = new URL(request.url).pathname;
    if (vendor === 'mirakl' && path === '/api/inbox/threads')
      return jsonResponse(200, { data: [miraklThread] });
    if (vendor === 'mirakl') return jsonResponse(200, miraklThreadWith([]));
    if (vendor === 'omnidesk') {
      return jsonResponse(200, {
        type: 'item',
        item: { id: Number(ORDER.omnidesk), customer_id: 501, timeline: [] },
      });
    }
    if (vendor === 'gameboost' && !path.endsWith('/messages')) {
      return jsonResponse(200, { data: { id: Number(ORDER.gameboost), buyer: { id: 4242 } } });
    }
    if (vendor === 'gameboost') return jsonResponse(200, { data: [], message: null });
    return jsonResponse(200, {
      data: [],
      links: { next: null },
      meta: { current_page: 1, last_page: 1 },
    });
  };
}

export function sendRequestFor(vendor: Vendor, text = 'Your parcel left today.') {
  return { orderId: ORDER[vendor], text };
}
