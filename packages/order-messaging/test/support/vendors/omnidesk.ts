/** Omnidesk's test data: an API key (it travels in the query string), the ticket read around a send. */
import { jsonResponse } from '@org/http-runtime/testing';
import { defineVendorTestData } from '../vendor-test-data.js';

const TICKET = '12345';

export default defineVendorTestData({
  name: 'omnidesk',
  settings: {
    baseUrl: 'https://acme.omnidesk.com/api/v2',
    apiKey: 'od_live_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  },
  order: TICKET,
  // The ticket, read after the POST: Omnidesk answers a post with no id, so the read-back must
  // show each posted message as a timeline entry.
  sendReads: async (_request, _path, posted) => {
    const timeline = await Promise.all(
      posted.map(async (post, index) => ({
        id: 9000 + index,
        type: 'message',
        content: String((await post.clone().formData()).get('message')),
        staff_id: 7,
        created_at: '2026-01-01 00:00:00',
      })),
    );
    return jsonResponse(200, {
      type: 'item',
      item: { id: Number(TICKET), customer_id: 501, timeline },
    });
  },
  faultMatrix: {
    sendPaths: [
      {
        sendOperation: 'createMessage',
      },
    ],
  },
});
