/** GameBoost's send on the wire: one JSON POST on an account order's messages. */
import { createGameBoostClient } from '@org/gameboost-client';
import { asAnyClient, type SandboxInfo, type Wire } from '../plans.js';

export default function gameboostWire({ vendors, seed }: SandboxInfo): Wire {
  const access = vendors.gameboost;
  const order = seed.gameboost.accountOrders.processing;
  return {
    baseUrl: access.baseUrl,
    headers: { Authorization: `Bearer ${access.token}` },
    query: {},
    orderId: order,
    writeIndex: 0,
    sendCalls: (text) => [
      {
        method: 'POST',
        path: '/v2/account-orders/{accountOrder}/messages',
        pathParams: { accountOrder: order },
        json: { message: text },
      },
    ],
    client: (fetch) =>
      asAnyClient(
        createGameBoostClient({
          baseUrl: access.baseUrl,
          token: access.token,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };
}
