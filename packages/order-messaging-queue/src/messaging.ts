/** What the queue needs of the facade: any `OrderMessaging` fits. */
import type { CallSettings, OrderMessage, SendRequest, SendResult } from '@org/order-messaging';

/** What the workers need of the facade; any `OrderMessaging` from `createOrderMessaging` fits. */
export interface QueueMessaging {
  /** The connections; a worker serves each unless told which. */
  readonly connections: readonly {
    /** The connection's name, as jobs name it. */
    readonly name: string;
  }[];
  /** Sends one job's request (the facade validates, retries and reconciles). */
  send(connection: string, request: SendRequest, options?: CallSettings): Promise<SendResult>;
  /** Looks for a post of a job whose worker died mid-send, before deciding `sent` or `unknown`. */
  findSent(
    connection: string,
    request: SendRequest,
    options: CallSettings & { since: Date },
  ): Promise<OrderMessage | undefined>;
}
