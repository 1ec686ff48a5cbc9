/**
 * Mirakl's send on the wire, once the connection knows the order's thread: M12 alone. The first
 * send to an order looks the thread up with M11 before it (the history benchmark counts that);
 * the message returned is built from M12's answer, not read back with M10.
 */
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
    writeIndex: 0,
    sendCalls: (text) => [
      // M12: the reply, in the thread an earlier send found (M11) and the connection remembers.
      {
        method: 'POST',
        path: '/api/inbox/threads/{thread_id}/message',
        pathParams: { thread_id: seed.mirakl.threadId },
        multipart: {
          message_input: { body: text, to: [{ type: 'CUSTOMER', id: seed.mirakl.customerId }] },
        },
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
