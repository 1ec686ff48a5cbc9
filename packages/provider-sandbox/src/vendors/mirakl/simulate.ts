/**
 * Customer messages and bulk orders for tests (`sb.simulate`). A customer's message lands in a
 * thread as Mirakl's front office puts it there: from the order's customer to the shop, moving
 * the thread's `date_updated` and its `metadata.last_message_date`/`last_sender`.
 */
import type { CustomerMessageInput, PopulateInput } from '../../types.js';
import { addMessage, newThread, SHOP, type MiraklOrder, type MiraklState } from './state.js';

export function customerMessage(state: MiraklState, input: CustomerMessageInput): string {
  const order = state.orders.get(input.orderId);
  if (!order) throw new RangeError(`mirakl: no order "${input.orderId}"`);
  const onOrder = state.threads.filter((t) => t.entity.id === order.id);
  let thread =
    input.threadId === undefined
      ? onOrder.reduce<(typeof onOrder)[number] | undefined>(
          (newest, t) => (!newest || t.date_updated >= newest.date_updated ? t : newest),
          undefined,
        )
      : onOrder.find((t) => t.id === input.threadId);
  if (!thread && input.threadId !== undefined) {
    throw new RangeError(`mirakl: no thread "${input.threadId}" on order "${input.orderId}"`);
  }
  thread ??= newThread(state, order, 'Question about my order', input.at);
  return addMessage(state, thread, order.customer, [SHOP], input.text, input.at).id;
}

export function populate(state: MiraklState, input: PopulateInput): string[] {
  let at = input.from.getTime();
  const first = state.orders.size + 1;
  const ids: string[] = [];
  for (let n = 0; n < input.orders; n++) {
    const number = `POP-${first + n}`;
    const customer = {
      display_name: `Customer ${first + n}`,
      id: `pop-${first + n}`,
      type: 'CUSTOMER' as const,
    };
    const order: MiraklOrder = {
      id: `${number}-A`,
      commercialId: number,
      channel: 'INIT',
      customer,
    };
    state.orders.set(order.id, order);
    const thread = newThread(state, order, 'Populated conversation', new Date(at));
    for (let m = 0; m < input.messagesPerOrder; m++) {
      const fromCustomer = m % 2 === 0;
      addMessage(
        state,
        thread,
        fromCustomer ? customer : SHOP,
        [fromCustomer ? SHOP : customer],
        `Populated message ${m + 1} on ${number}`,
        new Date(at),
      );
      at += input.spacingMs;
    }
    ids.push(order.id);
  }
  return ids;
}
