/**
 * CI's budget check: sizes and counts only, never timings (CI machines are shared and noisy).
 *
 *   node examples/bench/dist/check-budgets.js      (after `pnpm build`)
 *
 * 1. size-limit over the root .size-limit.json (esbuild, minified, gzip): every check the size
 *    benchmark measures (sizeChecks: every published export, every registered vendor) has a
 *    budget there, and is within it;
 * 2. type instantiations of each type-cost consumer have a budget in examples/bench/budgets.json
 *    and are at most that budget;
 * 3. goodput under a rate limit, small: the facade loses and duplicates no message, with the limit
 *    declared and without it (SPP at 20/s; GameBoost's own limits, a minute lasting a second).
 * A target without a budget fails: a new export or vendor cannot slip past the check. Give it one
 * with `node examples/bench/dist/run.js --only=size` (or `--only=types`), which adds missing budgets.
 * Exits 1 if any check fails, after running all of them.
 */
import { readBudgets } from './budgets.js';
import { goodputSandboxOptions, QUICK_GOODPUT_OPTIONS, runGoodputBench } from './goodput.js';
import { SIZE_LIMIT_CONFIG } from './paths.js';
import { vendorPlans } from './plans.js';
import { startRemoteSandbox } from './sandbox-process.js';
import { readSizeLimitConfig, runSizeLimit, sizeChecks } from './size.js';
import { runTsc, TYPE_COST_TARGETS } from './type-cost.js';

let passed = 0;
let failed = 0;
function check(ok: boolean, line: string): void {
  if (ok) passed += 1;
  else failed += 1;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${line}\n`);
}

async function main(): Promise<void> {
  const budgeted = new Set(
    readSizeLimitConfig()
      .filter((entry) => entry.limit !== undefined)
      .map((entry) => entry.name),
  );
  for (const target of sizeChecks()) {
    if (!budgeted.has(target.name)) {
      check(
        false,
        `size ${target.name}: no budget in .size-limit.json (run.js --only=size adds it)`,
      );
    }
  }
  for (const row of runSizeLimit(SIZE_LIMIT_CONFIG)) {
    check(
      row.passed !== false && row.sizeLimit !== undefined,
      `size ${row.name}: ${row.size} B (budget ${row.sizeLimit ?? '–'} B)`,
    );
  }

  const budgets = readBudgets();
  for (const target of TYPE_COST_TARGETS) {
    const budget = budgets.typeInstantiations[target.name];
    if (budget === undefined) {
      check(
        false,
        `type instantiations ${target.name}: no budget in budgets.json (run.js --only=types adds it)`,
      );
      continue;
    }
    const { instantiations } = runTsc(target.project);
    check(
      instantiations <= budget,
      `type instantiations ${target.name}: ${instantiations} (budget ${budget})`,
    );
  }

  const options = QUICK_GOODPUT_OPTIONS;
  const sandbox = await startRemoteSandbox(goodputSandboxOptions(options));
  try {
    const results = await runGoodputBench(sandbox, await vendorPlans(sandbox.info), options);
    for (const r of results.filter((result) => result.variant !== 'naive raw fetch (no retry)')) {
      check(
        r.lost === 0 && r.duplicated === 0 && r.failedCalls === 0,
        `goodput ${r.scenario} / ${r.variant}: ${r.delivered}/${r.messages} delivered, lost ${r.lost}, duplicated ${r.duplicated}, failed calls ${r.failedCalls}`,
      );
    }
  } finally {
    await sandbox.close();
  }

  process.stdout.write(`budgets: ${passed} passed, ${failed} failed\n`);
  if (failed > 0) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
