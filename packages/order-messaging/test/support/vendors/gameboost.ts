/** GameBoost's test data: a bearer token, the order and message reads, its chat limits raised. */
import { jsonResponse } from '@org/http-runtime/testing';
import { defineVendorTestData } from '../vendor-test-data.js';

const ORDER = '123456';

export default defineVendorTestData({
  name: 'gameboost',
  settings: {
    baseUrl: 'https://api.gameboost.com',
    token: 'gb_live_5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b',
  },
  order: ORDER,
  sendReads: (_request, path) =>
    path.endsWith('/messages')
      ? jsonResponse(200, { data: [], message: null })
      : jsonResponse(200, { data: { id: Number(ORDER), buyer: { id: 4242 } } }),
  faultMatrix: {
    sendPaths: [{ label: 'GameBoost (account order)', sendOperation: 'sendAccountOrderMessage' }],
    // Chat 5/min and 5 writes per order would throttle the matrix's many sends.
    sandboxRateLimits: {
      chat: { limit: 100_000 },
      writesSameResource: { limit: 100_000 },
      writesSameResourceHourly: { limit: 100_000 },
    },
  },
});
