/**
 * Shared fixtures for the unit tests: one connection per registered vendor on an injected,
 * recording fetch. What is particular to a vendor (its credential, base URL, an order id, the
 * reads before a send) is in `test/support/vendors/<name>.ts`.
 */
import { jsonResponse, recordingFetch, type Responder } from '@org/http-runtime/testing';
import { createOrderMessaging, type CreateOrderMessagingOptions } from '@org/order-messaging';
import type { RegisteredVendorName } from '@org/order-messaging/vendors';
import { byVendor, sendResponder, TEST_VENDORS, testVendor } from './support/test-vendors.js';

export type Vendor = RegisteredVendorName;
export const VENDORS: readonly Vendor[] = TEST_VENDORS.map((vendor) => vendor.name);

/** Credentials that look real, so a leak shows up in any string they reach. */
export const SECRETS = byVendor((vendor) => vendor.secret);

export const BASE = byVendor((vendor) => String(vendor.data.settings['baseUrl']));

/** Order ids and request shapes that reach each vendor's send endpoint directly. */
export const ORDER = byVendor((vendor) => vendor.data.order);

export function adapterFor(vendor: Vendor) {
  const { descriptor, data } = testVendor(vendor);
  return descriptor.createAdapter(descriptor.toOptions(data.settings));
}

/** A facade over every vendor whose fetch answers with `responder` and records every request. */
export function recordedFacade(
  responder: Responder = () => jsonResponse(500, { message: 'no responder' }),
  options: Omit<CreateOrderMessagingOptions<Record<string, never>>, 'connections'> = {},
) {
  const recorder = recordingFetch(responder);
  const messaging = createOrderMessaging({
    connections: Object.fromEntries(VENDORS.map((vendor) => [vendor, adapterFor(vendor)])),
    fetch: recorder.fetch,
    retry: false,
    ...options,
    reconcile: { settleDelayMs: 0, ...options.reconcile },
  });
  return { messaging, recorder };
}

/**
 * A responder that plays the read calls a send needs around its POST (a thread lookup, a ticket
 * read after it...) and answers the POST with `onPost`.
 */
export function sendScript(vendor: Vendor, onPost: Responder): Responder {
  return sendResponder(vendor, onPost);
}

export function sendRequestFor(vendor: Vendor, text = 'Your parcel left today.') {
  return { orderId: ORDER[vendor], text };
}
