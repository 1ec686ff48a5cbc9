/**
 * What the CLI says about particular vendors that their descriptors do not carry (yet). These are
 * the only vendor names in the CLI's source: once `VendorDescriptor` says what an order is called
 * and what else a permission error can come from, they belong there and this file goes.
 */

/** Vendors whose orders are help-desk tickets: `--order` takes the ticket id. */
export const TICKET_VENDORS: readonly string[] = ['omnidesk'];

/** Per vendor, a setting besides the key's rights that decides what a request may act on. */
export const PERMISSION_NOTES: Readonly<Record<string, string>> = { mirakl: 'the shop id' };
