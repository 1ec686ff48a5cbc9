/** SPP's order as the API writes it, inside messages and in the order list (`IndexOrder`). */
import { isoOffset, type SppOrder } from './state.js';

export function orderResource(order: SppOrder): Record<string, unknown> {
  return {
    id: order.id,
    number: order.number,
    user_id: order.user_id,
    service_id: 1,
    invoice_id: null,
    created_at: isoOffset(order.created_at),
    updated_at: isoOffset(order.updated_at),
    last_message_at: order.last_message_at ? isoOffset(order.last_message_at) : null,
    date_started: null,
    date_completed: null,
    date_due: null,
    tags: [],
    status: order.status,
    price: order.price,
    quantity: order.quantity,
    service: order.service,
    employees: [],
    note: null,
    form_data: {},
    paysys: order.paysys,
  };
}
