/**
 * What the Mirakl fake holds and the only ways it grows: a new thread on an order, a
 * message (with its attachments) on a thread, and a deprecated OR42 message on an
 * order. Seed data and handlers both go through these, so ids and participant lists
 * follow one rule.
 */
import type { MiraklOrderMessageCreate } from '@org/mirakl-client';
import type { UploadedFile } from '../../types.js';

type ParticipantType = 'OPERATOR' | 'SHOP' | 'CUSTOMER';

export interface Participant {
  display_name: string;
  id?: string;
  type: ParticipantType;
}

interface MiraklAttachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  bytes: Uint8Array;
  threadId: string;
  messageId: string;
}

export interface ThreadMessage {
  id: string;
  body: string;
  date_created: Date;
  from: Participant;
  to: Participant[];
  attachmentIds: string[];
}

export interface MiraklThread {
  id: string;
  topic: { type: string; value: string };
  entity: { id: string; label: string; type: string };
  authorized_participants: Participant[];
  current_participants: Participant[];
  date_created: Date;
  date_updated: Date;
  messages: ThreadMessage[];
}

export interface MiraklOrder {
  id: string;
  commercialId: string;
  channel: string;
  customer: Participant;
}

export interface LegacyMessage {
  id: number;
  order_id: string;
  subject: string;
  body: string;
  date_created: Date;
  from: Participant;
  to_operator: boolean;
  to_customer: boolean;
  to_shop: boolean;
  document_ids: (number | string)[];
}

export interface MiraklState {
  orders: Map<string, MiraklOrder>;
  threads: MiraklThread[];
  attachments: Map<string, MiraklAttachment>;
  legacy: LegacyMessage[];
  counters: { thread: number; message: number; attachment: number; legacy: number };
}

/** The sandbox's public Mirakl credentials (`sandbox.vendors.mirakl`). */
export interface MiraklCredentials {
  /** Sent as the raw `Authorization` header value (no `Bearer`). */
  readonly apiKey: string;
  /** OAuth access token, sent as `Authorization: Bearer <token>`. */
  readonly bearerToken: string;
  /** The seller's shop (`shop_id` query parameter). */
  readonly shopId: number;
}

export const API_KEY = 'mirakl_sandbox_7d1c9a3b5e2f4c6d8a0b1c2d3e4f5a6b';
export const BEARER = 'mirakl_sandbox_oauth_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
export const SHOP_ID = 2010;

export const OPERATOR: Participant = { display_name: 'Operator', type: 'OPERATOR' };
export const SHOP: Participant = {
  display_name: 'Sandbox Shop',
  id: String(SHOP_ID),
  type: 'SHOP',
};

function uuid(prefix: string, n: number): string {
  return `${prefix}-${n.toString(16).padStart(12, '0')}`;
}

export function newThread(
  state: MiraklState,
  order: MiraklOrder,
  topic: string,
  created: Date,
): MiraklThread {
  const thread: MiraklThread = {
    id: uuid('3fa85f64-5717-4562-b3fc', ++state.counters.thread),
    topic: { type: 'FREE_TEXT', value: topic },
    entity: { id: order.id, label: order.commercialId, type: 'MMP_ORDER' },
    authorized_participants: [OPERATOR, SHOP, order.customer],
    current_participants: [],
    date_created: created,
    date_updated: created,
    messages: [],
  };
  state.threads.push(thread);
  return thread;
}

type NewAttachment = Pick<UploadedFile, 'filename' | 'contentType' | 'bytes'>;

function storeAttachments(
  state: MiraklState,
  thread: MiraklThread,
  message: ThreadMessage,
  files: readonly NewAttachment[],
): void {
  for (const file of files) {
    const id = uuid('5d7a1f0e-2c3b-4a5d-8e9f', ++state.counters.attachment);
    state.attachments.set(id, {
      id,
      name: file.filename,
      size: file.bytes.byteLength,
      contentType: file.contentType,
      bytes: file.bytes,
      threadId: thread.id,
      messageId: message.id,
    });
    message.attachmentIds.push(id);
  }
}

function joinCurrentParticipants(thread: MiraklThread, participants: readonly Participant[]) {
  for (const participant of participants) {
    if (
      !thread.current_participants.some(
        (p) => p.type === participant.type && p.id === participant.id,
      )
    ) {
      thread.current_participants.push(participant);
    }
  }
}

export function addMessage(
  state: MiraklState,
  thread: MiraklThread,
  from: Participant,
  to: Participant[],
  body: string,
  created: Date,
  files: readonly NewAttachment[] = [],
): ThreadMessage {
  const message: ThreadMessage = {
    id: uuid('9f2c1a3e-5b7d-4e8f-9a0b', ++state.counters.message),
    body,
    date_created: created,
    from,
    to,
    attachmentIds: [],
  };
  storeAttachments(state, thread, message, files);
  thread.messages.push(message);
  thread.date_updated = created;
  joinCurrentParticipants(thread, [from, ...to]);
  return message;
}

/** `customer_*` fields say a customer wrote the message (front/operator APIs); otherwise the shop did. */
function senderOf(input: MiraklOrderMessageCreate): Participant {
  if (!input.customer_id) return SHOP;
  return {
    display_name:
      [input.customer_firstname, input.customer_lastname].filter(Boolean).join(' ') ||
      input.customer_id,
    id: input.customer_id,
    type: 'CUSTOMER',
  };
}

/** An OR42 message on an order, stored as OR42 stores it. */
export function addOrderMessage(
  state: MiraklState,
  order: MiraklOrder,
  input: MiraklOrderMessageCreate,
  created: Date,
): LegacyMessage {
  const message: LegacyMessage = {
    id: ++state.counters.legacy,
    order_id: order.id,
    subject: input.subject,
    body: input.body,
    date_created: created,
    from: senderOf(input),
    to_operator: input.to_operator,
    to_customer: input.to_customer,
    to_shop: input.to_shop,
    document_ids: input.document_ids ?? [],
  };
  state.legacy.push(message);
  return message;
}
