/**
 * The deprecated order messages: OR42 posts one on an order, M01 lists them. They
 * live beside the threads, not in them, as on Mirakl.
 */
import type { MiraklOrderMessageCreate, operations } from '@org/mirakl-client';
import type { HandlerContext, Reply } from '../../types.js';
import { foreignShopError, miraklError } from './errors.js';
import { miraklLimits } from './limits.js';
import { legacyResource } from './resources.js';
import { addOrderMessage, type LegacyMessage, type MiraklState } from './state.js';

function postOrderMessage(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const order = state.orders.get(String(ctx.pathParams.order_id));
  if (!order) return miraklError(404, `Order ${String(ctx.pathParams.order_id)} not found`);
  const input = ctx.body as MiraklOrderMessageCreate;
  if (input.body.trim() === '') return miraklError(400, 'body must not be blank');
  if (!input.to_customer && !input.to_operator && !input.to_shop) {
    return miraklError(400, 'At least one of to_customer, to_operator and to_shop must be true');
  }
  const stored = state.legacy.filter((m) => m.order_id === order.id).length;
  const { maxMessagesPerThread } = miraklLimits(ctx.spec);
  if (stored >= maxMessagesPerThread) {
    return miraklError(
      400,
      `The order ${order.id} has reached the maximum of ${maxMessagesPerThread} messages`,
    );
  }
  const message = addOrderMessage(state, order, input, ctx.now);
  return { status: 201, body: { id: message.id } };
}

type OrderMessageQuery = NonNullable<operations['listMessages']['parameters']['query']>;

function matchingOrderMessages(state: MiraklState, q: OrderMessageQuery): LegacyMessage[] {
  const received = q.received ?? 'TRUE';
  const start = q.start_date ? new Date(q.start_date).getTime() : undefined;
  const end = q.end_date ? new Date(q.end_date).getTime() : undefined;
  const direction = q.order === 'asc' ? 1 : -1;
  return (
    state.legacy
      .filter((m) => received === 'ALL' || (received === 'TRUE') === (m.from.type !== 'SHOP'))
      .filter((m) => !q.order_id || m.order_id === q.order_id)
      // The sandbox seeds no offer messages: an offer filter matches nothing.
      .filter(() => q.offer_id === undefined)
      .filter(
        (m) =>
          !q.customer_id ||
          m.from.id === q.customer_id ||
          (m.to_customer && state.orders.get(m.order_id)?.customer.id === q.customer_id),
      )
      .filter((m) => start === undefined || m.date_created.getTime() >= start)
      .filter((m) => end === undefined || m.date_created.getTime() < end)
      .sort(
        (a, b) =>
          direction * (a.date_created.getTime() - b.date_created.getTime()) ||
          direction * (a.id - b.id),
      )
  );
}

function listMessages(ctx: HandlerContext, state: MiraklState): Reply {
  const problem = foreignShopError(ctx);
  if (problem) return problem;
  const q = ctx.query as OrderMessageQuery;
  const matching = matchingOrderMessages(state, q);
  const offset = q.offset ?? 0;
  const page = q.paginate === false ? matching : matching.slice(offset, offset + (q.max ?? 10));
  return {
    status: 200,
    body: {
      messages: page.map((m) => legacyResource(m, state.orders)),
      total_count: matching.length,
    },
  };
}

export const orderMessageHandlers = { postOrderMessage, listMessages };
