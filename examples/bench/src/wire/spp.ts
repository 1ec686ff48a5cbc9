/** SPP's send on the wire: one JSON POST on the order (by id). */
import { createSppClient, SPP_DEFAULT_API_VERSION } from '@org/spp-client';
import { asAnyClient, type SandboxInfo, type Wire } from '../plans.js';

export default function sppWire({ vendors, seed }: SandboxInfo): Wire {
  const access = vendors.spp;
  const order = seed.spp.orderWithFewMessages.id;
  return {
    baseUrl: access.baseUrl,
    headers: {
      Authorization: `Bearer ${access.token}`,
      'X-Api-Version': SPP_DEFAULT_API_VERSION,
    },
    query: {},
    orderId: order,
    writeIndex: 0,
    sendCalls: (text) => [
      {
        method: 'POST',
        path: '/api/order_messages/{order}',
        pathParams: { order },
        json: { message: text, staff_only: false },
      },
    ],
    client: (fetch) =>
      asAnyClient(
        createSppClient({
          baseUrl: access.baseUrl,
          token: access.token,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };
}
