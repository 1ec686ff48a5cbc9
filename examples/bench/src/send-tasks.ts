/**
 * One send's work in the three forms the CPU benchmarks compare: the requests the facade's `send`
 * makes, by bare openapi-fetch and by the vendor client, and the facade's `send` itself.
 */
import { createOrderMessaging } from '@org/order-messaging';
import { bareCall, bareClient, clientCall } from './executors.js';
import type { FetchLike, VendorPlan } from './plans.js';

/** The text every benchmark sends. */
export const MESSAGE = 'Your parcel left the warehouse today.';

export interface SendTasks {
  /** Bare openapi-fetch making every request of one send. */
  readonly bare: () => Promise<unknown>;
  /** The vendor client making the same requests, on `clientFetch` when given. */
  readonly client: () => Promise<unknown>;
  /** `messaging.send` with default settings and proactive rate limits off. */
  readonly facade: () => Promise<unknown>;
}

/**
 * Builds the tasks on the fetch in place when called (`globalThis.fetch` unless `clientFetch`):
 * install a stub first to time without a network.
 */
export function sendTasks(plan: VendorPlan, clientFetch?: FetchLike): SendTasks {
  const calls = plan.sendCalls(MESSAGE);
  const bare = bareClient(plan);
  const client = plan.client(clientFetch);
  const messaging = createOrderMessaging({
    // Proactive limits would throttle a loop of sends (GameBoost allows 5 a minute); they are
    // measured in the goodput benchmark instead.
    connections: { [plan.vendor]: plan.connection({ rateLimits: false }) },
  });
  return {
    bare: async () => {
      for (const call of calls) await bareCall(bare, plan, call);
    },
    client: async () => {
      for (const call of calls) await clientCall(client, call);
    },
    facade: () => messaging.send(plan.vendor, { orderId: plan.orderId, text: MESSAGE }),
  };
}
