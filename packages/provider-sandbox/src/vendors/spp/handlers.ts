/** SPP's three message operations, with Laravel's pages and error bodies. */
import type { SppMessageMultipartRequest } from '@org/spp-client';
import type { HandlerContext, ReceivedBody, Reply } from '../../types.js';
import { isUploadedFile } from '../../types.js';
import { laravelValidationBody } from '../../wording.js';
import { laravelPage } from './pagination.js';
import { orderResource } from './resources.js';
import {
  addMessage,
  findOrder,
  isoOffset,
  type SppFile,
  type SppMessage,
  type SppState,
} from './state.js';

export function notFoundBody(model: string, id: unknown): Record<string, unknown> {
  return { message: `No query results for model [App\\Models\\${model}] ${String(id)}` };
}

function fileUrl(ctx: HandlerContext, file: SppFile): string {
  return `${ctx.baseUrl}/files/${file.id}/${encodeURIComponent(file.filename)}`;
}

function messageResource(
  ctx: HandlerContext,
  state: SppState,
  message: SppMessage,
): Record<string, unknown> {
  const order = state.orders.find((o) => o.id === message.order_id)!;
  return {
    id: message.id,
    user_id: message.user_id,
    created_at: isoOffset(message.created_at),
    message: message.message,
    staff_only: message.staff_only,
    files: message.files.map((f) => fileUrl(ctx, f)),
    order: orderResource(order),
    ticket: null,
  };
}

export function listOrderMessages(ctx: HandlerContext, state: SppState): Reply {
  const order = findOrder(state, ctx.pathParams.order);
  if (!order) return { status: 404, body: notFoundBody('Order', ctx.pathParams.order) };
  const requestedLimit = ctx.query.limit as number | undefined;
  // Page size when none is sent, and the largest one served: the spec's x-limits (inferred there).
  const perPage = Math.min(
    requestedLimit ?? ctx.spec.limit('listOrderMessages', 'defaultLimit'),
    ctx.spec.limit('listOrderMessages', 'maxLimit'),
  );
  const all = state.messages
    .filter((m) => m.order_id === order.id)
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id - a.id);
  const keep = requestedLimit === undefined ? [] : ([['limit', String(perPage)]] as const);
  const page = (ctx.query.page as number | undefined) ?? 1;
  return {
    status: 200,
    body: laravelPage(ctx, all, { page, perPage, keep }, (m) => messageResource(ctx, state, m)),
  };
}

export function createOrderMessage(ctx: HandlerContext, state: SppState): Reply {
  const order = findOrder(state, ctx.pathParams.order);
  if (!order) return { status: 404, body: notFoundBody('Order', ctx.pathParams.order) };
  // JSON bodies are the same fields without attachments.
  const body = ctx.body as ReceivedBody<SppMessageMultipartRequest, 'attachments'>;
  // Laravel's TrimStrings turns a blank message into null before `required` runs.
  if (body.message.trim() === '') {
    return {
      status: 400,
      body: laravelValidationBody([
        { location: 'body', field: 'message', rule: 'required', message: '' },
      ]),
    };
  }
  const userId = body.user_id ?? 1;
  if (!state.users.some((u) => u.id === userId)) {
    return {
      status: 422,
      body: {
        message: 'The selected user id is invalid.',
        errors: { user_id: ['The selected user id is invalid.'] },
      },
    };
  }
  const files: SppFile[] = (body.attachments ?? []).filter(isUploadedFile).map((file) => ({
    id: state.nextFileId++,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    bytes: file.bytes,
  }));
  const message: SppMessage = {
    id: state.nextMessageId++,
    order_id: order.id,
    user_id: userId,
    created_at: ctx.now,
    message: body.message,
    staff_only: body.staff_only ?? false,
    files,
  };
  addMessage(state, order, message);
  return { status: 201, body: messageResource(ctx, state, message) };
}

export function deleteOrderMessage(ctx: HandlerContext, state: SppState): Reply {
  const id = ctx.pathParams.message as number;
  const index = state.messages.findIndex((m) => m.id === id);
  if (index < 0) return { status: 404, body: notFoundBody('OrderMessage', id) };
  state.messages.splice(index, 1);
  return { status: 204 };
}
