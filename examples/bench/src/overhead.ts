/**
 * Benchmark 1: per-call overhead with `fetch` stubbed, in one process.
 *
 * Per vendor, each tier makes the requests of one message send against a replaying stub:
 * - raw fetch, bare openapi-fetch and the vendor client make the write alone (one POST);
 * - "openapi-fetch, whole send" makes every request the facade's `send` makes (Omnidesk posts
 *   and reads the ticket back: two requests), so facade / that tier is the facade's own cost for
 *   the same HTTP work;
 * - "vendor client + resilient fetch, whole send": the same requests through the vendor client
 *   on `createResilientFetch()` (retries, timeouts, body limits), the runtime the facade sends
 *   through, so the facade's cost splits into the runtime's and its own;
 * - the facade's `send`.
 * The tiers take turns in windows of 100 operations (`interleave.ts`). Ratios are taken against
 * bare openapi-fetch's single POST of the same round.
 */
import { createResilientFetch } from '@org/http-runtime';
import { bareCall, bareClient, clientCall, rawFetchCall } from './executors.js';
import { allocatedPerRun } from './allocation.js';
import { measureInterleaved } from './interleave.js';
import { VENDOR_NAMES, type Vendor, type VendorPlan } from './plans.js';
import { MESSAGE, sendTasks } from './send-tasks.js';
import { recordSend, replayFetch, type Recording } from './replay.js';
import { ratioSpread, rotated, spread, type Spread } from './stats.js';

export const OVERHEAD_TIERS = [
  'raw fetch (1 POST)',
  'openapi-fetch (1 POST)',
  'vendor client (1 POST)',
  'openapi-fetch (whole send)',
  'vendor client + resilient fetch (whole send)',
  'facade send',
] as const;
export type OverheadTier = (typeof OVERHEAD_TIERS)[number];
export const OVERHEAD_BASELINE: OverheadTier = 'openapi-fetch (1 POST)';

export interface OverheadOptions {
  readonly rounds: number;
  /** Timed windows of 100 operations per tier and round, the tiers in turn (`interleave.ts`). */
  readonly windows: number;
  /** Untimed operations per tier before a round's windows. */
  readonly warmupOps: number;
  /** Windows of 100 operations per tier over which allocation is sampled, after the rounds. */
  readonly allocationWindows: number;
}

export interface OverheadVendorResult {
  readonly vendor: Vendor;
  /** HTTP requests one facade send makes. */
  readonly requestsPerSend: number;
  /** Wall-clock operations per second. */
  readonly opsPerSecond: Record<OverheadTier, Spread>;
  /** Per-round ops/s over bare openapi-fetch's single POST (above 1 = faster than it). */
  readonly ratioToOpenapiFetch: Record<OverheadTier, Spread>;
  /** CPU time per operation, microseconds. */
  readonly cpuMicrosPerOp: Record<OverheadTier, Spread>;
  /** Memory allocated per operation, garbage included, kB (one sampled run after the rounds). */
  readonly allocatedKBPerOp: Record<OverheadTier, number>;
  /** Per-round CPU per operation over bare openapi-fetch's single POST (above 1 = costs more). */
  readonly cpuRatioToOpenapiFetch: Record<OverheadTier, Spread>;
  /** Facade CPU per send over bare openapi-fetch making the same requests (1 = no cost of its own). */
  readonly facadeCpuToSameRequests: Spread;
  /** CPU microseconds the facade adds per send over bare openapi-fetch making the same requests. */
  readonly facadeExtraCpuMicros: Spread;
  /** CPU microseconds the resilient vendor client adds per send over bare openapi-fetch (same requests). */
  readonly runtimeExtraCpuMicros: Spread;
}

export async function recordAll(
  plans: Record<Vendor, VendorPlan>,
): Promise<Record<Vendor, Recording>> {
  const recordings = {} as Record<Vendor, Recording>;
  for (const vendor of VENDOR_NAMES) recordings[vendor] = await recordSend(plans[vendor], MESSAGE);
  return recordings;
}

/**
 * Installs `stub` as `globalThis.fetch` while building and running the tasks: that is the fetch
 * every tier uses when the application passes none, the configuration users run in production.
 * (A `fetch` option would take other code paths in some layers.)
 */
function tasksFor(plan: VendorPlan): Record<OverheadTier, () => Promise<unknown>> {
  const write = plan.sendCalls(MESSAGE)[plan.writeIndex]!;
  const bare = bareClient(plan);
  const client = plan.client();
  const whole = sendTasks(plan);
  return {
    'raw fetch (1 POST)': () => rawFetchCall(globalThis.fetch, plan, write),
    'openapi-fetch (1 POST)': () => bareCall(bare, plan, write),
    'vendor client (1 POST)': () => clientCall(client, write),
    'openapi-fetch (whole send)': whole.bare,
    'vendor client + resilient fetch (whole send)': sendTasks(plan, createResilientFetch()).client,
    'facade send': whole.facade,
  };
}

/** Runs `work` with `globalThis.fetch` replaced, and puts the real one back whatever happens. */
async function withGlobalFetch<T>(
  stub: typeof globalThis.fetch,
  work: () => Promise<T>,
): Promise<T> {
  const real = globalThis.fetch;
  globalThis.fetch = stub;
  try {
    return await work();
  } finally {
    globalThis.fetch = real;
  }
}

async function measureRound(
  plan: VendorPlan,
  recording: Recording,
  options: OverheadOptions,
  round: number,
): Promise<RoundResult> {
  // One stub for every tier: each task runs whole sends, so a path read twice per send gets its
  // answers in turn in every tier.
  const measured = await withGlobalFetch(replayFetch(recording), () =>
    measureInterleaved(tasksFor(plan), {
      windows: options.windows,
      warmupOps: options.warmupOps,
      rotateBy: round,
    }),
  );
  const result = { opsPerSecond: {}, cpuMicrosPerOp: {} } as RoundResult;
  for (const tier of OVERHEAD_TIERS) {
    result.opsPerSecond[tier] = 1e6 / measured[tier].wallMicrosPerOp;
    result.cpuMicrosPerOp[tier] = measured[tier].cpuMicrosPerOp;
  }
  return result;
}

interface RoundResult {
  opsPerSecond: Record<OverheadTier, number>;
  cpuMicrosPerOp: Record<OverheadTier, number>;
}

export async function runOverheadBench(
  plans: Record<Vendor, VendorPlan>,
  recordings: Record<Vendor, Recording>,
  options: OverheadOptions,
  log: (line: string) => void = () => {},
): Promise<OverheadVendorResult[]> {
  const perVendor = new Map<Vendor, RoundResult[]>();
  for (let round = 0; round < options.rounds; round++) {
    // Vendors rotate between rounds so none always runs first (on a cold JIT) or last.
    for (const vendor of rotated(VENDOR_NAMES, round)) {
      const result = await measureRound(plans[vendor], recordings[vendor], options, round);
      perVendor.set(vendor, [...(perVendor.get(vendor) ?? []), result]);
      log(
        `overhead round ${round + 1}/${options.rounds} ${vendor}: ` +
          OVERHEAD_TIERS.map(
            (tier) =>
              `${tier} ${Math.round(result.opsPerSecond[tier])}/s ${Math.round(result.cpuMicrosPerOp[tier])} µs CPU`,
          ).join(', '),
      );
    }
  }
  const allocated = new Map<Vendor, Record<OverheadTier, number>>();
  for (const vendor of VENDOR_NAMES) {
    const perTier = {} as Record<OverheadTier, number>;
    await withGlobalFetch(replayFetch(recordings[vendor]), async () => {
      const tasks = tasksFor(plans[vendor]);
      for (const tier of OVERHEAD_TIERS) {
        perTier[tier] = (await allocatedPerRun(tasks[tier], options.allocationWindows)) / 1024;
      }
    });
    allocated.set(vendor, perTier);
    log(
      `overhead allocation ${vendor}: ` +
        OVERHEAD_TIERS.map((tier) => `${tier} ${perTier[tier].toFixed(1)} kB`).join(', '),
    );
  }
  return VENDOR_NAMES.map((vendor) => {
    const rounds = perVendor.get(vendor)!;
    const ops = (tier: OverheadTier) => rounds.map((r) => r.opsPerSecond[tier]);
    const cpu = (tier: OverheadTier) => rounds.map((r) => r.cpuMicrosPerOp[tier]);
    const opsPerSecond = {} as Record<OverheadTier, Spread>;
    const ratioToOpenapiFetch = {} as Record<OverheadTier, Spread>;
    const cpuMicrosPerOp = {} as Record<OverheadTier, Spread>;
    const cpuRatioToOpenapiFetch = {} as Record<OverheadTier, Spread>;
    for (const tier of OVERHEAD_TIERS) {
      opsPerSecond[tier] = spread(ops(tier));
      ratioToOpenapiFetch[tier] = ratioSpread(ops(tier), ops(OVERHEAD_BASELINE));
      cpuMicrosPerOp[tier] = spread(cpu(tier));
      cpuRatioToOpenapiFetch[tier] = ratioSpread(cpu(tier), cpu(OVERHEAD_BASELINE));
    }
    const sameCpu = cpu('openapi-fetch (whole send)');
    const facadeCpu = cpu('facade send');
    const runtimeCpu = cpu('vendor client + resilient fetch (whole send)');
    return {
      vendor,
      requestsPerSend: plans[vendor].sendCalls(MESSAGE).length,
      opsPerSecond,
      ratioToOpenapiFetch,
      cpuMicrosPerOp,
      allocatedKBPerOp: allocated.get(vendor)!,
      cpuRatioToOpenapiFetch,
      facadeCpuToSameRequests: ratioSpread(facadeCpu, sameCpu),
      facadeExtraCpuMicros: spread(facadeCpu.map((f, i) => f - sameCpu[i]!)),
      runtimeExtraCpuMicros: spread(runtimeCpu.map((r, i) => r - sameCpu[i]!)),
    };
  });
}
