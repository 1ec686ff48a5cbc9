/**
 * The orders, threads and OR42/M01 messages every Mirakl sandbox starts with. Each
 * seeded thread exists to show one documented behaviour (a plain conversation, the
 * `with_messages` cap, the per-thread message limit, the per-entity attachment limit);
 * the limits are those of the loaded spec. Where the spec has examples, the seed is
 * made of them: the M10 example thread opens the first conversation (its customer,
 * topic and first message), and the OR42 request examples are the seeded OR42/M01
 * messages.
 */
import type { MiraklOrderMessageCreate, MiraklThreadWithMessages } from '@org/mirakl-client';
import type { VendorSpec } from '../../types.js';
import { miraklLimits, type MiraklLimits } from './limits.js';
import {
  addMessage,
  addOrderMessage,
  newThread,
  OPERATOR,
  SHOP,
  SHOP_ID,
  type MiraklOrder,
  type MiraklState,
  type Participant,
} from './state.js';

/** Seeded Mirakl ids (`sandbox.seed.mirakl`). */
export interface MiraklSeed {
  /** The sandbox's shop. */
  readonly shopId: number;
  /** The customer of the seeded orders. */
  readonly customerId: string;
  /** Order with one thread (three messages, one attachment). */
  readonly orderWithThread: string;
  /** The thread of `orderWithThread`. */
  readonly threadId: string;
  /** The attachment in that thread (M13 downloads it). */
  readonly attachmentId: string;
  /** Order with no thread yet: OR43 creates the first. */
  readonly orderWithoutThread: string;
  /** Thread with more messages than the `with_messages` cap (`x-limits.withMessagesMaxMessagesPerThread`). */
  readonly bigThreadId: string;
  /** The order of `bigThreadId`. */
  readonly bigThreadOrderId: string;
  /** How many messages `bigThreadId` holds. */
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

/** The thread of M10's response example (`examples.thread`). */
function exampleThread(spec: VendorSpec): MiraklThreadWithMessages {
  return spec.operationAt(
    'getThread',
    'responses',
    '200',
    'content',
    'application/json',
    'examples',
    'thread',
    'value',
  ) as MiraklThreadWithMessages;
}

/** The customer the example thread is with. */
function exampleCustomer(example: MiraklThreadWithMessages): Participant {
  const found = example.authorized_participants.find((p) => p.type === 'CUSTOMER');
  if (!found?.id) throw new Error('The mirakl spec example thread names no customer with an id');
  return { display_name: found.display_name, id: found.id, type: 'CUSTOMER' };
}

/** Opens as the spec's example thread does (topic, first message), then the shop answers with a PDF. */
function seedDeliveryThread(
  state: MiraklState,
  order: MiraklOrder,
  example: MiraklThreadWithMessages,
): void {
  const { topic } = example;
  const opening = example.messages[0]?.body;
  if (!topic?.type || !topic.value || !opening) {
    throw new Error('The mirakl spec example thread has no topic or no first message');
  }
  const buyer = order.customer;
  const thread = newThread(state, order, topic.value, at(0));
  thread.topic = { type: topic.type, value: topic.value };
  const invoice = new TextEncoder().encode('%PDF-1.4\n% sandbox invoice for SANDBOX-1001\n%%EOF\n');
  addMessage(state, thread, buyer, [SHOP], opening, at(0));
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

/** OR42's request examples, the customer's then the shop's, stored as OR42 stores them. */
function seedLegacyMessages(state: MiraklState, order: MiraklOrder, spec: VendorSpec): void {
  const example = (name: string) =>
    spec.operationAt(
      'postOrderMessage',
      'requestBody',
      'content',
      'application/json',
      'examples',
      name,
      'value',
    ) as MiraklOrderMessageCreate;
  addOrderMessage(state, order, example('fromCustomer'), at(1));
  addOrderMessage(state, order, example('fromShop'), at(2));
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
  const example = exampleThread(spec);
  const withThread = addOrder(state, 1001, 'WEB', exampleCustomer(example));
  addOrder(state, 1002, 'WEB', customer(43, 'John Roe'));
  const bigOrder = addOrder(state, 1003, 'MOBILE', customer(44, 'Ada Lovelace'));
  const fullOrder = addOrder(state, 1004, 'WEB', customer(45, 'Grace Hopper'));
  const attachmentOrder = addOrder(state, 1005, 'WEB', customer(46, 'Alan Turing'));

  seedDeliveryThread(state, withThread, example);
  seedBigThread(state, bigOrder);
  seedNearlyFullThread(state, fullOrder, limits);
  seedNearlyFullAttachmentThread(state, attachmentOrder, limits);
  seedLegacyMessages(state, withThread, spec);
  return state;
}

export function seedIds(state: MiraklState): MiraklSeed {
  const threadOf = (orderId: string) => state.threads.find((t) => t.entity.id === orderId)!;
  const first = threadOf('SANDBOX-1001-A');
  return {
    shopId: SHOP_ID,
    customerId: state.orders.get('SANDBOX-1001-A')!.customer.id!,
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
