/** Omnidesk's own checks, before anything is sent: of the connection's options, and of a request. */
import {
  checkString,
  checkWholeNumber,
  type OrderRef,
  type RequestIssue,
  type SendRequest,
} from '../../adapter-kit.js';
import {
  omnideskOptionsOf,
  type OmnideskConnectionOptions,
  type OmnideskVendorOptions,
} from './config.js';

const CHANNEL = /^([0-9]+|calllog|contactform)$/;
const CHANNEL_FORM = 'a numeric channel id, "calllog" or "contactform"';
/** A channel `type` Omnidesk takes: the request's `channel` and the connection's defaults alike. */
const isChannel = (value: unknown) => typeof value === 'string' && CHANNEL.test(value);
const TICKET_ID = /^[1-9][0-9]{0,15}$/;

/**
 * Clock offsets in use run from UTC-12:00 to UTC+14:00; the spec states none (Omnidesk's times
 * carry no zone at all), so the range is the adapter's.
 */
const UTC_OFFSET_RANGE = { min: -12 * 60, max: 14 * 60 };

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
  if (typeof channel === 'string' && !isChannel(channel)) {
    issues.push({
      field: 'vendorOptions.omnidesk.channel',
      reason: 'invalid',
      message: `channel must be ${CHANNEL_FORM} (got ${JSON.stringify(channel)})`,
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

/** The options only this adapter reads, checked when the connection is created. */
export function checkOptions(options: OmnideskConnectionOptions): void {
  checkString('omnidesk', 'defaultChannel', options.defaultChannel, isChannel, CHANNEL_FORM);
  checkString('omnidesk', 'noteChannel', options.noteChannel, isChannel, CHANNEL_FORM);
  // `userID` 0 is the server's own default ("Agent Anonymous"); ids are never negative.
  checkWholeNumber('omnidesk', 'userId', options.userId, { min: 0 });
  checkWholeNumber('omnidesk', 'utcOffsetMinutes', options.utcOffsetMinutes, UTC_OFFSET_RANGE);
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
