/**
 * Benchmark 7: how much the CPU ratios of benchmark 1 depend on what else the process has run.
 * Bare openapi-fetch, the vendor client and the facade make one send's requests (as in benchmark
 * 1) in a process that has sent through one vendor only, and in one that has sent through all
 * four first. V8 optimizes shared code (openapi-fetch, the runtime, the facade) for the object
 * shapes it has seen, so the same code costs more or less per send after a different history;
 * benchmark 1 runs the four vendors in one process.
 *
 *   node examples/bench/dist/vendor-mix.js [--rounds=5] [--sends=3000]
 *
 * Every measurement is a fresh process (a JIT's state cannot be reset): it warms up (1,500 sends
 * per tier through each warmed vendor, the tiers in turn), then times `sends` sends of each tier,
 * twice, in turn, and keeps each tier's lowest CPU time. Rounds alternate the two mixes. The
 * fetch is the replaying stub of benchmark 1, with no I/O.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrderMessaging } from '@org/order-messaging';
import { bareCall, bareClient, clientCall } from './executors.js';
import { writeFormatted } from './format.js';
import { MESSAGE, recordAll } from './overhead.js';
import { DOC_FILE } from './paths.js';
import { VENDOR_NAMES, vendorPlans, type SandboxInfo, type Vendor } from './plans.js';
import { replayFetch, type RecordedResponse } from './replay.js';
import { replaceSection } from './report.js';
import { startRemoteSandbox } from './sandbox-process.js';
import { spread, type Spread } from './stats.js';

const WARM_SENDS = 1_500;
const MIXES = ['one vendor', 'four vendors'] as const;
const TIERS = ['bare', 'client', 'facade'] as const;
/** CPU microseconds per send, by tier. */
type Cpu = Record<(typeof TIERS)[number], number>;
type Mix = (typeof MIXES)[number];

interface Fixture {
  readonly info: SandboxInfo;
  readonly recordings: Record<string, [string, RecordedResponse[]][]>;
}

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** One measurement, in this (fresh) process: facade CPU ÷ bare openapi-fetch CPU for `vendor`. */
async function measureInChild(fixture: Fixture, vendor: Vendor, mix: Mix, sends: number) {
  const plans = await vendorPlans(fixture.info);
  const warmed =
    mix === 'one vendor' ? [vendor] : [...VENDOR_NAMES.filter((v) => v !== vendor), vendor];
  // One stub for every vendor, installed as the global fetch before any client exists, as in
  // benchmark 1 (the vendors' paths differ, so their recordings merge without a clash).
  globalThis.fetch = replayFetch(new Map(warmed.flatMap((name) => fixture.recordings[name]!)));
  const tasks = Object.fromEntries(
    warmed.map((name) => {
      const plan = plans[name];
      const bare = bareClient(plan);
      const client = plan.client();
      const messaging = createOrderMessaging({
        connections: { [name]: plan.connection({ rateLimits: false }) },
      });
      const calls = plan.sendCalls(MESSAGE);
      return [
        name,
        {
          bare: async () => {
            for (const call of calls) await bareCall(bare, plan, call);
          },
          client: async () => {
            for (const call of calls) await clientCall(client, call);
          },
          facade: () => messaging.send(name, { orderId: plan.orderId, text: MESSAGE }),
        },
      ];
    }),
  );
  for (const name of warmed) {
    for (let i = 0; i < WARM_SENDS; i++) {
      for (const tier of TIERS) await tasks[name]![tier]();
    }
  }
  const cpu = Object.fromEntries(TIERS.map((tier) => [tier, Number.POSITIVE_INFINITY])) as Cpu;
  for (const tier of [...TIERS, ...TIERS]) {
    const start = process.cpuUsage();
    for (let i = 0; i < sends; i++) await tasks[vendor]![tier]();
    const used = process.cpuUsage(start);
    cpu[tier] = Math.min(cpu[tier], (used.user + used.system) / sends);
  }
  process.stdout.write(JSON.stringify(cpu));
}

interface MixResult {
  readonly vendor: Vendor;
  /** Facade ÷ bare openapi-fetch, per process. */
  readonly facade: Record<Mix, Spread>;
  /** Vendor client ÷ bare openapi-fetch, per process. */
  readonly client: Record<Mix, Spread>;
  /** Bare openapi-fetch's CPU per send, µs. */
  readonly bareMicros: Record<Mix, Spread>;
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
    const samples = new Map<string, Cpu[]>();
    for (let round = 0; round < rounds; round++) {
      for (const vendor of VENDOR_NAMES) {
        for (const mix of round % 2 === 0 ? MIXES : [...MIXES].reverse()) {
          const out = execFileSync(
            process.execPath,
            [
              fileURLToPath(import.meta.url),
              `--child=${file}`,
              `--vendor=${vendor}`,
              `--mix=${mix}`,
              `--sends=${sends}`,
            ],
            { encoding: 'utf8' },
          );
          const cpu = JSON.parse(out) as Cpu;
          samples.set(`${vendor}/${mix}`, [...(samples.get(`${vendor}/${mix}`) ?? []), cpu]);
          process.stderr.write(
            `vendor mix round ${round + 1}/${rounds} ${vendor}, ${mix}: CPU per send bare ${cpu.bare.toFixed(0)} µs, client ${cpu.client.toFixed(0)} µs, facade ${cpu.facade.toFixed(0)} µs\n`,
          );
        }
      }
    }
    return VENDOR_NAMES.map((vendor) => {
      const of = (mix: Mix) => samples.get(`${vendor}/${mix}`)!;
      const by = (f: (cpu: Cpu) => number) =>
        Object.fromEntries(MIXES.map((mix) => [mix, spread(of(mix).map(f))])) as Record<
          Mix,
          Spread
        >;
      return {
        vendor,
        facade: by((cpu) => cpu.facade / cpu.bare),
        client: by((cpu) => cpu.client / cpu.bare),
        bareMicros: by((cpu) => cpu.bare),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(results: readonly MixResult[], rounds: number, sends: number): string {
  const cell = (s: Spread, digits: number) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const rows = results.flatMap((r) =>
    MIXES.map(
      (mix) =>
        `| ${r.vendor} | ${mix} | ${cell(r.bareMicros[mix], 0)} | ${cell(r.client[mix], 2)} | ${cell(r.facade[mix], 2)} |`,
    ),
  );
  return [
    `CPU per send over bare openapi-fetch making the same requests, in fresh processes that sent through one vendor or all four first; median (min–max) of ${rounds} processes per row, ${sends} sends per timed window (\`node examples/bench/dist/vendor-mix.js\`).`,
    '',
    '| vendor | process has run | bare openapi-fetch, CPU µs per send | vendor client ÷ bare | facade ÷ bare |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const child = arg('child');
if (child) {
  const fixture = JSON.parse(readFileSync(child, 'utf8')) as Fixture;
  await measureInChild(fixture, arg('vendor') as Vendor, arg('mix') as Mix, Number(arg('sends')));
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
