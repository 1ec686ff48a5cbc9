/**
 * The delivery guarantee end to end: 2,000 messages through the built CLI against an
 * SPP sandbox with a 200 requests/second limit and random faults (lost answers after
 * the message was stored, lost requests, 5xx, 429, slow answers), the run killed with
 * SIGKILL midway and resumed until it completes. Every message must be stored exactly once.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type FaultRule, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  addSppOrders,
  assertBuilt,
  cleanEnv,
  runCli,
  sandboxEnv,
  startCli,
  storedTextCounts,
  waitFor,
} from './helpers.js';

const TOTAL = 2000;
const ORDERS = 100;
const RATE_LIMIT_PER_SECOND = 200;
const SEED = 20_240_611;

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({
    host: '127.0.0.1',
    // A bucket SPP's spec does not name covers every SPP operation.
    rateLimits: { spp: { all: { limit: RATE_LIMIT_PER_SECOND, windowMs: 1000 } } },
  });
  dir = await mkdtemp(join(tmpdir(), 'om-bulk-faults-'));
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Small deterministic PRNG, so a failing run can be replayed with the same fault sequence. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: readonly Omit<FaultRule, 'vendor'>[] = [
  { operationId: 'createOrderMessage', drop: 'after-apply' },
  { operationId: 'createOrderMessage', drop: 'after-apply' },
  { operationId: 'createOrderMessage', drop: 'before-apply' },
  { operationId: 'createOrderMessage', status: 500 },
  { operationId: 'createOrderMessage', status: 502, bodyKind: 'html' },
  { operationId: 'createOrderMessage', status: 503, retryAfter: 1 },
  { status: 429, retryAfter: 1 },
  { operationId: 'listOrderMessages', status: 500 },
  { operationId: 'listOrderMessages', drop: 'before-apply' },
  { latencyMs: 400 },
];

/**
 * Injects one random single-use fault every 4 to 40 requests (about one request in twenty),
 * so the fault rate does not depend on how fast the CLI goes.
 */
function startFaultInjector(target: Sandbox, random: () => number) {
  let injected = 0;
  let mark = 0;
  let gap = 10;
  const timer = setInterval(() => {
    const seen = target.state.requests.length;
    // Faults that only match a list request wait for the next reconciliation; do not pile them up.
    if (seen - mark < gap || target.faults.pending().length >= 3) return;
    mark = seen;
    gap = 4 + Math.floor(random() * 37);
    const fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
    target.faults.inject({ vendor: 'spp', ...fault, times: 1 });
    injected += 1;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      target.faults.clear();
      return injected;
    },
  };
}

/** What the journal and the sandbox saw of each duplicated line, for a failing run's report. */
function explainDuplicates(
  texts: readonly string[],
  lines: readonly { orderId: string; text: string }[],
  journalText: string,
  summaries: readonly Record<string, unknown>[],
): string {
  const report: string[] = [];
  for (const text of texts) {
    const lineNumber = lines.findIndex((line) => line.text === text) + 1;
    const { orderId } = lines[lineNumber - 1]!;
    report.push(`duplicate: line ${lineNumber}, order ${orderId}, "${text}"`);
    report.push(
      ...journalText
        .split('\n')
        .filter((entry) => new RegExp(`"line":${lineNumber}[,}]`).test(entry)),
    );
    for (const message of sandbox.state.messages('spp', orderId).filter((m) => m.text === text)) {
      report.push(`stored ${message.id} at ${message.createdAt.toISOString()}`);
    }
    for (const request of sandbox.state.requests.filter((r) =>
      r.path.split('?')[0]!.endsWith(`/${orderId}`),
    )) {
      report.push(
        `${request.at.toISOString()} ${request.method} ${request.status} ${request.dropped ?? ''}${request.faulted ? ' (fault)' : ''}`,
      );
    }
  }
  report.push(
    `runs: ${JSON.stringify(summaries.map((summary) => ({ ...summary, failures: undefined })))}`,
  );
  return report.join('\n');
}

async function sentInJournal(path: string): Promise<number> {
  try {
    return ((await readFile(path, 'utf8')).match(/"state":"sent"/g) ?? []).length;
  } catch {
    return 0;
  }
}

it(`stores each of ${TOTAL} messages exactly once through rate limits, random faults, a SIGKILL and resumes`, async () => {
  const started = Date.now();
  const prefix = `bulk-2000-${started}`;
  const orders = addSppOrders(sandbox, ORDERS);
  const lines = Array.from({ length: TOTAL }, (_, index) => ({
    orderId: orders[index % ORDERS]!,
    text: `${prefix} message ${String(index + 1).padStart(4, '0')}`,
  }));
  const file = join(dir, 'messages.jsonl');
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const journal = `${file}.journal.jsonl`;
  const env = cleanEnv(sandboxEnv(sandbox));
  const args = [
    'send-bulk',
    '--vendor',
    'spp',
    '--file',
    file,
    '--concurrency',
    '16',
    '--json',
    '--progress-interval',
    '500',
  ];
  const injector = startFaultInjector(sandbox, mulberry32(SEED));

  // First run: killed without warning once a good part is through.
  const first = startCli(args, env);
  await waitFor(async () => (await sentInJournal(journal)) >= TOTAL / 3, 45_000, 50);
  first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.stderr).toMatch(/^progress \d+\/2000/m);
  const sentBeforeKill = await sentInJournal(journal);
  expect(sentBeforeKill).toBeLessThan(TOTAL);

  // Resume until a run completes. Faults keep coming during the first resume; later runs are calm,
  // so the loop ends. A run may end with failed or unknown lines (exit 13/14): the next run retries
  // or reconciles them.
  const summaries: Record<string, any>[] = [];
  let injectedFaults = 0;
  for (let run = 1; run <= 5; run += 1) {
    if (run === 2) injectedFaults = injector.stop();
    const result = await runCli(args, env, { timeoutMs: 60_000 });
    expect(result.signal, result.stderr).toBeNull();
    const summary = JSON.parse(result.stdout);
    summaries.push(summary);
    expect([0, 13, 14]).toContain(result.code);
    if (result.code === 0) break;
  }
  if (injectedFaults === 0) injectedFaults = injector.stop();

  const last = summaries.at(-1)!;
  expect(last).toMatchObject({
    total: TOTAL,
    failed: 0,
    deliveryUnknown: 0,
    notAttempted: 0,
    exitCode: 0,
  });
  expect(last.sent + last.skipped).toBe(TOTAL);
  expect(summaries[0]!.skipped).toBeGreaterThanOrEqual(sentBeforeKill);

  // Exactly once: every text stored, none twice.
  const counts = storedTextCounts(sandbox, 'spp', prefix);
  const duplicates = [...counts.entries()].filter(([, count]) => count > 1);
  const missing = lines.filter((line) => !counts.has(line.text)).map((line) => line.text);
  const diagnosis =
    duplicates.length > 0
      ? explainDuplicates(
          duplicates.map(([text]) => text),
          lines,
          await readFile(journal, 'utf8'),
          summaries,
        )
      : '';
  expect(duplicates, diagnosis).toEqual([]);
  expect(missing).toEqual([]);
  expect(counts.size).toBe(TOTAL);

  // The run really went through the hard cases.
  const requests = sandbox.state.requests;
  expect(injectedFaults).toBeGreaterThan(20);
  expect(requests.filter((request) => request.dropped === 'after-apply').length).toBeGreaterThan(0);
  expect(
    requests.filter((request) => request.status === 429 && !request.faulted).length,
  ).toBeGreaterThan(0);
  expect(summaries.reduce((sum, summary) => sum + summary.reconciled, 0)).toBeGreaterThan(0);
  // The figures a reader of the CI log wants: how hard the run was, and the exactly-once count.
  console.log(
    `bulk run: ${TOTAL} lines; killed (SIGKILL) after ${sentBeforeKill} sent; ` +
      `${summaries.length} resumed run(s); ${injectedFaults} faults injected ` +
      `(${requests.filter((r) => r.dropped === 'after-apply').length} dropped after storing, ` +
      `${requests.filter((r) => r.status === 429 && !r.faulted).length} real 429s); ` +
      `${summaries.reduce((sum, summary) => sum + summary.reconciled, 0)} reconciled; ` +
      `stored ${counts.size} distinct, duplicated ${duplicates.length}, lost ${missing.length}`,
  );
}, 120_000);
