/**
 * The chaos run: worker processes sending from one queue to three sandbox accounts with
 * server-side limits, faults injected all along, workers SIGKILLed mid-run and replaced. The
 * verdict compares every key's ledger outcome with what the vendors stored.
 *
 * Bounded: a fixed number of messages, loopback only (Redis and the sandbox are started here,
 * on free 127.0.0.1 ports), and a deadline after which it stops, settled or not.
 */
import { randomUUID } from 'node:crypto';
import { createOrderMessaging } from '@org/order-messaging';
import {
  adapterFromSettings,
  vendorDescriptor,
  VENDORS as REGISTERED,
} from '@org/order-messaging/vendors';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createSendQueue, limiterFor, type SendQueue } from '../src/index.js';
import { startRedis } from '../test/support/redis.js';
import { injectFaults } from './faults.js';
import { WorkerFleet } from './fleet.js';
import { tally, type ChaosKey } from './tally.js';
import type { ChaosAccount, ChaosFigures, ChaosOptions } from './types.js';

/** Accounts in a run: one per registered vendor, as many as this. */
const ACCOUNTS = 3;

/**
 * The registry's vendors whose documented limits let `perSecond` sends through (a vendor that
 * documents a few chat messages a minute would make the run hours long), the first `ACCOUNTS`.
 */
function chaosVendors(sb: Sandbox, perSecond: number): string[] {
  const fastEnough = REGISTERED.filter((descriptor) => {
    const { settings } = settingsOf(sb, descriptor.name);
    const limiter = limiterFor(adapterFromSettings(descriptor, settings).rateLimits);
    return !limiter || (limiter.max * 1000) / limiter.duration >= perSecond;
  });
  return fastEnough.slice(0, ACCOUNTS).map((descriptor) => descriptor.name);
}
const PREFIX = 'chaos';
/** Counting the ledger reads every key (SCAN + HMGET): often enough to see progress, not more. */
const POLL_MS = 1000;

function defaults(options: ChaosOptions) {
  return {
    messages: options.messages ?? 5000,
    workers: options.workers ?? 4,
    kills: options.kills ?? 2,
    limitPerSecond: options.limitPerSecond ?? 50,
    faultEveryRequests: options.faultEveryRequests ?? 100,
    concurrency: options.concurrency ?? 4,
    lockDurationMs: options.lockDurationMs ?? 5000,
    maxDurationMs: options.maxDurationMs ?? 600_000,
    ordersPerAccount: options.ordersPerAccount ?? 100,
    onProgress: options.onProgress ?? (() => {}),
  };
}

function settingsOf(sb: Sandbox, vendor: string) {
  const descriptor = vendorDescriptor(vendor);
  if (!descriptor) throw new Error(`"${vendor}" is not a registered vendor`);
  const access = (sb.vendors as unknown as Record<string, unknown>)[vendor];
  return { descriptor, settings: descriptor.sandbox.settings(access) };
}

/** Requests one send costs on each account, measured on the sandbox before any fault. */
async function requestsPerSend(
  sb: Sandbox,
  vendors: readonly string[],
  orders: Map<string, string[]>,
) {
  const costs = new Map<string, number>();
  for (const vendor of vendors) {
    const { descriptor, settings } = settingsOf(sb, vendor);
    const messaging = createOrderMessaging({
      connections: { probe: adapterFromSettings(descriptor, settings) },
    });
    const before = sb.state.requests.length;
    await messaging.send('probe', { orderId: orders.get(vendor)![0]!, text: 'chaos probe' });
    costs.set(vendor, sb.state.requests.length - before);
  }
  return costs;
}

/** Messages per account in proportion to what its limit lets through: all end about together. */
function split(total: number, rates: readonly number[]): number[] {
  const sum = rates.reduce((a, b) => a + b, 0);
  const counts = rates.map((rate) => Math.floor((total * rate) / sum));
  counts[0]! += total - counts.reduce((a, b) => a + b, 0);
  return counts;
}

interface RunKey extends ChaosKey {
  readonly orderId: string;
  /** Where the key falls in its account's share, 0 to 1: the enqueue order. */
  readonly position: number;
}

/**
 * A producer's notifications arrive mixed: the keys are enqueued interleaved in proportion to
 * each account's share, so every account has work from the start (enqueued account by account,
 * the last one waited seconds for its first job).
 */
async function enqueueAll(queue: SendQueue, keys: readonly RunKey[]) {
  const ordered = [...keys].sort((a, b) => a.position - b.position);
  for (let i = 0; i < ordered.length; i += 50) {
    await Promise.all(
      ordered.slice(i, i + 50).map((k) =>
        queue.enqueue(k.key, {
          connection: k.vendor,
          request: { orderId: k.orderId, text: k.text },
        }),
      ),
    );
  }
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosFigures> {
  const o = defaults(options);
  const redis = await startRedis();
  const limits = Object.fromEntries(
    REGISTERED.map((d) => [d.name, { all: { limit: o.limitPerSecond, windowMs: 1000 } }]),
  );
  // Response validation is the sandbox tests' job; here it would take CPU from the workers.
  const sb = await startSandbox({ rateLimits: limits, validateResponses: false });
  let fleet: WorkerFleet | undefined;
  let queue: SendQueue | undefined;
  try {
    const vendors = chaosVendors(sb, o.limitPerSecond);
    const orders = new Map<string, string[]>(
      vendors.map((vendor) => [
        vendor,
        sb.simulate.populate({ vendor, orders: o.ordersPerAccount, messagesPerOrder: 1 }),
      ]),
    );
    const costs = await requestsPerSend(sb, vendors, orders);
    const accounts: ChaosAccount[] = vendors.map((vendor) => ({
      name: vendor,
      vendor,
      settings: settingsOf(sb, vendor).settings,
      jobsPerSecond: Math.max(1, Math.floor(o.limitPerSecond / costs.get(vendor)!)),
      requestsPerSecond: o.limitPerSecond,
    }));
    const combinedLimitPerSecond = vendors.reduce(
      (sum, v) => sum + o.limitPerSecond / costs.get(v)!,
      0,
    );
    const perAccount = split(
      o.messages,
      vendors.map((v) => o.limitPerSecond / costs.get(v)!),
    );
    const runId = randomUUID().slice(0, 8);
    const keys: RunKey[] = vendors.flatMap((vendor, a) => {
      const vendorOrders = orders.get(vendor)!;
      return Array.from({ length: perAccount[a]! }, (_, i) => ({
        key: `${vendor}-${i}`,
        vendor,
        text: `chaos ${runId} ${vendor} #${i}`,
        orderId: vendorOrders[i % vendorOrders.length]!,
        position: i / perAccount[a]!,
      }));
    });

    fleet = new WorkerFleet({
      redis: redis.url,
      prefix: PREFIX,
      accounts,
      concurrency: o.concurrency,
      lockDurationMs: o.lockDurationMs,
      stalledIntervalMs: Math.max(500, Math.floor(o.lockDurationMs / 2)),
    });
    const workers = fleet;
    await Promise.all(Array.from({ length: o.workers }, () => workers.start()));
    queue = createSendQueue({ redis: redis.url, prefix: PREFIX });
    const started = Date.now();
    const faults = injectFaults(sb, vendors, o.faultEveryRequests);
    await enqueueAll(queue, keys);
    await watch(queue, fleet, o, started);
    faults.stop();
    await fleet.stop();
    const { lastSettledAt, byVendor, ...verdict } = await tally(sb, queue, keys);
    const accountGoodput = (vendor: string) => {
      const v = byVendor.get(vendor);
      const seconds = v ? (v.lastSettledAt - started) / 1000 : 0;
      return v && seconds > 0 ? v.delivered / seconds / (o.limitPerSecond / costs.get(vendor)!) : 0;
    };
    // The ledger's last write, not the poll that saw it: the poll runs once a second.
    const elapsedMs = (verdict.unsettled === 0 ? lastSettledAt : Date.now()) - started;
    return {
      messages: keys.length,
      accounts: accounts.map((a, i) => ({
        name: a.name,
        requestsPerSend: costs.get(a.vendor)!,
        jobsPerSecond: a.jobsPerSecond,
        messages: perAccount[i]!,
        goodput: accountGoodput(a.vendor),
      })),
      ...verdict,
      workersKilled: fleet.killed,
      faultsInjected: faults.injected(),
      requests: sb.state.requests.length,
      throttled: sb.state.requests.filter((r) => r.status === 429 && !r.faulted).length,
      elapsedMs,
      combinedLimitPerSecond,
      goodput: verdict.delivered / (elapsedMs / 1000) / combinedLimitPerSecond,
    };
  } finally {
    await fleet?.stop(1000);
    await queue?.close();
    await sb.close();
    await redis.stop();
  }
}

/**
 * Until every key is settled (or the deadline): a progress line a second, and a worker killed
 * and replaced each time another share of the keys has settled (so kills land mid-run, with
 * sends in flight).
 */
async function watch(
  queue: SendQueue,
  fleet: WorkerFleet,
  o: ReturnType<typeof defaults>,
  started: number,
): Promise<void> {
  const deadline = started + o.maxDurationMs;
  for (;;) {
    const status = await queue.status();
    const { sent, rejected, unknown } = status.byState;
    const settled = sent + rejected + unknown;
    const now = Date.now();
    const left = Object.entries(status.byConnection)
      .map(([name, c]) => `${name} ${c.pending + c.sending}`)
      .join(', ');
    o.onProgress(
      `${((now - started) / 1000).toFixed(1)} s: settled ${settled}/${o.messages} (sent ${sent}, unknown ${unknown}, rejected ${rejected}; left: ${left}), workers ${fleet.size}, killed ${fleet.killed}`,
    );
    if (settled >= o.messages || now > deadline) return;
    if (fleet.killed < o.kills && settled >= ((fleet.killed + 1) * o.messages) / (o.kills + 1)) {
      await fleet.killOneAndReplace();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
