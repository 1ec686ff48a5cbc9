/** Mirakl's own checks, before anything is sent: of the connection's options, and of a request. */
import { operationsById } from '@org/mirakl-client';
import {
  checkChoice,
  checkChoices,
  checkId,
  checkWholeNumber,
  type Audience,
  type OrderRef,
  type RequestIssue,
  type SendRequest,
} from '../../adapter-kit.js';
import {
  miraklOptionsOf,
  type MiraklConnectionOptions,
  type MiraklVendorOptions,
} from './config.js';

/** M11's `limit` as the spec bounds it (it states no maximum). */
const PAGE_SIZE_RANGE = { min: operationsById.listThreads.request.params.query.limit.minimum };

/** What `actingAs` may name: the sides of a thread a connection can write for. */
const SIDES: readonly NonNullable<MiraklConnectionOptions['actingAs']>[] = ['seller', 'operator'];

/**
 * The options only this adapter reads, checked when the connection is created; `audiences` are
 * the ones the adapter can address (its capabilities).
 */
export function checkOptions(
  options: MiraklConnectionOptions,
  audiences: readonly Audience[],
): void {
  checkWholeNumber('mirakl', 'pageSize', options.pageSize, PAGE_SIZE_RANGE);
  // 0 is documented: every send then looks its order's threads up first.
  checkWholeNumber('mirakl', 'threadCacheSize', options.threadCacheSize, { min: 0 });
  checkChoice('mirakl', 'actingAs', options.actingAs, SIDES);
  // Each send without an audience goes to these: an empty list would address nobody.
  checkChoices('mirakl', 'defaultAudience', options.defaultAudience, audiences);
}

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
