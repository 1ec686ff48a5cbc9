/** SPP's sandbox state: users, orders and their messages, and the sandbox credentials. */
import type { SppOrder as SppApiOrder } from '@org/spp-client';

export interface SppUser {
  id: number;
  name_f: string;
  name_l: string;
  email: string;
  staff: boolean;
}

/** Price, quantity and payment system as the spec's example order has them. */
export type ExampleOrderFields = Pick<SppApiOrder, 'price' | 'quantity' | 'paysys'>;

export interface SppOrder extends ExampleOrderFields {
  id: number;
  number: string;
  user_id: number;
  status: string;
  service: string;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date | null;
}

export interface SppFile {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
}

export interface SppMessage {
  id: number;
  order_id: number;
  user_id: number;
  created_at: Date;
  message: string;
  staff_only: boolean;
  files: SppFile[];
}

export interface SppState {
  users: SppUser[];
  orders: SppOrder[];
  messages: SppMessage[];
  nextMessageId: number;
  nextFileId: number;
}

/** The sandbox's public SPP credentials (`sandbox.vendors.spp`). */
export interface SppCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** Value of the optional `X-Api-Version` request header the sandbox echoes by default. */
  readonly apiVersion: string;
}

export interface SppOrderRef {
  /** Numeric order id, as a string (the `{order}` path parameter accepts it). */
  readonly id: string;
  /** Order number, also accepted as `{order}`. */
  readonly number: string;
}

/** Seeded SPP ids (`sandbox.seed.spp`). */
export interface SppSeed {
  /** 25 messages: more than one page at the spec's default page size (`x-limits.defaultLimit`). */
  readonly orderWithManyMessages: SppOrderRef;
  /** An order with a few messages (one page). */
  readonly orderWithFewMessages: SppOrderRef;
  /** An order with no message yet. */
  readonly orderWithoutMessages: SppOrderRef;
  /** The user who owns the API key (default author). */
  readonly apiUserId: number;
  /** A staff member. */
  readonly staffUserId: number;
  /** The client who placed the seeded orders. */
  readonly clientUserId: number;
  /** How many messages `orderWithManyMessages` holds. */
  readonly messageCountOfManyMessagesOrder: number;
}

export const TOKEN = 'spp_sandbox_3c1e5b7a9d2f4e6081a3c5e7f9b1d3e5';
export const API_VERSION = '2024-03-05';
export const SEED_TIME = Date.UTC(2024, 0, 15, 9, 0, 0);
export const MANY_MESSAGES = 25;

export function isoOffset(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function findOrder(state: SppState, ref: unknown): SppOrder | undefined {
  const text = String(ref);
  return state.orders.find(
    (o) => o.number === text || (/^\d+$/.test(text) && o.id === Number(text)),
  );
}

/**
 * Stores a message and moves the order's `last_message_at` (inferred in the spec) and
 * `updated_at` with it: the sandbox assumes Laravel's `touches` on the message relation,
 * which the vendor does not document.
 */
export function addMessage(state: SppState, order: SppOrder, message: SppMessage): void {
  state.messages.push(message);
  if (!order.last_message_at || message.created_at >= order.last_message_at) {
    order.last_message_at = message.created_at;
  }
  if (message.created_at > order.updated_at) order.updated_at = message.created_at;
}
