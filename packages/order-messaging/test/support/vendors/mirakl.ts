/** Mirakl's test data: a shop API key, the thread a reply goes into, M12 and OR43 send paths. */
import { jsonResponse } from '@org/http-runtime/testing';
import { defineVendorTestData } from '../vendor-test-data.js';

const ORDER = 'ORDER-1';

const miraklThread = {
  id: 'thread-1',
  entities: [{ id: ORDER, label: ORDER, type: 'MMP_ORDER' }],
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

export default defineVendorTestData({
  name: 'mirakl',
  settings: {
    baseUrl: 'https://acme.mirakl.net',
    apiKey: 'mk_live_4f9c2b7e1a8d6c3f5e0b9a7d2c4e6f81',
  },
  order: ORDER,
  // M11 finds the order's thread; M10 reads it back (with `readBack` or attachments).
  sendReads: (_request, path) =>
    path === '/api/inbox/threads'
      ? jsonResponse(200, { data: [miraklThread] })
      : jsonResponse(200, miraklThreadWith([])),
  faultMatrix: {
    sendPaths: [
      {
        id: 'mirakl-m12',
        label: 'Mirakl M12 (reply)',
        sendOperation: 'replyToThread',
        orderId: (sb) => sb.seed.mirakl.orderWithThread,
      },
      {
        id: 'mirakl-or43',
        label: 'Mirakl OR43 (new thread)',
        sendOperation: 'createOrderThread',
        orderId: (sb) => sb.seed.mirakl.orderWithoutThread,
      },
    ],
  },
});
