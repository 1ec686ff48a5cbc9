/**
 * SPP (Service Provider Pro) order messages (specs/spp.yaml). Laravel backend:
 * newest-first pages with `links`/`meta`, `{message, errors}` validation bodies
 * (400 for input that breaks the documented schema, 422 for Laravel rules beyond it
 * such as an unknown `user_id`), `X-Api-Identifier`/`X-Api-Version` headers.
 */
import type { ReplyContext, StoredMessage } from '../../types.js';
import { defineVendor } from '../../types.js';
import { laravelStatusMessage, laravelValidationBody } from '../../wording.js';
import { createOrderMessage, deleteOrderMessage, listOrderMessages } from './handlers.js';
import { listOrders } from './orders.js';
import { customerMessage, populate } from './simulate.js';
import { seed, seedIds } from './seed.js';
import {
  API_VERSION,
  findOrder,
  isoOffset,
  TOKEN,
  type SppCredentials,
  type SppSeed,
  type SppState,
} from './state.js';

export type { SppCredentials, SppSeed, SppState } from './state.js';

export const spp = defineVendor<SppState, SppCredentials, SppSeed>({
  name: 'spp',
  credentials: { token: TOKEN, apiVersion: API_VERSION },
  secrets: { bearerAuth: TOKEN },
  seed,
  seedIds,
  messages(state, orderId): StoredMessage[] {
    const order = orderId === undefined ? undefined : findOrder(state, orderId);
    if (orderId !== undefined && !order) return [];
    return state.messages
      .filter((m) => !order || m.order_id === order.id)
      .map((m) => {
        const user = state.users.find((u) => u.id === m.user_id);
        return {
          vendor: 'spp',
          id: String(m.id),
          orderId: String(m.order_id),
          text: m.message,
          createdAt: m.created_at,
          author: {
            kind: user?.staff ? 'staff' : 'customer',
            id: String(m.user_id),
            ...(user ? { name: `${user.name_f} ${user.name_l}` } : {}),
          },
          internal: m.staff_only,
          attachments: m.files.map((f) => ({ id: String(f.id), name: f.filename, size: f.size })),
          raw: {
            id: m.id,
            user_id: m.user_id,
            created_at: isoOffset(m.created_at),
            message: m.message,
            staff_only: m.staff_only,
            files: m.files.map((f) => f.filename),
          },
        };
      });
  },
  handlers: { listOrderMessages, createOrderMessage, deleteOrderMessage, listOrders },
  customerMessage,
  populate,
  errors: {
    unauthorized: () => ({ status: 401, body: { message: 'Unauthenticated.' } }),
    validation: (_ctx, issues) => ({ status: 400, body: laravelValidationBody(issues) }),
    notFound: (_ctx, message) => ({ status: 404, body: { message: message ?? 'Not Found' } }),
    rateLimited: (ctx, retryAfterSeconds) => ({
      status: 429,
      body: { message: 'Too Many Attempts.' },
      headers: {
        'Retry-After': String(retryAfterSeconds),
        ...(ctx.rateLimit
          ? { 'X-RateLimit-Limit': String(ctx.rateLimit.limit), 'X-RateLimit-Remaining': '0' }
          : {}),
      },
    }),
    generic: (_ctx, status, message) => ({
      status,
      body: { message: message ?? laravelStatusMessage(status) },
    }),
  },
  example: (baseUrl, seed) =>
    `curl -H 'Authorization: Bearer ${TOKEN}' '${baseUrl}/api/order_messages/${seed.orderWithManyMessages.number}?page=2'`,
  responseHeaders(ctx: ReplyContext) {
    return { 'X-Api-Identifier': ctx.requestId, 'X-Api-Version': API_VERSION };
  },
});
