/** SPP's seed: three orders (many, few, no messages), built partly from the spec's examples. */
import type { VendorSpec } from '../../types.js';
import {
  addMessage,
  MANY_MESSAGES,
  SEED_TIME,
  type ExampleOrderFields,
  type SppOrder,
  type SppOrderRef,
  type SppSeed,
  type SppState,
  type SppUser,
} from './state.js';

/**
 * What the spec's examples say about orders: the order number its `{order}` parameter
 * example names (seeded as the order with a few messages, so the spec's example URLs
 * work) and the price, quantity and payment system of the order in its message example.
 */
function exampleOrder(spec: VendorSpec) {
  const order = spec.at(
    'components',
    'examples',
    'MessageResource',
    'value',
    'order',
  ) as ExampleOrderFields;
  return {
    number: String(spec.at('components', 'parameters', 'OrderPath', 'example')),
    fields: { price: order.price, quantity: order.quantity, paysys: order.paysys },
  };
}
export function seed(_now: Date, spec: VendorSpec): SppState {
  const example = exampleOrder(spec);
  const users: SppUser[] = [
    { id: 1, name_f: 'Sandbox', name_l: 'Admin', email: 'admin@sandbox.spp.test', staff: true },
    { id: 2, name_f: 'Sam', name_l: 'Staff', email: 'sam@sandbox.spp.test', staff: true },
    { id: 3, name_f: 'Chris', name_l: 'Client', email: 'chris@client.test', staff: false },
  ];
  const orders: SppOrder[] = [
    {
      id: 1001,
      number: 'B1C2D3E4',
      user_id: 3,
      status: 'Working',
      service: 'Logo design',
      created_at: new Date(SEED_TIME),
      updated_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
    {
      id: 1002,
      number: example.number,
      user_id: 3,
      status: 'Submitted',
      service: 'SEO audit',
      created_at: new Date(SEED_TIME),
      updated_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
    {
      id: 1003,
      number: 'C0FFEE01',
      user_id: 3,
      status: 'Pending',
      service: 'Copywriting',
      created_at: new Date(SEED_TIME),
      updated_at: new Date(SEED_TIME),
      last_message_at: null,
      ...example.fields,
    },
  ];
  const state: SppState = { users, orders, messages: [], nextMessageId: 1, nextFileId: 1 };
  const add = (
    order: SppOrder,
    minutes: number,
    userId: number,
    text: string,
    staffOnly: boolean,
  ) => {
    addMessage(state, order, {
      id: state.nextMessageId++,
      order_id: order.id,
      user_id: userId,
      created_at: new Date(SEED_TIME + minutes * 60_000),
      message: text,
      staff_only: staffOnly,
      files: [],
    });
  };
  for (let i = 1; i <= MANY_MESSAGES; i++) {
    add(orders[0]!, i, i % 2 === 0 ? 1 : 3, `Seeded message ${i} of ${MANY_MESSAGES}`, false);
  }
  add(orders[1]!, 1, 3, 'Hello, when will the audit be ready?', false);
  add(orders[1]!, 2, 2, 'Client asked twice, prioritise.', true);
  return state;
}

export function seedIds(state: SppState): SppSeed {
  const ref = (o: SppOrder | undefined): SppOrderRef => ({
    id: String(o!.id),
    number: o!.number,
  });
  return {
    orderWithManyMessages: ref(state.orders[0]),
    orderWithFewMessages: ref(state.orders[1]),
    orderWithoutMessages: ref(state.orders[2]),
    apiUserId: 1,
    staffUserId: 2,
    clientUserId: 3,
    messageCountOfManyMessagesOrder: MANY_MESSAGES,
  };
}
