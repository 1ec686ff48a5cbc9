/**
 * CI's budget check: sizes and counts only, never timings (CI machines are shared and noisy).
 *
 *   node examples/bench/dist/check-budgets.js      (after `pnpm build`)
 *
 * 1. size-limit over the root .size-limit.json (esbuild, minified, gzip): every check the size
 *    benchmark measures (sizeChecks: every published export, every registered vendor) has a
 *    budget there, and is within it; each facade bundle's initial load with code splitting
 *    (what loads before the first call; the entity decoder is loaded on demand) is within its
 *    `initialLoad` budget in examples/bench/budgets.json; each vendor client with the runtime and
 *    openapi-fetch is at most `clientOverOpenapiFetch` × bare openapi-fetch;
 * 2. type instantiations of each type-cost consumer have a budget in examples/bench/budgets.json
 *    and are at most that budget;
 * 3. goodput under a rate limit, small: the facade loses and duplicates no message, with the limit
 *    declared and without it (SPP at 20/s; GameBoost's own limits, a minute lasting a second);
 * 4. send cost against history: for every vendor, the requests of the first send to an order and
 *    of the sends after it (`requestsPerSend`), and requests and response bytes with 1,000
 *    messages on the order ÷ with 1 (`sendCostGrowth`), each at most its budget in budgets.json;
 *    no send may fail.
 * A target without a budget fails: a new export or vendor cannot slip past the check. Give it one
 * with `node examples/bench/dist/run.js --only=size` (or `--only=types`, `--only=history`), which
 * adds missing budgets.
 * Exits 1 if any check fails, after running all of them.
 */
import { readBudgets, type Budgets } from './budgets.js';
import { goodputSandboxOptions, QUICK_GOODPUT_OPTIONS, runGoodputBench } from './goodput.js';
import { QUICK_HISTORY_OPTIONS, runHistoryBench } from './history.js';
import { SIZE_LIMIT_CONFIG } from './paths.js';
import { VENDOR_NAMES, vendorPlans } from './plans.js';
import { startRemoteSandbox } from './sandbox-process.js';
import {
  BASELINE_CHECK,
  clientCheckName,
  facadeSplitLoads,
  readSizeLimitConfig,
  runSizeLimit,
  sizeChecks,
  type SizeLimitJsonRow,
} from './size.js';
import { runTsc, TYPE_COST_TARGETS } from './type-cost.js';

let passed = 0;
let failed = 0;
function check(ok: boolean, line: string): void {
  if (ok) passed += 1;
  else failed += 1;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${line}\n`);
}

/** Requests per send and their growth with the order's history, per vendor (counts only). */
async function checkHistory(budgets: Budgets): Promise<void> {
  const { rows, vendors } = await runHistoryBench(QUICK_HISTORY_OPTIONS);
  for (const row of rows) {
    check(
      row.failedSends === 0,
      `history ${row.vendor} ${row.history}: ${row.failedSends} of ${row.requests.length} sends failed`,
    );
  }
  for (const { vendor, requestsPerSend, growth } of vendors) {
    const perSend = budgets.requestsPerSend[vendor];
    const growthBudget = budgets.sendCostGrowth[vendor];
    if (!perSend || !growthBudget) {
      check(false, `history ${vendor}: no budget in budgets.json (run.js --only=history adds it)`);
      continue;
    }
    check(
      requestsPerSend.first <= perSend.first && requestsPerSend.then <= perSend.then,
      `requests per send ${vendor}: first ${requestsPerSend.first}, then ${requestsPerSend.then} (budget ${perSend.first}, ${perSend.then})`,
    );
    check(
      growth.requests <= growthBudget.requests && growth.bytes <= growthBudget.bytes,
      `send cost growth ${vendor} (1,000 messages ÷ 1): requests ×${growth.requests.toFixed(2)}, bytes ×${growth.bytes.toFixed(2)} (budget ×${growthBudget.requests}, ×${growthBudget.bytes})`,
    );
  }
}

/** Each vendor client bundle ÷ bare openapi-fetch, against the one ratio budget. */
function checkClientRatios(rows: readonly SizeLimitJsonRow[], budget: number | undefined): void {
  const sizeOf = (name: string) => rows.find((row) => row.name === name)?.size;
  const baseline = sizeOf(BASELINE_CHECK);
  for (const vendor of VENDOR_NAMES) {
    const size = sizeOf(clientCheckName(vendor));
    const ratio = size !== undefined && baseline ? size / baseline : undefined;
    check(
      ratio !== undefined && budget !== undefined && ratio <= budget,
      `size ${clientCheckName(vendor)} ÷ openapi-fetch: ${ratio?.toFixed(3) ?? 'not measured'} (budget ${budget ?? 'none: set clientOverOpenapiFetch in budgets.json'})`,
    );
  }
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
  const sizeRows = runSizeLimit(SIZE_LIMIT_CONFIG);
  for (const row of sizeRows) {
    check(
      row.passed !== false && row.sizeLimit !== undefined,
      `size ${row.name}: ${row.size} B (budget ${row.sizeLimit ?? '–'} B)`,
    );
  }

  const budgets = readBudgets();
  checkClientRatios(sizeRows, budgets.clientOverOpenapiFetch);
  for (const [name, load] of Object.entries(await facadeSplitLoads())) {
    const budget = budgets.initialLoad[name];
    check(
      budget !== undefined && load.initial <= budget,
      budget === undefined
        ? `size ${name}, initial load with code splitting: no budget in budgets.json (run.js --only=size adds it)`
        : `size ${name}, initial load with code splitting: ${load.initial} B (budget ${budget} B)`,
    );
  }
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

  await checkHistory(budgets);

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
