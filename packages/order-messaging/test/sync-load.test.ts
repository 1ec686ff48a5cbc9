/**
 * The sync under load, CI size (the full run is `pnpm --filter @org/order-messaging sync-load`):
 * every vendor with sync, 200 orders × 5 messages, customers writing during the first scan.
 * Counts only, never timings.
 */
import { describe, expect, it } from 'vitest';
import { VENDORS, type RegisteredVendorName } from '@org/order-messaging/vendors';
import { describeSyncLoad, runSyncLoad } from './support/sync-load.js';

const ORDERS = 200;
const WITH_SYNC = VENDORS.filter((d) => (d.capabilities.sync?.mode ?? 'none') !== 'none');

describe.each(WITH_SYNC.map((d) => [d.name, d] as const))('%s', (name, descriptor) => {
  it('delivers every stored message exactly once, arrivals during the scan included', async () => {
    const result = await runSyncLoad({
      vendor: name as RegisteredVendorName,
      orders: ORDERS,
      messagesPerOrder: 5,
      arrivalsPerCheckpoint: 5,
      changedOrders: [5, 50],
    });
    const summary = describeSyncLoad(result);
    expect(result.arrivedDuringScan, summary).toBeGreaterThan(0);
    expect(result.stored, summary).toBe(ORDERS * 5 + result.arrivedDuringScan);
    expect({ missed: result.missed, repeated: result.repeated }, summary).toEqual({
      missed: 0,
      repeated: 0,
    });
    expect(result.delivered, summary).toBe(result.stored);
    for (const step of result.incremental) {
      expect(step.delivered, summary).toBe(step.changedOrders);
    }
    if (descriptor.capabilities.sync?.mode === 'updated-since') {
      // The cost follows the changed orders (a listing page, then at most a read or two per
      // changed order), not the orders of the account.
      for (const step of result.incremental) {
        expect(step.requests, summary).toBeLessThanOrEqual(2 * step.changedOrders + 5);
      }
    }
  }, 120_000);
});

it('covers at least the vendors that filter by update time', () => {
  expect(WITH_SYNC.some((d) => d.capabilities.sync?.mode === 'updated-since')).toBe(true);
});
