/** Omnidesk's error envelope `{status: "error", message}`; invalid input is a 400 naming each field. */
import { reasonPhrase } from '../../faults.js';
import type { Reply, ValidationIssue, VendorErrors } from '../../types.js';

export function omnideskError(status: number, message: string): Reply {
  return { status, body: { status: 'error', message } };
}

function describe(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.field || issue.location;
      switch (issue.rule) {
        case 'required':
          return `The field ${field} is required`;
        case 'minLength':
          return `The field ${field} must be at least ${String(issue.limit)} characters`;
        case 'pattern':
          return `The field ${field} has an invalid format`;
        case 'type':
          return `The field ${field} must be of type ${String(issue.limit)}`;
        default:
          return `The field ${field} is invalid (${issue.message})`;
      }
    })
    .join('; ');
}

export const omnideskErrors: VendorErrors = {
  unauthorized: () => omnideskError(401, 'Invalid or missing API key'),
  validation: (_ctx, issues) => omnideskError(400, describe(issues)),
  notFound: (_ctx, message) => omnideskError(404, message ?? 'Not found'),
  rateLimited: (_ctx, retryAfterSeconds) => ({
    ...omnideskError(429, 'Too many requests'),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  generic: (_ctx, status, message) => omnideskError(status, message ?? reasonPhrase(status)),
};
