/**
 * A buyer's purchase, which the real API offers no endpoint for: tests use it to make the
 * sandbox hold a new order and send the `<kind>.order.purchased` webhook GameBoost would send.
 */
import { messageId } from './gameboost-orders.js';
import {
  FIRST_ID,
  orderFields,
  type GameBoostOrder,
  type GameBoostOrderKind,
  type GameBoostOrderStatus,
  type GameBoostState,
} from './gameboost.js';

/** A GameBoost order a simulated buyer just bought (`webhooks.purchaseGameBoostOrder`). */
export interface GameBoostPurchase {
  /** Its kind of order. */
  readonly kind: GameBoostOrderKind;
  /** The new order's id. */
  readonly orderId: string;
  /** The webhook event GameBoost sends for it. */
  readonly event: `${GameBoostOrderKind}.order.purchased`;
  /** The order as `GET /v2/<kind>-orders/{id}` returns it, which is also the webhook's payload. */
  readonly order: Record<string, unknown>;
}

export function purchaseGameBoostOrder(
  state: GameBoostState,
  now: Date,
  kind: GameBoostOrderKind = 'account',
  status: GameBoostOrderStatus = 'processing',
): GameBoostPurchase {
  let id = FIRST_ID[kind];
  for (const order of state.orders.values())
    if (order.kind === kind) id = Math.max(id, order.id + 1);
  const index = state.orders.size;
  const time = Math.floor(now.getTime() / 1000);
  const fields = {
    ...orderFields(state.templates[kind], kind, id, index),
    created_at: time,
    updated_at: time,
    purchased_at: time,
  };
  const order: GameBoostOrder = {
    kind,
    id,
    status,
    fields,
    messages: [
      {
        id: messageId(state.nextMessageNumber++),
        type: 'system_message',
        text: 'The order has been created.',
        attachment: null,
        sender: state.people.system,
        sent_at: time,
        authorKind: 'system',
      },
    ],
  };
  state.orders.set(`${kind}:${id}`, order);
  return {
    kind,
    orderId: String(id),
    event: `${kind}.order.purchased`,
    order: { ...fields, status },
  };
}
