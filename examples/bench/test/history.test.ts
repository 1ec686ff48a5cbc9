/**
 * The send-cost targets, against the sandbox over real HTTP: requests per send (Mirakl 2 for the
 * first send to an order, then 1; Omnidesk 2; SPP and GameBoost 1), the same with 1,000 messages
 * on the order as with 1, and what each adapter states in `capabilities.sendCost`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '@org/order-messaging/vendors';
import { runHistoryBench, summarize, type HistoryResult } from '../src/history.js';
import { VENDOR_NAMES } from '../src/plans.js';

const TARGETS: Record<string, { first: number; then: number }> = {
  mirakl: { first: 2, then: 1 },
  spp: { first: 1, then: 1 },
  omnidesk: { first: 2, then: 2 },
  gameboost: { first: 1, then: 1 },
};

let result: HistoryResult;

beforeAll(async () => {
  result = await runHistoryBench({ sizes: [1, 1000], sends: 3 });
}, 60_000);

describe('send cost against history', () => {
  it('covers every registered vendor', () => {
    expect(result.vendors.map((v) => v.vendor)).toEqual(VENDOR_NAMES);
    expect(Object.keys(TARGETS).sort()).toEqual([...VENDOR_NAMES].sort());
  });

  it.each(VENDOR_NAMES)('%s: every send succeeds', (vendor) => {
    for (const row of result.rows.filter((r) => r.vendor === vendor))
      expect(row.failedSends, `${vendor} at ${row.history}`).toBe(0);
  });

  it.each(VENDOR_NAMES)(
    '%s: requests per send meet the target at 1 and 1,000 messages',
    (vendor) => {
      const summary = result.vendors.find((v) => v.vendor === vendor)!;
      expect(summary.requestsPerSend).toEqual(TARGETS[vendor]);
      expect(summary.growth.requests).toBeLessThanOrEqual(1.1);
    },
  );

  it.each(VENDOR_NAMES)('%s: capabilities.sendCost states what was measured', (vendor) => {
    const summary = result.vendors.find((v) => v.vendor === vendor)!;
    const cost = VENDORS.find((d) => d.name === vendor)!.capabilities.sendCost!;
    expect(cost.requests).toBe(summary.requestsPerSend.then);
    expect(cost.firstRequests ?? cost.requests).toBe(summary.requestsPerSend.first);
  });

  it('bytes per send do not grow with the history, except Omnidesk’s whole-ticket read', () => {
    for (const { vendor, growth } of result.vendors) {
      if (vendor === 'omnidesk') expect(growth.bytes).toBeGreaterThan(10);
      else expect(growth.bytes, vendor).toBeLessThanOrEqual(1.1);
    }
  });

  it('Mirakl reads no thread back: M11 once, then M12; a full thread gets a new one', () => {
    const rows = result.rows.filter((r) => r.vendor === 'mirakl');
    expect(rows.map((r) => [r.history, r.firstOperations, r.lastOperations])).toEqual([
      [1, ['listThreads', 'replyToThread'], ['replyToThread']],
      [1000, ['listThreads', 'createOrderThread'], ['replyToThread']],
    ]);
  });
});

describe('summarize', () => {
  it('takes the most requests any history needed, and the growth from the smallest to the largest', () => {
    const row = (history: number, requests: number[], responseBytes: number[]) => ({
      vendor: 'mirakl' as const,
      history,
      requests,
      responseBytes,
      firstOperations: [],
      lastOperations: [],
      failedSends: 0,
    });
    expect(
      summarize([row(1000, [2, 1, 2], [40, 20, 40]), row(1, [2, 1, 1], [40, 20, 20])]),
    ).toEqual([
      {
        vendor: 'mirakl',
        requestsPerSend: { first: 2, then: 2 },
        growth: { requests: 1.25, bytes: 1.25 },
      },
    ]);
  });
});
