import {
  ConfigurationError,
  isOrderMessagingError,
  RateLimitedError,
  ValidationError,
  type OrderMessagingError,
} from '@org/order-messaging';
import { exitCodeFor, UsageError } from './exit-codes.js';
import { describeUnknown } from './output.js';
import { isVendorName, VENDOR_SETTINGS } from './vendors.js';

function credentialNames(vendor: string | undefined): string {
  if (!isVendorName(vendor)) return 'the credentials';
  return VENDOR_SETTINGS[vendor]
    .filter((setting) => setting.secret)
    .map((setting) => `${setting.env} (${setting.flag.split(' ')[0]})`)
    .join(' or ');
}

function baseUrlNames(vendor: string | undefined): string {
  if (!isVendorName(vendor)) return 'the base URL';
  return VENDOR_SETTINGS[vendor]
    .filter((setting) => !setting.secret && /url|account|instance/i.test(setting.option))
    .map((setting) => setting.env)
    .join(' / ');
}

function retryAfter(error: OrderMessagingError): string {
  const ms = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
  return ms === undefined ? '' : ` (retry after ${Math.ceil(ms / 1000)} s)`;
}

/** What the user can do about an error of this kind. */
export function hintFor(error: OrderMessagingError): string {
  const vendor = error.vendor;
  switch (error.kind) {
    case 'validation':
      return 'Fix the message (see `order-messaging capabilities` for the limits of this vendor).';
    case 'authentication':
      return `Check ${credentialNames(vendor)}: the key may be wrong, revoked or for another account.`;
    case 'permission':
      return "The credentials work but may not act on this order: check the key's rights (Mirakl: the shop id).";
    case 'not_found':
      return vendor === 'gameboost'
        ? 'Check the order id and --order-kind (account, item or currency).'
        : vendor === 'omnidesk'
          ? 'Check the ticket id (Omnidesk orders are tickets).'
          : `Check the order id and ${baseUrlNames(vendor)} (the order may belong to another account).`;
    case 'invalid_order_state':
      return 'The order no longer accepts messages (closed, refunded or archived).';
    case 'rate_limited':
      return `The vendor kept throttling${retryAfter(error)}: wait, or lower --concurrency.`;
    case 'vendor_server':
      return 'The vendor had a server error: retry later.';
    case 'network':
      return `Could not reach the vendor: check ${baseUrlNames(vendor)} and the network.`;
    case 'timeout':
      return 'The vendor did not answer in time: retry, or raise --timeout.';
    case 'unsupported':
      return 'This vendor does not support that: see `order-messaging capabilities`.';
  }
}

export interface ErrorReport {
  readonly error: {
    readonly kind: string;
    readonly message: string;
    readonly hint?: string;
    readonly vendor?: string;
    readonly connection?: string;
    readonly status?: number;
    readonly requestId?: string;
    readonly retryable?: boolean;
    readonly delivery?: string;
    readonly field?: string;
  };
  readonly exitCode: number;
}

export function errorReport(error: unknown): ErrorReport {
  const exitCode = exitCodeFor(error);
  if (isOrderMessagingError(error)) {
    const deliveryNote =
      error.delivery === 'unknown'
        ? ' The message may or may not have been delivered: check with `order-messaging list` before sending it again.'
        : '';
    return {
      exitCode,
      error: {
        kind: error.kind,
        message: error.message,
        hint: hintFor(error) + deliveryNote,
        ...(error.vendor !== undefined ? { vendor: error.vendor } : {}),
        ...(error.connection !== undefined ? { connection: error.connection } : {}),
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
        retryable: error.retryable,
        delivery: error.delivery,
        ...(error instanceof ValidationError ? { field: error.field } : {}),
      },
    };
  }
  if (error instanceof UsageError || error instanceof ConfigurationError) {
    return { exitCode, error: { kind: 'usage', message: error.message } };
  }
  return {
    exitCode,
    error: {
      kind: 'internal',
      message: describeUnknown(error),
      hint: 'This looks like a bug in order-messaging; please report it with the command you ran (without credentials).',
    },
  };
}

/** One line for people: what failed, and what to do. */
export function formatErrorLine(report: ErrorReport): string {
  const { error } = report;
  // The facade's messages often carry the status and request id already; do not say them twice.
  const status =
    error.status !== undefined && !error.message.includes(`HTTP ${error.status}`)
      ? `HTTP ${error.status}`
      : undefined;
  const request =
    error.requestId && !error.message.includes(error.requestId)
      ? `request ${error.requestId}`
      : undefined;
  const where = [error.vendor, status, request].filter(Boolean).join(', ');
  const head = `error (${error.kind}${where ? `; ${where}` : ''}): ${error.message}`;
  return error.hint ? `${head}\n  ${error.hint}` : head;
}
