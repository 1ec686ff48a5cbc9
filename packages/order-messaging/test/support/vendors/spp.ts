/** SPP's test data: a bearer token, an empty message page, the one send path. */
import { jsonResponse } from '@org/http-runtime/testing';
import { defineVendorTestData } from '../vendor-test-data.js';

export default defineVendorTestData({
  name: 'spp',
  settings: { baseUrl: 'https://acme.spp.co', token: 'spp_live_8a1b2c3d4e5f60718293a4b5c6d7e8f9' },
  order: 'E4A269FC',
  sendReads: () =>
    jsonResponse(200, { data: [], links: { next: null }, meta: { current_page: 1, last_page: 1 } }),
  faultMatrix: {
    sendPaths: [
      {
        sendOperation: 'createOrderMessage',
        // The facade is given the order number; the sandbox keeps messages by order id.
        storedOrderId: (sb) => sb.seed.spp.orderWithFewMessages.id,
      },
    ],
  },
});
