/** Customer messages and bulk orders for tests (`sb.simulate`), with SPP's side effects. */
import type { CustomerMessageInput, PopulateInput } from '../../types.js';
import { addMessage, findOrder, type SppOrder, type SppState } from './state.js';

/** The seeded client; SPP's own client users write the customer side. */
function clientUser(state: SppState): number {
  const client = state.users.find((u) => !u.staff);
  if (!client) throw new Error('spp: the seed has no client user');
  return client.id;
}

export function customerMessage(state: SppState, input: CustomerMessageInput): string {
  const order = findOrder(state, input.orderId);
  if (!order) throw new RangeError(`spp: no order "${input.orderId}"`);
  const id = state.nextMessageId++;
  addMessage(state, order, {
    id,
    order_id: order.id,
    user_id: order.user_id,
    created_at: input.at,
    message: input.text,
    staff_only: false,
    files: [],
  });
  return String(id);
}

export function populate(state: SppState, input: PopulateInput): string[] {
  const customer = clientUser(state);
  const template = state.orders[0];
  if (!template) throw new Error('spp: the seed has no order to copy');
  const staff = state.users.find((u) => u.staff)?.id ?? 1;
  let nextId = Math.max(...state.orders.map((o) => o.id)) + 1;
  let at = input.from.getTime();
  const ids: string[] = [];
  for (let n = 0; n < input.orders; n++) {
    const created = new Date(at);
    const order: SppOrder = {
      ...template,
      id: nextId++,
      number: `P${String(nextId).padStart(7, '0')}`,
      user_id: customer,
      status: input.status ?? 'Working',
      service: `Populated order ${n + 1}`,
      created_at: created,
      updated_at: created,
      last_message_at: null,
    };
    state.orders.push(order);
    for (let m = 0; m < input.messagesPerOrder; m++) {
      addMessage(state, order, {
        id: state.nextMessageId++,
        order_id: order.id,
        user_id: m % 2 === 0 ? customer : staff,
        created_at: new Date(at),
        message: `Populated message ${m + 1} on order ${order.id}`,
        staff_only: false,
        files: [],
      });
      at += input.spacingMs;
    }
    ids.push(String(order.id));
  }
  return ids;
}
