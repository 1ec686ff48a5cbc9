/** Mirakl's send on the wire: M11 finds the order's thread, M12 replies, M10 reads it back. */
import { createMiraklClient } from '@org/mirakl-client';
import { asAnyClient, type SandboxInfo, type Wire } from '../plans.js';

export default function miraklWire({ vendors, seed }: SandboxInfo): Wire {
  const access = vendors.mirakl;
  const order = seed.mirakl.orderWithThread;
  return {
    baseUrl: access.baseUrl,
    headers: { Authorization: access.apiKey },
    query: { shop_id: String(access.shopId) },
    orderId: order,
    writeIndex: 1,
    sendCalls: (text) => [
      // M11: the order's threads, to reply in the one open to the customer.
      {
        method: 'GET',
        path: '/api/inbox/threads',
        query: { entity_type: 'MMP_ORDER', entity_id: order },
      },
      // M12: the reply.
      {
        method: 'POST',
        path: '/api/inbox/threads/{thread_id}/message',
        pathParams: { thread_id: seed.mirakl.threadId },
        multipart: {
          message_input: { body: text, to: [{ type: 'CUSTOMER', id: seed.mirakl.customerId }] },
        },
      },
      // M10: the stored message, read back.
      {
        method: 'GET',
        path: '/api/inbox/threads/{thread_id}',
        pathParams: { thread_id: seed.mirakl.threadId },
      },
    ],
    client: (fetch) =>
      asAnyClient(
        createMiraklClient({
          baseUrl: access.baseUrl,
          auth: { type: 'apiKey', apiKey: access.apiKey },
          shopId: access.shopId,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };
}
