/**
 * Mirakl's wire formats: the JSON M10/M11 and M01 return, and the vendor-neutral
 * `StoredMessage` view tests read. Both come from the same state, so what a client
 * sees and what a test counts cannot drift apart.
 */
import type { StoredMessage } from '../../types.js';
import {
  SHOP,
  type LegacyMessage,
  type MiraklOrder,
  type MiraklState,
  type MiraklThread,
  type Participant,
  type ThreadMessage,
} from './state.js';

function attachmentResource(state: MiraklState, id: string) {
  const a = state.attachments.get(id)!;
  return { id: a.id, name: a.name, size: a.size };
}

function authorOf(p: Participant): StoredMessage['author'] {
  return { kind: p.type.toLowerCase(), ...(p.id ? { id: p.id } : {}), name: p.display_name };
}

function senderResource(p: Participant) {
  return { display_name: p.display_name, type: p.type, organization_details: p };
}

function messageResource(state: MiraklState, m: ThreadMessage) {
  return {
    id: m.id,
    body: m.body,
    date_created: m.date_created.toISOString(),
    from: senderResource(m.from),
    to: m.to,
    attachments: m.attachmentIds.map((id) => attachmentResource(state, id)),
  };
}

/**
 * Since when the shop owes an answer: the first customer message after the shop's (or the
 * operator's) last one, while the customer spoke last. Undefined when nothing is owed.
 */
function shopReplyNeededSince(thread: MiraklThread): Date | undefined {
  let since: Date | undefined;
  for (const m of thread.messages) {
    if (m.from.type !== 'CUSTOMER') since = undefined;
    else since ??= m.date_created;
  }
  return since;
}

export function threadResource(
  state: MiraklState,
  thread: MiraklThread,
  messages: ThreadMessage[] | undefined,
) {
  const last = thread.messages[thread.messages.length - 1];
  const replyNeeded = shopReplyNeededSince(thread);
  return {
    id: thread.id,
    topic: thread.topic,
    entities: [thread.entity],
    authorized_participants: thread.authorized_participants,
    current_participants: thread.current_participants,
    date_created: thread.date_created.toISOString(),
    date_updated: thread.date_updated.toISOString(),
    ...(messages ? { messages: messages.map((m) => messageResource(state, m)) } : {}),
    metadata: {
      total_count: thread.messages.length,
      ...(last
        ? {
            last_message_date: last.date_created.toISOString(),
            last_sender: senderResource(last.from),
          }
        : {}),
      ...(replyNeeded ? { shop_reply_needed_since: replyNeeded.toISOString() } : {}),
    },
  };
}

export function legacyResource(m: LegacyMessage, orders: Map<string, MiraklOrder>) {
  const order = orders.get(m.order_id);
  return {
    id: m.id,
    body: m.body,
    subject: m.subject,
    ...(order ? { commercial_id: order.commercialId } : {}),
    date_created: m.date_created.toISOString(),
    ...(m.from.id ? { from_id: m.from.id } : {}),
    from_name: m.from.display_name,
    from_type: m.from.type,
    to_operator: m.to_operator,
    ...(m.to_customer && order
      ? { to_customer_id: order.customer.id, to_customer_name: order.customer.display_name }
      : {}),
    ...(m.to_shop ? { to_shop_id: SHOP.id, to_shop_name: SHOP.display_name } : {}),
    order_id: m.order_id,
    documents: [],
  };
}

/** Thread messages first, then the OR42/M01 ones, each in the order they were stored. */
export function storedMessages(state: MiraklState, orderId?: string): StoredMessage[] {
  const result: StoredMessage[] = [];
  for (const thread of state.threads) {
    if (orderId !== undefined && thread.entity.id !== orderId) continue;
    for (const m of thread.messages) {
      result.push({
        vendor: 'mirakl',
        id: m.id,
        orderId: thread.entity.id,
        threadId: thread.id,
        text: m.body,
        createdAt: m.date_created,
        author: authorOf(m.from),
        attachments: m.attachmentIds.map((id) => attachmentResource(state, id)),
        raw: messageResource(state, m),
      });
    }
  }
  for (const m of state.legacy) {
    if (orderId !== undefined && m.order_id !== orderId) continue;
    result.push({
      vendor: 'mirakl',
      id: String(m.id),
      orderId: m.order_id,
      text: m.body,
      createdAt: m.date_created,
      author: authorOf(m.from),
      raw: legacyResource(m, state.orders),
    });
  }
  return result;
}
