/**
 * Benchmark 2: end-to-end on loopback against the sandbox (in its own process), keep-alive on.
 *
 * Per vendor, each tier sends messages with a fixed number of concurrent workers, making the
 * same HTTP requests as the facade's `send` (see plans.ts): raw undici (`undici.request` on a
 * keep-alive Agent), raw `fetch`, the vendor client, and the facade. Reported: sends per second,
 * p50/p99 latency of a send, and the client process's CPU time per send (the sandbox's own CPU
 * is not in it, so this is the SDK's cost even when the server is the bottleneck).
 *
 * After a warm-up, the tiers take turns in short windows (the sandbox reset before each, outside
 * the timing), and each tier's figures are summed over its windows: as in benchmark 1
 * (`interleave.ts`), one long run per tier would land each tier in its own phase of the garbage
 * collector and of the machine's load.
 */
import { Agent } from 'undici';
import { rawFetchCall, undiciCall } from './executors.js';
import { VENDOR_NAMES, type Vendor, type VendorPlan } from './plans.js';
import type { RemoteSandbox } from './sandbox-process.js';
import { MESSAGE, sendTasks } from './send-tasks.js';
import { percentile, ratioSpread, rotated, sorted, spread, type Spread } from './stats.js';

export const LOOPBACK_TIERS = ['raw undici', 'raw fetch', 'vendor client', 'facade send'] as const;
export type LoopbackTier = (typeof LOOPBACK_TIERS)[number];

export interface LoopbackOptions {
  readonly rounds: number;
  /** Timed windows per tier and round, the tiers in turn. */
  readonly windows: number;
  /**
   * HTTP requests per window; a vendor whose send is two requests gets half the sends. (The
   * sandbox is reset before each window: a vendor's thread may hold a bounded number of messages.)
   */
  readonly requestsPerWindow: number;
  /** Untimed sends per tier before a round's windows, the tiers in turn. */
  readonly warmupSends: number;
  readonly concurrency: number;
}

interface TierRound {
  sendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerSend: number;
}

export interface LoopbackVendorResult {
  readonly vendor: Vendor;
  readonly requestsPerSend: number;
  readonly sendsPerSecond: Record<LoopbackTier, Spread>;
  readonly p50Ms: Record<LoopbackTier, Spread>;
  readonly p99Ms: Record<LoopbackTier, Spread>;
  readonly cpuMicrosPerSend: Record<LoopbackTier, Spread>;
  /** Per-round sends/s over raw undici's. */
  readonly throughputRatioToUndici: Record<LoopbackTier, Spread>;
  /** Per-round client CPU per send over raw undici's. */
  readonly cpuRatioToUndici: Record<LoopbackTier, Spread>;
}

function sendersFor(plan: VendorPlan, agent: Agent): Record<LoopbackTier, () => Promise<unknown>> {
  const calls = plan.sendCalls(MESSAGE);
  const { client, facade } = sendTasks(plan);
  const fetchLike = (input: string, init: RequestInit) => fetch(input, init);
  return {
    'raw undici': async () => {
      for (const call of calls) await undiciCall(agent, plan, call);
    },
    'raw fetch': async () => {
      for (const call of calls) await rawFetchCall(fetchLike, plan, call);
    },
    'vendor client': client,
    'facade send': facade,
  };
}

interface DriveResult {
  /** Each send's latency, ms. */
  readonly latencies: number[];
  elapsedMs: number;
  cpuMicros: number;
}

/** Runs `total` sends with `concurrency` workers; returns each send's latency (ms) and the totals. */
async function drive(
  send: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<DriveResult> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
  };
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, elapsedMs, cpuMicros: cpu.user + cpu.system };
}

export async function runLoopbackBench(
  sandbox: RemoteSandbox,
  plans: Record<Vendor, VendorPlan>,
  options: LoopbackOptions,
  log: (line: string) => void = () => {},
): Promise<LoopbackVendorResult[]> {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: options.concurrency });
  const results: LoopbackVendorResult[] = [];
  try {
    for (const vendor of VENDOR_NAMES) {
      const plan = plans[vendor];
      const senders = sendersFor(plan, agent);
      const sendsPerWindow = Math.max(
        options.concurrency,
        Math.round(options.requestsPerWindow / plan.sendCalls(MESSAGE).length),
      );
      const rounds: Record<LoopbackTier, TierRound>[] = [];
      for (let round = 0; round < options.rounds; round++) {
        // Warm-up opens the keep-alive connections and lets the JIT settle; its messages are wiped.
        for (let sent = 0; sent < options.warmupSends; sent += sendsPerWindow) {
          for (const tier of LOOPBACK_TIERS) {
            await sandbox.reset();
            await drive(senders[tier], sendsPerWindow, options.concurrency);
          }
        }
        const runs = Object.fromEntries(
          LOOPBACK_TIERS.map((tier): [LoopbackTier, DriveResult] => [
            tier,
            { latencies: [], elapsedMs: 0, cpuMicros: 0 },
          ]),
        ) as Record<LoopbackTier, DriveResult>;
        for (let window = 0; window < options.windows; window++) {
          for (const tier of rotated(LOOPBACK_TIERS, round + window)) {
            await sandbox.reset();
            const run = await drive(senders[tier], sendsPerWindow, options.concurrency);
            const total = runs[tier];
            total.latencies.push(...run.latencies);
            total.elapsedMs += run.elapsedMs;
            total.cpuMicros += run.cpuMicros;
          }
        }
        const sends = sendsPerWindow * options.windows;
        const measured = {} as Record<LoopbackTier, TierRound>;
        for (const tier of LOOPBACK_TIERS) {
          const run = runs[tier];
          const latencies = sorted(run.latencies);
          measured[tier] = {
            sendsPerSecond: (sends / run.elapsedMs) * 1000,
            p50Ms: percentile(latencies, 50),
            p99Ms: percentile(latencies, 99),
            cpuMicrosPerSend: run.cpuMicros / sends,
          };
        }
        rounds.push(measured);
        log(
          `loopback round ${round + 1}/${options.rounds} ${vendor}: ` +
            LOOPBACK_TIERS.map(
              (tier) =>
                `${tier} ${Math.round(measured[tier].sendsPerSecond)}/s p50 ${measured[tier].p50Ms.toFixed(2)} ms p99 ${measured[tier].p99Ms.toFixed(2)} ms ${Math.round(measured[tier].cpuMicrosPerSend)} µs CPU`,
            ).join(', '),
        );
      }
      const column = (tier: LoopbackTier, key: keyof TierRound) => rounds.map((r) => r[tier][key]);
      const table = (key: keyof TierRound) =>
        Object.fromEntries(
          LOOPBACK_TIERS.map((tier) => [tier, spread(column(tier, key))]),
        ) as Record<LoopbackTier, Spread>;
      const ratio = (key: keyof TierRound) =>
        Object.fromEntries(
          LOOPBACK_TIERS.map((tier) => [
            tier,
            ratioSpread(column(tier, key), column('raw undici', key)),
          ]),
        ) as Record<LoopbackTier, Spread>;
      results.push({
        vendor,
        requestsPerSend: plan.sendCalls(MESSAGE).length,
        sendsPerSecond: table('sendsPerSecond'),
        p50Ms: table('p50Ms'),
        p99Ms: table('p99Ms'),
        cpuMicrosPerSend: table('cpuMicrosPerSend'),
        throughputRatioToUndici: ratio('sendsPerSecond'),
        cpuRatioToUndici: ratio('cpuMicrosPerSend'),
      });
    }
  } finally {
    await agent.close();
  }
  const { violations } = await sandbox.statuses();
  if (violations > 0)
    log(`loopback: the sandbox recorded ${violations} response(s) that break the spec`);
  return results;
}
