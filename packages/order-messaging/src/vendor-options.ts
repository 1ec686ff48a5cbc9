/**
 * Options only one vendor understands travel under that vendor's name, as vercel/ai's
 * `providerOptions` do: `{ vendorOptions: { mirakl: { subject: 'Delivery' } } }`. A typed
 * connection accepts only its own vendor's key; at run time an option for another vendor, or
 * one the vendor does not honour, is a `ValidationError` naming the field, never dropped.
 */
import type { RequestIssue } from './adapter.js';
import type { Capabilities, OrderRef, SendOption, VendorOptions } from './model.js';
import { quoted } from './validation-text.js';

/** The options a request carries for `vendor`, typed by the adapter that reads them. */
export function vendorOptionsOf<O extends object>(
  ref: OrderRef<Partial<Record<string, O>>> | OrderRef,
  vendor: string,
): Partial<O> {
  const all = ref.vendorOptions as Readonly<Record<string, unknown>> | undefined;
  const own = all?.[vendor];
  return (typeof own === 'object' && own !== null ? own : {}) as Partial<O>;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Options a listing honours; sends honour every `capabilities.sendOptions`. */
const REF_OPTIONS: readonly SendOption[] = ['orderKind'];

function checkOption(
  option: string,
  value: unknown,
  field: string,
  capabilities: Capabilities,
): RequestIssue | undefined {
  if (option === 'orderKind') {
    if (!capabilities.orderKinds) return undefined;
    if (typeof value === 'string' && capabilities.orderKinds.includes(value)) return undefined;
    return {
      field,
      reason: 'invalid',
      message: `${field} must be one of ${capabilities.orderKinds.join(', ')} (got ${quoted(value)})`,
    };
  }
  if (option === 'readBack') {
    if (typeof value === 'boolean') return undefined;
    return {
      field,
      reason: 'invalid',
      message: `${field} must be a boolean (got ${quoted(value)})`,
    };
  }
  if (typeof value === 'string' && value.trim() !== '') return undefined;
  return { field, reason: 'invalid', message: `${field} must be a non-empty string` };
}

/** Problems with `ref.vendorOptions` for a connection of `capabilities.vendor`. */
export function validateVendorOptions(
  ref: OrderRef<VendorOptions>,
  capabilities: Capabilities,
  operation: 'send' | 'list',
): RequestIssue[] {
  const options = ref.vendorOptions;
  if (options === undefined) return [];
  if (!isPlainObject(options)) {
    return [
      {
        field: 'vendorOptions',
        reason: 'invalid',
        message: 'vendorOptions must be an object keyed by vendor name',
      },
    ];
  }
  const vendor = capabilities.vendor;
  const issues: RequestIssue[] = [];
  for (const [key, own] of Object.entries(options)) {
    if (own === undefined) continue;
    const field = `vendorOptions.${key}`;
    if (key !== vendor) {
      issues.push({
        field,
        reason: 'unsupported',
        message: `${field}: options for ${key} on a ${vendor} connection`,
      });
    } else if (!isPlainObject(own)) {
      issues.push({ field, reason: 'invalid', message: `${field} must be an object` });
    } else {
      const honoured = operation === 'send' ? capabilities.sendOptions : REF_OPTIONS;
      for (const [option, value] of Object.entries(own)) {
        if (value === undefined) continue;
        const optionField = `${field}.${option}`;
        const issue =
          honoured.includes(option as SendOption) &&
          capabilities.sendOptions.includes(option as SendOption)
            ? checkOption(option, value, optionField, capabilities)
            : {
                field: optionField,
                reason: 'unsupported' as const,
                message: `${vendor} does not support ${option}${operation === 'list' ? ' when listing' : ''}`,
              };
        if (issue) issues.push(issue);
      }
    }
  }
  return issues;
}
