/** Mirakl's own request checks, before anything is sent. */
import { checkId, type OrderRef, type RequestIssue, type SendRequest } from '../../adapter-kit.js';
import { miraklOptionsOf, type MiraklVendorOptions } from './config.js';

export function validate(
  request: OrderRef<MiraklVendorOptions> | SendRequest<MiraklVendorOptions>,
): RequestIssue[] {
  const issues: RequestIssue[] = [];
  if (typeof request.orderId === 'string' && request.orderId.includes(',')) {
    issues.push({
      field: 'orderId',
      reason: 'invalid',
      message: 'a Mirakl order id cannot contain "," (M11 takes entity ids comma-separated)',
    });
  }
  const { threadId } = miraklOptionsOf(request);
  if (threadId !== undefined) {
    const issue = checkId(threadId, 'vendorOptions.mirakl.threadId');
    if (issue) issues.push(issue);
  }
  return issues;
}
