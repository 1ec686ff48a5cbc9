/**
 * The sync under load, full size: per vendor with sync, 2,000 orders × 5 messages in the sandbox,
 * customers writing while the first scan runs, then the request count of a sync after 10 and
 * after 100 orders changed. Prints the figures; exit code 1 when a message was missed or repeated.
 *
 *   npx -y pnpm@10 --filter @org/order-messaging sync-load [-- vendor ...]
 *
 * `@org/provider-sandbox` is loaded from its build (`dist/`); build it first after changing it.
 */
import { VENDORS, type RegisteredVendorName } from '@org/order-messaging/vendors';
import { describeSyncLoad, runSyncLoad } from '../test/support/sync-load.js';

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const vendors = VENDORS.filter(
  (d) =>
    (d.capabilities.sync?.mode ?? 'none') !== 'none' &&
    (requested.length === 0 || requested.includes(d.name)),
).map((d) => d.name as RegisteredVendorName);

let failed = false;
for (const vendor of vendors) {
  const result = await runSyncLoad({
    vendor,
    orders: 2_000,
    messagesPerOrder: 5,
    arrivalsPerCheckpoint: 20,
    changedOrders: [10, 100],
  });
  console.log(describeSyncLoad(result));
  if (result.missed > 0 || result.repeated > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
