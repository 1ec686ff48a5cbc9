import type { VendorOptions } from '@org/order-messaging';

/**
 * The CLI keeps flat names (`--subject`, a `channel` column); the facade takes them under the
 * connection's vendor (`vendorOptions.mirakl.subject`), so an option the vendor does not honour
 * is refused by the facade's validation, naming the field.
 */
export function withVendorOptions(
  vendor: string,
  options: Readonly<Record<string, string | undefined>>,
): { vendorOptions?: VendorOptions } {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  return given.length > 0 ? { vendorOptions: { [vendor]: Object.fromEntries(given) } } : {};
}
