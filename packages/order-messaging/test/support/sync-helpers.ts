/**
 * Sync test helpers: draining a sync into messages and its last checkpoint, and customer
 * messages written straight into the sandbox's live state (as a customer would, off the API).
 */
import type { Sandbox } from '@org/provider-sandbox';
import type { OrderMessage, SyncCursor, SyncEvent, SyncOrder } from '@org/order-messaging';

export interface Drained {
  messages: OrderMessage[];
  orders: SyncOrder[];
  checkpoints: { cursor: SyncCursor; complete: boolean }[];
  cursor: SyncCursor;
}

/** Every event; `stopAfterCheckpoints` ends early like a process that dies after persisting. */
export async function drain(
  events: AsyncIterable<SyncEvent>,
  stopAfterCheckpoints = Number.POSITIVE_INFINITY,
): Promise<Drained> {
  const drained: Drained = { messages: [], orders: [], checkpoints: [], cursor: undefined! };
  for await (const event of events) {
    if (event.type === 'message') {
      drained.messages.push(event.message);
      drained.orders.push(event.order);
      continue;
    }
    // What a caller would persist: the JSON text, read back.
    const cursor = JSON.parse(JSON.stringify(event.cursor)) as SyncCursor;
    drained.checkpoints.push({ cursor, complete: event.complete });
    drained.cursor = cursor;
    if (drained.checkpoints.length >= stopAfterCheckpoints) break;
  }
  return drained;
}

interface RawParticipant {
  type: string;
  id?: string;
  display_name: string;
}
interface RawMirakl {
  orders: Map<string, { customer: RawParticipant }>;
  threads: {
    entity: { id: string };
    authorized_participants: RawParticipant[];
    date_updated: Date;
    messages: {
      id: string;
      body: string;
      date_created: Date;
      from: RawParticipant;
      to: RawParticipant[];
      attachmentIds: string[];
    }[];
  }[];
  counters: { message: number };
}

/** A customer message on the order's first thread, dated `at` (the thread's update time too). */
export function addMiraklCustomerMessage(sb: Sandbox, orderId: string, text: string, at: Date) {
  const state = sb.state.raw('mirakl') as RawMirakl;
  const thread = state.threads.find((t) => t.entity.id === orderId);
  const order = state.orders.get(orderId);
  if (!thread || !order) throw new Error(`no thread on order ${orderId}`);
  const shop = thread.authorized_participants.filter((p) => p.type === 'SHOP');
  const id = `customer-message-${++state.counters.message}`;
  thread.messages.push({
    id,
    body: text,
    date_created: at,
    from: order.customer,
    to: shop,
    attachmentIds: [],
  });
  thread.date_updated = at;
  return id;
}

interface RawOmnidesk {
  tickets: { id: number; timeline: Record<string, unknown>[] }[];
  nextEntryId: number;
}

/** An inbound (customer) e-mail on the ticket's timeline. */
export function addOmnideskCustomerMessage(sb: Sandbox, ticketId: number, text: string, at: Date) {
  const state = sb.state.raw('omnidesk') as RawOmnidesk;
  const ticket = state.tickets.find((t) => t.id === ticketId);
  if (!ticket) throw new Error(`no ticket ${ticketId}`);
  const id = String(state.nextEntryId++);
  ticket.timeline.push({
    type: 'message',
    id,
    ticket_id: ticketId,
    user_id: null,
    user_name: 'Customer',
    content: text,
    channel_id: 1,
    direction: 'in',
    status_new: null,
    created_at: at,
    details: {},
  });
  return id;
}

/** Seconds precision: Omnidesk times have no milliseconds. */
export function wholeSecond(date = new Date()): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
