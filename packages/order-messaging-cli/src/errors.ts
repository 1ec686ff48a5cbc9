import {
  ConfigurationError,
  isOrderMessagingError,
  RateLimitedError,
  ValidationError,
  type OrderMessagingError,
} from '@org/order-messaging';
import { vendorDescriptor, VENDORS, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { exitCodeFor, UsageError } from './exit-codes.js';
import { describeUnknown } from './output.js';
import { flagName, listOf, VENDOR_SETTINGS, type VendorName } from './vendors.js';

type Descriptor = AnyVendorDescriptor | undefined;

function settingsOf(descriptor: AnyVendorDescriptor) {
  return VENDOR_SETTINGS[descriptor.name as VendorName];
}

function credentialNames(descriptor: Descriptor): string {
  if (!descriptor) return 'the credentials';
  return settingsOf(descriptor)
    .filter((setting) => setting.secret)
    .map((setting) => `${setting.env} (${flagName(setting)})`)
    .join(' or ');
}

/** The settings that say where the vendor is: the requirement naming `baseUrl`, else `baseUrl`. */
function locationNames(descriptor: Descriptor): string {
  if (!descriptor) return 'the base URL';
  const keys = descriptor.requirements.find((requirement) => requirement.anyOf.includes('baseUrl'))
    ?.anyOf ?? ['baseUrl'];
  const names = settingsOf(descriptor).filter((setting) => keys.includes(setting.key));
  return names.map((setting) => setting.env).join(' / ') || 'the base URL';
}

function notFoundHint(descriptor: Descriptor): string {
  const kinds = descriptor?.capabilities.orderKinds;
  if (kinds && kinds.length > 0) return `Check the order id and --order-kind (${listOf(kinds)}).`;
  if (descriptor?.orderTerm) {
    return `Check the ${descriptor.orderTerm} id (${descriptor.title} orders are ${descriptor.orderTerm}s).`;
  }
  return `Check the order id and ${locationNames(descriptor)} (the order may belong to another account).`;
}

function permissionHint(): string {
  const notes = VENDORS.filter((vendor) => vendor.permissionNote !== undefined).map(
    (vendor) => `${vendor.title}: ${vendor.permissionNote}`,
  );
  return `The credentials work but may not act on this order: check the key's rights${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`;
}

function retryAfter(error: OrderMessagingError): string {
  const ms = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
  return ms === undefined ? '' : ` (retry after ${Math.ceil(ms / 1000)} s)`;
}

/** What the user can do about an error of this kind. */
export function hintFor(error: OrderMessagingError): string {
  const descriptor = error.vendor === undefined ? undefined : vendorDescriptor(error.vendor);
  switch (error.kind) {
    case 'validation':
      return 'Fix the message (see `order-messaging capabilities` for the limits of this vendor).';
    case 'authentication':
      return `Check ${credentialNames(descriptor)}: the key may be wrong, revoked or for another account.`;
    case 'permission':
      return permissionHint();
    case 'not_found':
      return notFoundHint(descriptor);
    case 'invalid_order_state':
      return 'The order no longer accepts messages (closed, refunded or archived).';
    case 'rate_limited':
      return `The vendor kept throttling${retryAfter(error)}: wait, lower --concurrency, or allow longer waits (--max-rate-limit-wait, --total-timeout).`;
    case 'vendor_server':
      return 'The vendor had a server error: retry later.';
    case 'network':
      return `Could not reach the vendor: check ${locationNames(descriptor)} and the network.`;
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
