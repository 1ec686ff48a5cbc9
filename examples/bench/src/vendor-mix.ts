/**
 * Benchmark 7: how much the CPU ratios of benchmark 1 depend on what else the process has done.
 * Bare openapi-fetch, the vendor client and the facade make one send's requests (as in benchmark
 * 1) in fresh processes that have sent through one vendor only or through all four first, with
 * the loop kept in one job (the replaying stub never waits, so no send ever hands back to the
 * event loop) or handing back to the event loop every 100 sends (benchmark 1's way, and what a
 * fetch over a network does at every request).
 *
 *   node examples/bench/dist/vendor-mix.js [--rounds=5] [--sends=3000]
 *
 * Why the loop matters: undici's `Request` keeps a `WeakRef` to its own AbortController, and a
 * `WeakRef` target lives at least until the current job ends. In one job every send's controller
 * (and what its signal holds) stays in the heap, so garbage collection costs more the longer the
 * loop has run, and more for the tier that allocates more. The heap after a full collection at
 * the end of the loop is reported beside the ratios.
 *
 * Every measurement is a fresh process (a JIT's state cannot be reset): it warms up (5,000 sends
 * per tier through each warmed vendor, the tiers in turn), then times `sends` sends of each tier
 * in windows of 100, the tiers in turn (`interleave.ts`, as benchmark 1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFormatted } from './format.js';
import { measureInterleaved, OPS_PER_WINDOW } from './interleave.js';
import { recordAll } from './overhead.js';
import { DOC_FILE } from './paths.js';
import { VENDOR_NAMES, vendorPlans, type SandboxInfo, type Vendor } from './plans.js';
import { replayFetch, type RecordedResponse } from './replay.js';
import { replaceSection } from './report.js';
import { sendTasks } from './send-tasks.js';
import { startRemoteSandbox } from './sandbox-process.js';
import { spread, type Spread } from './stats.js';

const WARM_SENDS = 5_000;
const MIXES = ['one vendor', 'four vendors'] as const;
const LOOPS = ['one job', `event loop every ${OPS_PER_WINDOW} sends`] as const;
const TIERS = ['bare', 'client', 'facade'] as const;
type Tier = (typeof TIERS)[number];
/** CPU microseconds per send, by tier. */
type Cpu = Record<Tier, number>;
type Mix = (typeof MIXES)[number];
type Loop = (typeof LOOPS)[number];
interface Condition {
  readonly mix: Mix;
  readonly loop: Loop;
}
const CONDITIONS: readonly Condition[] = MIXES.flatMap((mix) =>
  LOOPS.map((loop) => ({ mix, loop })),
);
const keyOf = ({ mix, loop }: Condition) => `${mix}, ${loop}`;

/** What one process measured: CPU µs per send by tier, and the heap after a full collection. */
type Measured = Cpu & { readonly heapMB: number };

interface Fixture {
  readonly info: SandboxInfo;
  readonly recordings: Record<string, [string, RecordedResponse[]][]>;
}

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** One measurement, in this (fresh) process: each tier's CPU per send for `vendor`. */
async function measureInChild(
  fixture: Fixture,
  vendor: Vendor,
  { mix, loop }: Condition,
  sends: number,
) {
  const plans = await vendorPlans(fixture.info);
  const warmed =
    mix === 'one vendor' ? [vendor] : [...VENDOR_NAMES.filter((v) => v !== vendor), vendor];
  // One stub for every vendor, installed as the global fetch before any client exists, as in
  // benchmark 1 (the vendors' paths differ, so their recordings merge without a clash).
  globalThis.fetch = replayFetch(new Map(warmed.flatMap((name) => fixture.recordings[name]!)));
  const eventLoopTurns = loop !== 'one job';
  const tasks = Object.fromEntries(warmed.map((name) => [name, sendTasks(plans[name])]));
  // The vendors warmed before the measured one run their sends untimed, each in turn.
  for (const name of warmed.slice(0, -1)) {
    await measureInterleaved(tasks[name]!, { windows: 0, warmupOps: WARM_SENDS, eventLoopTurns });
  }
  const timed = await measureInterleaved(tasks[vendor]!, {
    windows: Math.ceil(sends / OPS_PER_WINDOW),
    warmupOps: WARM_SENDS,
    eventLoopTurns,
  });
  const cpu = Object.fromEntries(TIERS.map((tier) => [tier, timed[tier].cpuMicrosPerOp])) as Cpu;
  // Still in the loop's job when it never yields: what that job keeps alive stays counted.
  (globalThis as { gc?: () => void }).gc?.();
  const measured: Measured = { ...cpu, heapMB: process.memoryUsage().heapUsed / 1e6 };
  process.stdout.write(JSON.stringify(measured));
}

/** One vendor under one condition, over the processes measured. */
interface MixResult {
  readonly vendor: Vendor;
  readonly condition: Condition;
  /** Facade ÷ bare openapi-fetch, per process. */
  readonly facade: Spread;
  /** Vendor client ÷ bare openapi-fetch, per process. */
  readonly client: Spread;
  /** Bare openapi-fetch's CPU per send, µs. */
  readonly bareMicros: Spread;
  readonly heapMB: Spread;
}

async function runParent(rounds: number, sends: number): Promise<MixResult[]> {
  const sandbox = await startRemoteSandbox({ rateLimits: false, validateResponses: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-mix-'));
  const file = path.join(dir, 'fixture.json');
  try {
    const recordings = await recordAll(await vendorPlans(sandbox.info));
    const fixture: Fixture = {
      info: sandbox.info,
      recordings: Object.fromEntries(
        Object.entries(recordings).map(([vendor, rec]) => [
          vendor,
          [...rec] as [string, RecordedResponse[]][],
        ]),
      ),
    };
    writeFileSync(file, JSON.stringify(fixture));
  } finally {
    await sandbox.close();
  }
  try {
    const samples = new Map<string, Measured[]>();
    for (let round = 0; round < rounds; round++) {
      for (const vendor of VENDOR_NAMES) {
        for (const condition of round % 2 === 0 ? CONDITIONS : [...CONDITIONS].reverse()) {
          const out = execFileSync(
            process.execPath,
            [
              '--expose-gc',
              fileURLToPath(import.meta.url),
              `--child=${file}`,
              `--vendor=${vendor}`,
              `--mix=${condition.mix}`,
              `--loop=${condition.loop}`,
              `--sends=${sends}`,
            ],
            { encoding: 'utf8' },
          );
          const measured = JSON.parse(out) as Measured;
          const key = `${vendor}/${keyOf(condition)}`;
          samples.set(key, [...(samples.get(key) ?? []), measured]);
          process.stderr.write(
            `vendor mix round ${round + 1}/${rounds} ${vendor}, ${keyOf(condition)}: CPU per send bare ${measured.bare.toFixed(0)} µs, client ${measured.client.toFixed(0)} µs, facade ${measured.facade.toFixed(0)} µs; heap ${measured.heapMB.toFixed(1)} MB\n`,
          );
        }
      }
    }
    return VENDOR_NAMES.flatMap((vendor) =>
      CONDITIONS.map((condition) => {
        const of = samples.get(`${vendor}/${keyOf(condition)}`)!;
        const by = (f: (m: Measured) => number) => spread(of.map(f));
        return {
          vendor,
          condition,
          facade: by((m) => m.facade / m.bare),
          client: by((m) => m.client / m.bare),
          bareMicros: by((m) => m.bare),
          heapMB: by((m) => m.heapMB),
        };
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(results: readonly MixResult[], rounds: number, sends: number): string {
  const cell = (s: Spread, digits: number) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const rows = results.map(
    (r) =>
      `| ${r.vendor} | ${r.condition.mix} | ${r.condition.loop} | ${cell(r.bareMicros, 0)} | ${cell(r.client, 2)} | ${cell(r.facade, 2)} | ${cell(r.heapMB, 0)} |`,
  );
  return [
    `CPU per send over bare openapi-fetch making the same requests, in fresh processes; median (min–max) of ${rounds} processes per row, ${sends} sends per tier timed in windows of ${OPS_PER_WINDOW}, the tiers in turn (\`node examples/bench/dist/vendor-mix.js\`).`,
    '',
    '| vendor | process has run | loop | bare openapi-fetch, CPU µs per send | vendor client ÷ bare | facade ÷ bare | heap after full GC, MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const child = arg('child');
if (child) {
  const fixture = JSON.parse(readFileSync(child, 'utf8')) as Fixture;
  const condition = { mix: arg('mix') as Mix, loop: arg('loop') as Loop };
  await measureInChild(fixture, arg('vendor') as Vendor, condition, Number(arg('sends')));
} else {
  const rounds = Number(arg('rounds') ?? 5);
  const sends = Number(arg('sends') ?? 3000);
  const results = await runParent(rounds, sends);
  const doc = readFileSync(DOC_FILE, 'utf8');
  await writeFormatted(
    DOC_FILE,
    replaceSection(doc, 'vendor-mix', section(results, rounds, sends)),
  );
  process.stderr.write(`wrote ${DOC_FILE}\n`);
}
