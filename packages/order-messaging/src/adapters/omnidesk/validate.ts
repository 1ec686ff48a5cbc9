/** Omnidesk's own request checks, before anything is sent. */
import type { OrderRef, RequestIssue, SendRequest } from '../../adapter-kit.js';
import { omnideskOptionsOf, type OmnideskVendorOptions } from './config.js';

const CHANNEL = /^([0-9]+|calllog|contactform)$/;
const TICKET_ID = /^[1-9][0-9]{0,15}$/;

/** An Omnidesk order is a ticket, named by its numeric id. */
function ticketIdIssue(orderId: unknown): RequestIssue | undefined {
  if (
    typeof orderId === 'string' &&
    orderId !== '' &&
    // Ticket ids travel as JSON/form numbers: above 2^53 they would silently name another ticket.
    !(TICKET_ID.test(orderId) && Number.isSafeInteger(Number(orderId)))
  ) {
    return {
      field: 'orderId',
      reason: 'invalid',
      message: `an Omnidesk order is a ticket: orderId must be the numeric ticket id (got ${JSON.stringify(orderId)})`,
    };
  }
  return undefined;
}

function channelIssues(request: SendRequest<OmnideskVendorOptions>): RequestIssue[] {
  const { channel } = omnideskOptionsOf(request);
  const issues: RequestIssue[] = [];
  if (typeof channel === 'string' && !CHANNEL.test(channel)) {
    issues.push({
      field: 'vendorOptions.omnidesk.channel',
      reason: 'invalid',
      message: `channel must be a numeric channel id, "calllog" or "contactform" (got ${JSON.stringify(channel)})`,
    });
  }
  if (request.internal === true && channel !== undefined) {
    issues.push({
      field: 'vendorOptions.omnidesk.channel',
      reason: 'invalid',
      message: 'an internal note goes to the note channel; leave channel out',
    });
  }
  return issues;
}

export function validate(
  request: OrderRef<OmnideskVendorOptions> | SendRequest<OmnideskVendorOptions>,
  operation: 'send' | 'list',
): RequestIssue[] {
  const ticketIssue = ticketIdIssue(request.orderId);
  return [
    ...(ticketIssue ? [ticketIssue] : []),
    ...(operation === 'send' ? channelIssues(request as SendRequest<OmnideskVendorOptions>) : []),
  ];
}
