/** What the queue needs of the facade: any `OrderMessaging` fits. */
import type { CallSettings, OrderMessage, SendRequest, SendResult } from '@org/order-messaging';

export interface QueueMessaging {
  readonly connections: readonly { readonly name: string }[];
  send(connection: string, request: SendRequest, options?: CallSettings): Promise<SendResult>;
  findSent(
    connection: string,
    request: SendRequest,
    options: CallSettings & { since: Date },
  ): Promise<OrderMessage | undefined>;
}
