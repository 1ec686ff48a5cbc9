/**
 * Mirakl's error envelope `{message, status}` and the checks every handler shares.
 * Mirakl words one message for all invalid fields, so validation issues are joined.
 */
import { reasonPhrase } from '../../faults.js';
import type { HandlerContext, Reply, ValidationIssue, VendorErrors } from '../../types.js';
import { SHOP_ID } from './state.js';

export function miraklError(status: number, message: string): Reply {
  return { status, body: { message, status } };
}

/** `shop_id` picks one of the user's shops; the sandbox user has exactly one. */
export function foreignShopError(ctx: HandlerContext): Reply | undefined {
  const shopId = ctx.query.shop_id;
  return shopId === undefined || shopId === SHOP_ID
    ? undefined
    : miraklError(403, `You are not allowed to access shop ${String(shopId)}`);
}

function describe(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.field || (issue.location === 'body' ? 'request body' : issue.location);
      return issue.rule === 'required' ? `${field} is required` : issue.message;
    })
    .join(', ');
}

export const miraklErrors: VendorErrors = {
  unauthorized: () => miraklError(401, 'Unauthorized'),
  validation: (_ctx, issues) => miraklError(400, describe(issues)),
  notFound: (_ctx, message) => miraklError(404, message ?? 'Not Found'),
  rateLimited: (_ctx, retryAfterSeconds) => ({
    ...miraklError(429, 'Too Many Requests'),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  generic: (_ctx, status, message) => miraklError(status, message ?? reasonPhrase(status)),
};
