/**
 * `pnpm bench`: runs the six benchmarks, writes examples/bench/results/latest.json and the
 * results sections of docs/benchmarks.md.
 *
 *   node examples/bench/dist/run.js [--only=size,types,overhead,loopback,goodput,history] [--quick] [--update-budgets]
 *
 * --quick runs one short round of each (a smoke test, not numbers to quote).
 * --update-budgets rewrites the size budgets (.size-limit.json), instantiation budgets and send
 * cost budgets (examples/bench/budgets.json) to measured + 10 % (growth: 1.1 when met); without it
 * only missing budgets are added.
 */
import { existsSync, readFileSync } from 'node:fs';
import { growthBudget, readBudgets, writeBudgets, headroom, type Budgets } from './budgets.js';
import { writeFormatted } from './format.js';
import {
  goodputSandboxOptions,
  QUICK_GOODPUT_OPTIONS,
  runGoodputBench,
  type GoodputOptions,
} from './goodput.js';
import {
  HISTORY_OPTIONS,
  QUICK_HISTORY_OPTIONS,
  runHistoryBench,
  type HistoryResult,
} from './history.js';
import { runLoopbackBench, type LoopbackOptions } from './loopback.js';
import { describeMachine } from './machine.js';
import { recordAll, runOverheadBench, type OverheadOptions } from './overhead.js';
import { DOC_FILE, RESULTS_FILE } from './paths.js';
import { vendorPlans } from './plans.js';
import {
  goodputSection,
  historySection,
  loopbackSection,
  machineSection,
  overheadSection,
  replaceSection,
  sizeSection,
  typesSection,
  type BenchResults,
} from './report.js';
import { startRemoteSandbox } from './sandbox-process.js';
import { runSizeBench, type SizeBench } from './size.js';
import { runTypeCostBench } from './type-cost.js';

const BENCHMARKS = ['size', 'types', 'overhead', 'loopback', 'goodput', 'history'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

function parseArgs(argv: readonly string[]) {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const selected = only ? (only.split(',') as Benchmark[]) : [...BENCHMARKS];
  for (const name of selected) {
    if (!BENCHMARKS.includes(name))
      throw new Error(`unknown benchmark "${name}" (known: ${BENCHMARKS.join(', ')})`);
  }
  return {
    selected,
    quick: argv.includes('--quick'),
    updateBudgets: argv.includes('--update-budgets'),
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The size benchmark; writes missing initial-load budgets (all of them with `update`). */
async function sizeBench(update: boolean, log: (line: string) => void): Promise<SizeBench> {
  const size = await runSizeBench({ updateBudgets: update });
  for (const r of size.results)
    log(`size ${r.name}: ${r.gzipBytes} B (budget ${r.limitBytes ?? '–'})`);
  const budgets = readBudgets();
  for (const [name, load] of Object.entries(size.firstLoad)) {
    if (update || budgets.initialLoad[name] === undefined) {
      budgets.initialLoad[name] = headroom(load.initial);
    }
    log(
      `size ${name}, initial load with code splitting: ${load.initial} B (budget ${budgets.initialLoad[name]}), on demand ${load.onDemand} B`,
    );
  }
  await writeBudgets(budgets);
  return size;
}

/** Missing send-cost budgets (all of them with `update`) from a history run. */
function historyBudgets(budgets: Budgets, result: HistoryResult, update: boolean): void {
  for (const { vendor, requestsPerSend, growth } of result.vendors) {
    if (update || budgets.requestsPerSend[vendor] === undefined)
      budgets.requestsPerSend[vendor] = { ...requestsPerSend };
    if (update || budgets.sendCostGrowth[vendor] === undefined)
      budgets.sendCostGrowth[vendor] = {
        requests: growthBudget(growth.requests),
        bytes: growthBudget(growth.bytes),
      };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const overheadOptions: OverheadOptions = args.quick
    ? { rounds: 1, windows: 3, warmupOps: 100, allocationWindows: 1 }
    : { rounds: 7, windows: 50, warmupOps: 5000, allocationWindows: 20 };
  const loopbackOptions: LoopbackOptions = args.quick
    ? { rounds: 1, windows: 2, requestsPerWindow: 16, warmupSends: 8, concurrency: 8 }
    : { rounds: 3, windows: 10, requestsPerWindow: 48, warmupSends: 1000, concurrency: 8 };
  const goodputOptions: GoodputOptions = args.quick
    ? QUICK_GOODPUT_OPTIONS
    : {
        sppLimitPerSecond: 20,
        sppMessages: 100,
        gameboostTimeScale: 20,
        gameboostMessages: 15,
        concurrency: 8,
      };
  const typeRounds = args.quick ? 1 : 3;

  const previous: Partial<BenchResults> = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults)
    : {};
  const results: {
    -readonly [K in keyof BenchResults]: BenchResults[K];
  } = {
    ...previous,
    generatedAt: new Date().toISOString(),
    machine: describeMachine(),
    durationSeconds: 0,
    settings: {
      quick: args.quick,
      overhead: overheadOptions,
      loopback: loopbackOptions,
      goodput: goodputOptions,
      typeRounds,
    },
  };
  log(`machine: ${JSON.stringify(results.machine)}`);

  if (args.selected.includes('size')) {
    log('size: size-limit (esbuild, minified, gzip)...');
    results.size = await sizeBench(args.updateBudgets, log);
  }

  if (args.selected.includes('types')) {
    results.types = runTypeCostBench(typeRounds, log);
    const budgets = readBudgets();
    for (const r of results.types) {
      if (args.updateBudgets || budgets.typeInstantiations[r.name] === undefined) {
        budgets.typeInstantiations[r.name] = headroom(r.instantiations);
      }
    }
    await writeBudgets(budgets);
  }

  if (args.selected.includes('overhead') || args.selected.includes('loopback')) {
    const sandbox = await startRemoteSandbox({ rateLimits: false, validateResponses: false });
    try {
      const plans = await vendorPlans(sandbox.info);
      if (args.selected.includes('overhead')) {
        const recordings = await recordAll(plans);
        results.overhead = await runOverheadBench(plans, recordings, overheadOptions, log);
      }
      if (args.selected.includes('loopback')) {
        results.loopback = await runLoopbackBench(sandbox, plans, loopbackOptions, log);
      }
    } finally {
      await sandbox.close();
    }
  }

  if (args.selected.includes('goodput')) {
    const sandbox = await startRemoteSandbox(goodputSandboxOptions(goodputOptions));
    try {
      results.goodput = await runGoodputBench(
        sandbox,
        await vendorPlans(sandbox.info),
        goodputOptions,
        log,
      );
    } finally {
      await sandbox.close();
    }
  }

  if (args.selected.includes('history')) {
    results.history = await runHistoryBench(
      args.quick ? QUICK_HISTORY_OPTIONS : HISTORY_OPTIONS,
      log,
    );
    const budgets = readBudgets();
    historyBudgets(budgets, results.history, args.updateBudgets);
    await writeBudgets(budgets);
  }

  results.durationSeconds = (performance.now() - started) / 1000;
  await writeFormatted(RESULTS_FILE, JSON.stringify(results, null, 2));

  let doc = existsSync(DOC_FILE) ? readFileSync(DOC_FILE, 'utf8') : '# Benchmarks\n';
  doc = replaceSection(doc, 'machine', machineSection(results));
  if (results.overhead) doc = replaceSection(doc, 'overhead', overheadSection(results.overhead));
  if (results.loopback) doc = replaceSection(doc, 'loopback', loopbackSection(results.loopback));
  if (results.goodput) doc = replaceSection(doc, 'goodput', goodputSection(results.goodput));
  if (results.history) doc = replaceSection(doc, 'history', historySection(results.history));
  if (results.size) doc = replaceSection(doc, 'size', sizeSection(results.size));
  if (results.types) doc = replaceSection(doc, 'types', typesSection(results.types));
  await writeFormatted(DOC_FILE, doc);
  log(`wrote ${RESULTS_FILE} and ${DOC_FILE} in ${Math.round(results.durationSeconds)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
