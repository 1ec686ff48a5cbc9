/**
 * The sync under load, against the sandbox: a vendor filled with `orders × messagesPerOrder`
 * messages, customers writing while the first scan runs, then scans from the saved cursor until
 * one finds nothing new. Every stored message must reach the caller exactly once. Then a few
 * orders change, and the requests of the next sync are counted: they must follow the changed
 * orders, not the size of the account (for vendors that can filter by update time).
 *
 * Run by `scripts/sync-load.ts` (full size, prints the figures) and `test/sync-load.test.ts`
 * (CI size, checks the counts).
 */
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, type SyncCursor } from '@org/order-messaging';
import { vendorDescriptor, type RegisteredVendorName } from '@org/order-messaging/vendors';
import { sandboxAdapter } from './sandbox.js';

export interface SyncLoadOptions {
  readonly vendor: RegisteredVendorName;
  readonly orders: number;
  readonly messagesPerOrder: number;
  /** Customer messages written after each checkpoint of the first scan, while it runs. */
  readonly arrivalsPerCheckpoint: number;
  /** Orders given one new customer message before the incremental sync. */
  readonly changedOrders: readonly number[];
  /**
   * The sync's overlap (default 2 s): the run's timeline is seconds long where real syncs are
   * minutes apart, so the overlap is scaled down with it (the sandbox's clock is this process's
   * clock: no skew to cover). Each incremental step waits past it first, so it measures the
   * orders changed since the last sync, not those still inside the overlap.
   */
  readonly overlapMs?: number;
}

export interface IncrementalFigure {
  readonly changedOrders: number;
  readonly delivered: number;
  readonly requests: number;
}

export interface SyncLoadResult {
  readonly vendor: string;
  readonly syncMode: string;
  readonly orders: number;
  /** Messages the sandbox stored after the `since` instant, arrivals included. */
  readonly stored: number;
  readonly arrivedDuringScan: number;
  /** Message events the caller got for them (before the incremental syncs). */
  readonly delivered: number;
  readonly missed: number;
  readonly repeated: number;
  readonly scans: number;
  readonly requestsFirstScan: number;
  readonly incremental: readonly IncrementalFigure[];
}

/** Before the populated data: the first scan starts here. */
const SINCE = new Date('2025-01-01T00:00:00Z');
/**
 * How much earlier than its watermark an adapter may list: SPP's filter works on whole seconds
 * and starts one second before the watermark's second (`lastMessageAfter`), so up to 2 s. The
 * incremental steps wait past it too, or orders written just before the quiet sync are listed
 * again (and skipped by the cursor), which would count their reads against the changed orders.
 */
const LISTING_SLACK_MS = 2_000;
/** Scans after the first one, before giving up on catching up (a bug if ever reached). */
const MAX_CATCH_UP_SCANS = 5;

function facadeFor(sb: Sandbox, vendor: RegisteredVendorName) {
  const descriptor = vendorDescriptor(vendor);
  if (!descriptor) throw new Error(`"${vendor}" is not a registered vendor`);
  const messaging = createOrderMessaging({
    // The sandbox runs without rate limits here: the run measures requests, not waits.
    connections: { [vendor]: { adapter: sandboxAdapter(sb, descriptor), rateLimits: false } },
    retry: false,
    totalTimeoutMs: 600_000,
  });
  return { messaging, mode: descriptor.capabilities.sync?.mode ?? 'none' };
}

interface Tally {
  readonly counts: Map<string, number>;
  readonly overlapMs: number;
  cursor: SyncCursor | undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One sync from the tally's cursor (or from `SINCE`); `afterCheckpoint` runs at each checkpoint. */
async function scan(
  messaging: ReturnType<typeof facadeFor>['messaging'],
  vendor: string,
  tally: Tally,
  afterCheckpoint: () => void = () => {},
): Promise<number> {
  let delivered = 0;
  const options = {
    ...(tally.cursor ? { cursor: tally.cursor } : { since: SINCE }),
    overlapMs: tally.overlapMs,
  };
  for await (const event of messaging.sync(vendor, options)) {
    if (event.type === 'message') {
      tally.counts.set(event.message.id, (tally.counts.get(event.message.id) ?? 0) + 1);
      delivered += 1;
    } else {
      tally.cursor = event.cursor;
      afterCheckpoint();
    }
  }
  return delivered;
}

function storedIds(sb: Sandbox, vendor: string): string[] {
  return (
    sb.state
      .messages(vendor)
      // Mirakl's order messages (OR42) live outside threads, where sync does not look.
      .filter((m) => m.createdAt >= SINCE && (vendor !== 'mirakl' || m.threadId !== undefined))
      .map((m) => m.id)
  );
}

export async function runSyncLoad(options: SyncLoadOptions): Promise<SyncLoadResult> {
  const { vendor } = options;
  const sb = await startSandbox({ rateLimits: false });
  try {
    const orderIds = sb.simulate.populate({
      vendor,
      orders: options.orders,
      messagesPerOrder: options.messagesPerOrder,
      spacingMs: 10,
      from: new Date(SINCE.getTime() + 3_600_000),
    });
    const { messaging, mode } = facadeFor(sb, vendor);
    const overlapMs = options.overlapMs ?? 2_000;
    const tally: Tally = { counts: new Map(), overlapMs, cursor: undefined };
    let arrivals = 0;
    const customerWrites = (count: number, label: string) => {
      for (let i = 0; i < count; i++) {
        const orderId = orderIds[(arrivals * 7919) % orderIds.length]!;
        sb.simulate.customerMessage(vendor, orderId, `${label} ${arrivals}`);
        arrivals += 1;
      }
    };

    const requestsBefore = sb.state.requests.length;
    await scan(messaging, vendor, tally, () =>
      customerWrites(options.arrivalsPerCheckpoint, 'written during the scan'),
    );
    const requestsFirstScan = sb.state.requests.length - requestsBefore;
    const arrivedDuringScan = arrivals;
    let scans = 1;
    while (scans <= MAX_CATCH_UP_SCANS && (await scan(messaging, vendor, tally)) > 0) scans += 1;

    const stored = storedIds(sb, vendor);
    const delivered = [...tally.counts.values()].reduce((a, b) => a + b, 0);
    const missed = stored.filter((id) => !tally.counts.has(id)).length;
    let repeated = 0;
    for (const count of tally.counts.values()) repeated += count - 1;

    const incremental: IncrementalFigure[] = [];
    for (const changed of options.changedOrders) {
      await pause(overlapMs + LISTING_SLACK_MS + 500);
      // A quiet sync first: the last scan's overlap still covered the writes before it.
      await scan(messaging, vendor, tally);
      for (let i = 0; i < changed; i++) {
        sb.simulate.customerMessage(vendor, orderIds[i]!, `changed order ${changed}/${i}`);
      }
      const mark = sb.state.requests.length;
      const delivered = await scan(messaging, vendor, tally);
      incremental.push({
        changedOrders: changed,
        delivered,
        requests: sb.state.requests.length - mark,
      });
    }
    return {
      vendor,
      syncMode: mode,
      orders: orderIds.length,
      stored: stored.length,
      arrivedDuringScan,
      delivered,
      missed,
      repeated,
      scans,
      requestsFirstScan,
      incremental,
    };
  } finally {
    await sb.close();
  }
}

/** One line per figure, for the script's output and a test's failure message. */
export function describeSyncLoad(result: SyncLoadResult): string {
  const incremental = result.incremental
    .map((i) => `${i.changedOrders} changed → ${i.requests} requests (${i.delivered} delivered)`)
    .join('; ');
  return [
    `${result.vendor} (${result.syncMode}): ${result.orders} orders, ${result.stored} messages stored (${result.arrivedDuringScan} written during the first scan)`,
    `  delivered ${result.delivered}, missed ${result.missed}, repeated ${result.repeated}, scans ${result.scans}, first scan ${result.requestsFirstScan} requests`,
    `  incremental: ${incremental}`,
  ].join('\n');
}
