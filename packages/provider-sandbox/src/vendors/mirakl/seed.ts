/**
 * The orders, threads and OR42/M01 messages every Mirakl sandbox starts with. Each
 * seeded thread exists to show one documented behaviour (a plain conversation, the
 * `with_messages` cap, the per-thread message limit, the per-entity attachment limit);
 * the limits are those of the loaded spec.
 */
import type { VendorSpec } from '../../types.js';
import { miraklLimits, type MiraklLimits } from './limits.js';
import {
  addMessage,
  newThread,
  OPERATOR,
  SHOP,
  SHOP_ID,
  type MiraklOrder,
  type MiraklState,
  type Participant,
} from './state.js';

export interface MiraklSeed {
  readonly shopId: number;
  readonly customerId: string;
  /** Order with one thread (three messages, one attachment). */
  readonly orderWithThread: string;
  readonly threadId: string;
  readonly attachmentId: string;
  /** Order with no thread yet: OR43 creates the first. */
  readonly orderWithoutThread: string;
  /** Thread with more messages than the `with_messages` cap (`x-limits.withMessagesMaxMessagesPerThread`). */
  readonly bigThreadId: string;
  readonly bigThreadOrderId: string;
  readonly bigThreadMessageCount: number;
  /** Thread one message short of the per-thread limit (`x-limits.maxMessagesPerThread`). */
  readonly nearlyFullThreadId: string;
  /** Order whose thread holds one attachment less than the per-entity limit (`x-limits.maxAttachmentsPerEntity`). */
  readonly orderNearAttachmentLimit: string;
  /** Ids of the seeded OR42/M01 (deprecated) messages. */
  readonly legacyMessageIds: readonly number[];
}

const SEED_TIME = Date.UTC(2024, 4, 2, 8, 0, 0);
const BIG_THREAD_MESSAGES = 120;

function at(minutes: number): Date {
  return new Date(SEED_TIME + minutes * 60_000);
}

function customer(n: number, name: string): Participant {
  return { display_name: name, id: `customer-${n}`, type: 'CUSTOMER' };
}

function addOrder(state: MiraklState, n: number, channel: string, buyer: Participant): MiraklOrder {
  const order = { id: `SANDBOX-${n}-A`, commercialId: `SANDBOX-${n}`, channel, customer: buyer };
  state.orders.set(order.id, order);
  return order;
}

function seedDeliveryThread(state: MiraklState, order: MiraklOrder): void {
  const buyer = order.customer;
  const thread = newThread(state, order, 'Delivery', at(0));
  const invoice = new TextEncoder().encode('%PDF-1.4\n% sandbox invoice for SANDBOX-1001\n%%EOF\n');
  addMessage(state, thread, buyer, [SHOP], 'Where is my order?', at(0));
  addMessage(state, thread, SHOP, [buyer], 'It ships tomorrow; the invoice is attached.', at(5), [
    { filename: 'invoice.pdf', contentType: 'application/pdf', bytes: invoice },
  ]);
  addMessage(state, thread, buyer, [SHOP, OPERATOR], 'Thank you!', at(10));
}

/** Customer and shop take turns, the customer first. */
function seedAlternatingThread(
  state: MiraklState,
  order: MiraklOrder,
  topic: string,
  created: Date,
  count: number,
  message: (i: number) => { text: string; date: Date },
): void {
  const thread = newThread(state, order, topic, created);
  for (let i = 1; i <= count; i++) {
    const { text, date } = message(i);
    const fromCustomer = i % 2 === 1;
    addMessage(
      state,
      thread,
      fromCustomer ? order.customer : SHOP,
      [fromCustomer ? SHOP : order.customer],
      text,
      date,
    );
  }
}

function seedBigThread(state: MiraklState, order: MiraklOrder): void {
  seedAlternatingThread(state, order, 'Many questions', at(20), BIG_THREAD_MESSAGES, (i) => ({
    text: `Message ${i} of ${BIG_THREAD_MESSAGES}`,
    date: at(20 + i),
  }));
}

function seedNearlyFullThread(state: MiraklState, order: MiraklOrder, limits: MiraklLimits): void {
  const start = at(200);
  seedAlternatingThread(
    state,
    order,
    'Long conversation',
    start,
    limits.maxMessagesPerThread - 1,
    (i) => ({ text: `Exchange ${i}`, date: new Date(start.getTime() + i * 1000) }),
  );
}

function seedNearlyFullAttachmentThread(
  state: MiraklState,
  order: MiraklOrder,
  limits: MiraklLimits,
): void {
  const thread = newThread(state, order, 'Photos', at(300));
  const pixel = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
  addMessage(
    state,
    thread,
    order.customer,
    [SHOP],
    'Photos of the damaged parcel.',
    at(300),
    Array.from({ length: limits.maxAttachmentsPerEntity - 1 }, (_, i) => ({
      filename: `photo-${i + 1}.png`,
      contentType: 'image/png',
      bytes: pixel,
    })),
  );
}

function seedLegacyMessages(state: MiraklState, order: MiraklOrder): void {
  state.legacy.push(
    {
      id: ++state.counters.legacy,
      order_id: order.id,
      subject: 'Delivery',
      body: 'Can you confirm the delivery date?',
      date_created: at(1),
      from: order.customer,
      to_operator: false,
      to_customer: false,
      to_shop: true,
      document_ids: [],
    },
    {
      id: ++state.counters.legacy,
      order_id: order.id,
      subject: 'Delivery',
      body: 'Your order has shipped.',
      date_created: at(2),
      from: SHOP,
      to_operator: false,
      to_customer: true,
      to_shop: false,
      document_ids: [],
    },
  );
}

export function seed(_now: Date, spec: VendorSpec): MiraklState {
  const limits = miraklLimits(spec);
  const state: MiraklState = {
    orders: new Map(),
    threads: [],
    attachments: new Map(),
    legacy: [],
    counters: { thread: 0, message: 0, attachment: 0, legacy: 5000 },
  };
  const withThread = addOrder(state, 1001, 'WEB', customer(42, 'Jane Doe'));
  addOrder(state, 1002, 'WEB', customer(43, 'John Roe'));
  const bigOrder = addOrder(state, 1003, 'MOBILE', customer(44, 'Ada Lovelace'));
  const fullOrder = addOrder(state, 1004, 'WEB', customer(45, 'Grace Hopper'));
  const attachmentOrder = addOrder(state, 1005, 'WEB', customer(46, 'Alan Turing'));

  seedDeliveryThread(state, withThread);
  seedBigThread(state, bigOrder);
  seedNearlyFullThread(state, fullOrder, limits);
  seedNearlyFullAttachmentThread(state, attachmentOrder, limits);
  seedLegacyMessages(state, withThread);
  return state;
}

export function seedIds(state: MiraklState): MiraklSeed {
  const threadOf = (orderId: string) => state.threads.find((t) => t.entity.id === orderId)!;
  const first = threadOf('SANDBOX-1001-A');
  return {
    shopId: SHOP_ID,
    customerId: 'customer-42',
    orderWithThread: 'SANDBOX-1001-A',
    threadId: first.id,
    attachmentId: first.messages[1]!.attachmentIds[0]!,
    orderWithoutThread: 'SANDBOX-1002-A',
    bigThreadId: threadOf('SANDBOX-1003-A').id,
    bigThreadOrderId: 'SANDBOX-1003-A',
    bigThreadMessageCount: BIG_THREAD_MESSAGES,
    nearlyFullThreadId: threadOf('SANDBOX-1004-A').id,
    orderNearAttachmentLimit: 'SANDBOX-1005-A',
    legacyMessageIds: state.legacy.map((m) => m.id),
  };
}
