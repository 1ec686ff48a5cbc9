/**
 * Model-based test of the sync engine: random interleavings of arrivals (dated up to LAG in the
 * past), edits, clock skew (up to SKEW), local time passing, scans of random page sizes and
 * crashes at any event, against an in-memory vendor whose pages shift under the scan. The
 * caller commits processed events together with each checkpoint's cursor (a crash loses what
 * it processed since), as a careful caller does. Whatever happens:
 * - no message version reaches the committed log twice;
 * - every message's latest version changed at or after `since` is in it, and nothing older;
 * - the audit over the same window finds no gap, and finds exactly a key deliberately dropped.
 * Bound: SKEW + LAG < overlap (the README's rule for choosing `overlapMs`).
 * The vendor's pages are drawn too: seek pages, or offset pages that shift (the engine lists
 * again after a repeat).
 * Under steady traffic, the watermark must still move and the cursor stay small.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrderMessaging, syncKey, type SyncCursor } from '@org/order-messaging';
import { FakeVendor } from './support/fake-sync-vendor.js';

/** `SYNC_MODEL_RUNS=2000 npx vitest run ...` for a longer hunt. */
const RUNS = Number(process.env.SYNC_MODEL_RUNS ?? 200);
const OVERLAP = 60_000;
const SKEW = 20_000;
const LAG = 20_000;
const T0 = Date.UTC(2025, 0, 1);

type Action =
  | { kind: 'arrive'; order: number; lag: number; customer: boolean }
  | { kind: 'edit'; pick: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'skew'; ms: number };
type Step = Action | { kind: 'sync'; crashAfter: number | null; during: (Action | null)[] };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('arrive' as const),
      order: fc.nat(9),
      lag: fc.integer({ min: 0, max: LAG }),
      customer: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      ms: fc.integer({ min: 0, max: 90_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('skew' as const),
      ms: fc.integer({ min: -SKEW, max: SKEW }),
    }),
  },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: action },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      crashAfter: fc.option(fc.nat(12), { nil: null }),
      during: fc.array(fc.option(action, { nil: null }), { maxLength: 12 }),
    }),
  },
);

function apply(vendor: FakeVendor, a: Action): void {
  if (a.kind === 'arrive') vendor.arrive(a.order, a.lag, a.customer);
  else if (a.kind === 'edit') vendor.edit(a.pick);
  else if (a.kind === 'tick') vi.setSystemTime(Date.now() + a.ms);
  else vendor.skewMs = a.ms;
}

/** The caller: a log of processed keys and a cursor, committed together at checkpoints. */
class Caller {
  committed: string[] = [];
  cursor: SyncCursor | undefined;
  constructor(
    private readonly vendor: FakeVendor,
    private readonly messaging: ReturnType<typeof facadeOf>,
    private readonly since: Date,
  ) {}

  async sync(crashAfter: number | null = null, during: readonly (Action | null)[] = []) {
    const start = this.cursor ? { cursor: this.cursor } : { since: this.since };
    let buffer: string[] = [];
    let index = 0;
    for await (const event of this.messaging.sync('fake', { ...start, overlapMs: OVERLAP })) {
      if (event.type === 'message') buffer.push(syncKey(event.message));
      else {
        this.committed.push(...buffer);
        buffer = [];
        this.cursor = JSON.parse(JSON.stringify(event.cursor)) as SyncCursor;
      }
      const interleaved = during[index];
      if (interleaved) apply(this.vendor, interleaved);
      if (crashAfter === index++) return;
    }
  }
}

type Pages = FakeVendor['pages'];
const pages = fc.constantFrom<Pages>('seek', 'offset');

function vendorWith(orders: number, pageSize: number, kind: Pages): FakeVendor {
  const vendor = new FakeVendor(orders);
  vendor.pageSize = pageSize;
  vendor.pages = kind;
  return vendor;
}

function facadeOf(vendor: FakeVendor) {
  return createOrderMessaging({ connections: { fake: vendor.adapter() } });
}

/** Keys of every message's current version, with its change time. */
function latestVersions(vendor: FakeVendor): Map<string, number> {
  const latest = new Map<string, number>();
  for (const order of vendor.orders)
    for (const m of order.messages) {
      const key = m.editedAt === undefined ? m.id : `${m.id}@${m.editedAt}`;
      latest.set(key, m.editedAt ?? m.createdAt);
    }
  return latest;
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

describe('sync model: exactly-once under interleavings, crashes and skew', () => {
  it('delivers every latest version once, nothing twice, and the audit agrees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        pages,
        fc.array(fc.integer({ min: 0, max: 7_200_000 }), { maxLength: 6 }),
        fc.array(step, { maxLength: 30 }),
        async (pageSize, kind, seededAges, steps) => {
          vi.setSystemTime(T0);
          const vendor = vendorWith(10, pageSize, kind);
          // Messages from before and after `since`: only the later ones are due.
          seededAges.forEach((age, i) => vendor.arrive(i, age, true));
          const since = new Date(T0 - 3_600_000);
          const messaging = facadeOf(vendor);
          const caller = new Caller(vendor, messaging, since);
          for (const s of steps) {
            if (s.kind === 'sync') await caller.sync(s.crashAfter, s.during);
            else apply(vendor, s);
          }
          // Quiet, then two full scans: everything due must be in by now.
          vi.setSystemTime(Date.now() + 2 * OVERLAP);
          await caller.sync();
          await caller.sync();

          const committed = caller.committed;
          expect(new Set(committed).size).toBe(committed.length);
          const due = [...latestVersions(vendor)].filter(([, at]) => at >= since.getTime());
          expect(committed).toEqual(expect.arrayContaining(due.map(([key]) => key)));
          for (const key of committed)
            expect(vendor.versions.get(key)).toBeGreaterThanOrEqual(since.getTime());

          const window = { since, until: new Date(Date.now() + 1) };
          const audit = await messaging.auditSync('fake', { ...window, seen: committed });
          expect(audit.missing).toEqual([]);
          const [dropped] = due[0] ?? [];
          if (dropped !== undefined) {
            const gap = await messaging.auditSync('fake', {
              ...window,
              seen: (key) => key !== dropped && committed.includes(key),
            });
            expect(gap.missing.map(syncKey)).toEqual([dropped]);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('without enough overlap the same model loses messages, and the audit reports them', async () => {
    // The bound matters: with no overlap, a message dated before the scan's start but stored
    // after the listing passed its order is behind the next watermark.
    vi.setSystemTime(T0);
    const vendor = new FakeVendor(3);
    vendor.pageSize = 1;
    vendor.arrive(0, 0, true);
    const messaging = facadeOf(vendor);
    const since = new Date(T0 - 60_000);
    const seen: string[] = [];
    let cursor: SyncCursor | undefined;
    for await (const event of messaging.sync('fake', { since, overlapMs: 0 })) {
      if (event.type === 'message') {
        seen.push(syncKey(event.message));
        // Stored now, dated 5 s ago (before the scan started); order-0 was already listed.
        vendor.arrive(0, 5_000, true);
      } else cursor = event.cursor;
    }
    vi.setSystemTime(Date.now() + 10_000);
    for await (const event of messaging.sync('fake', { cursor: cursor!, overlapMs: 0 }))
      if (event.type === 'message') seen.push(syncKey(event.message));
    const audit = await messaging.auditSync('fake', { since, until: new Date(), seen });
    expect(audit.missing).toHaveLength(1);
  });
});

describe('sync model: the watermark moves under steady traffic', () => {
  it('an order pushed past a page boundary comes in the same scan, its older messages too', async () => {
    // Offset pages of one order. Y has an old message and a newer one, X one in between: X is
    // listed first, then written to, so Y slides onto the page already read. Keeping the old
    // watermark stalls; moving it to X's first listing minus the overlap would drop Y's old message.
    vi.setSystemTime(T0 - 300_000);
    const vendor = vendorWith(2, 1, 'offset');
    const [x, y] = [0, 1];
    vendor.arrive(y, 0, true);
    vi.setSystemTime(T0 - 200_000);
    vendor.arrive(x, 0, true);
    vi.setSystemTime(T0 - 100_000);
    vendor.arrive(y, 0, true);
    vi.setSystemTime(T0);
    const messaging = facadeOf(vendor);
    const caller = new Caller(vendor, messaging, new Date(T0 - 3_600_000));
    const writeOnX: Action = { kind: 'arrive', order: x, lag: 0, customer: true };
    // Events: X's message, a checkpoint, then X is written to.
    await caller.sync(null, [null, writeOnX]);
    const watermark = caller.cursor!.watermark;
    vi.setSystemTime(T0 + 2 * OVERLAP);
    await caller.sync();
    expect([...caller.committed].sort()).toEqual([...latestVersions(vendor).keys()].sort());
    expect(watermark).toBe(new Date(T0 - OVERLAP).toISOString());
  });

  it('with customers writing during every listing, the cursor keeps up', async () => {
    // Seek pages: a write (or none) before each page the vendor serves, on any order, again and
    // again; the watermark moves every scan. Offset pages: writes on distinct orders, one before
    // each page until they run out; a listing that shifts is repeated, and the watermark moves
    // within two scans. (Writes on the same few orders before every page of offset pages can
    // shift every listing: the scan then keeps its watermark, safe but stalled.)
    const write = fc.option(fc.nat(11), { nil: null });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        pages,
        fc.array(fc.array(write, { maxLength: 40 }), { minLength: 3, maxLength: 6 }),
        async (pageSize, kind, scans) => {
          vi.setSystemTime(T0);
          const vendor = vendorWith(12, pageSize, kind);
          for (let i = 0; i < 12; i++) vendor.arrive(i, 600_000 + i * 60_000, true);
          const caller = new Caller(vendor, facadeOf(vendor), new Date(T0 - 3_600_000));
          const starts: number[] = [];
          for (const writes of scans) {
            vi.setSystemTime(Date.now() + 20_000);
            const distinct = [...new Set(writes)];
            let request = 0;
            vendor.beforePage = () => {
              vi.setSystemTime(Date.now() + 10);
              const order =
                kind === 'seek'
                  ? writes[request++ % Math.max(writes.length, 1)]
                  : distinct[request++];
              if (order !== null && order !== undefined) vendor.arrive(order, 0, true);
            };
            starts.push(Date.now());
            await caller.sync();
            vendor.beforePage = undefined;
            const watermark = Date.parse(caller.cursor!.watermark);
            const behind = kind === 'seek' ? 1 : 2;
            const floor = starts.length >= behind ? starts.at(-behind)! - OVERLAP : T0 - 3_600_000;
            expect(watermark).toBeGreaterThanOrEqual(floor);
            const recent = [...vendor.versions.values()].filter((at) => at >= floor);
            expect(caller.cursor!.seen.length).toBeLessThanOrEqual(recent.length);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
