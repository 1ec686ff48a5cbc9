import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { journalHeaderLine, loadJournal } from '../src/journal.js';
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

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ host: '127.0.0.1' });
  env = cleanEnv(sandboxEnv(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'om-bulk-e2e-'));
});

afterEach(() => {
  sandbox.faults.clear();
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeJsonLines(name: string, lines: readonly object[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return path;
}

function messagesFor(orders: readonly string[], count: number, prefix: string) {
  return Array.from({ length: count }, (_, index) => ({
    orderId: orders[index % orders.length]!,
    text: `${prefix} #${String(index + 1).padStart(4, '0')}`,
  }));
}

async function sentInJournal(path: string): Promise<number> {
  try {
    return ((await readFile(path, 'utf8')).match(/"state":"sent"/g) ?? []).length;
  } catch {
    return 0;
  }
}

describe('send-bulk (built bin) against the sandbox', () => {
  it('sends every line once with progress and a summary; a rerun skips them all', async () => {
    const prefix = `bulk-basic-${Date.now()}`;
    const orders = addSppOrders(sandbox, 4);
    const file = await writeJsonLines('basic.jsonl', messagesFor(orders, 40, prefix));

    const first = await runCli(
      ['send-bulk', '--vendor', 'spp', '--file', file, '--json', '--progress-interval', '20'],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      total: 40,
      sent: 40,
      skipped: 0,
      failed: 0,
      deliveryUnknown: 0,
      exitCode: 0,
      journal: `${file}.journal.jsonl`,
    });
    expect(first.stderr).toMatch(
      /^progress 40\/40 \(100%\) sent=40 skipped=0 failed=0 unknown=0$/m,
    );
    const counts = storedTextCounts(sandbox, 'spp', prefix);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    const journal = await loadJournal(`${file}.journal.jsonl`);
    expect([...journal.latest.values()].filter((entry) => entry.state === 'sent')).toHaveLength(40);

    const second = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/sent\s+0\n/);
    expect(second.stdout).toMatch(/skipped\s+40\s+\(already sent according to the journal\)/);
    expect(storedTextCounts(sandbox, 'spp', prefix).size).toBe(40);
    expect(
      sandbox.state.messages('spp').filter((message) => message.text.startsWith(prefix)),
    ).toHaveLength(40);
  });

  it('reads CSV with a vendor column, and reports failed lines by kind with exit code 13', async () => {
    const prefix = `bulk-csv-${Date.now()}`;
    const [order] = addSppOrders(sandbox, 1);
    const gameboostOrder = (
      sandbox.seed.gameboost as unknown as { itemOrders: { processing: string } }
    ).itemOrders.processing;
    const file = join(dir, 'messages.csv');
    await writeFile(
      file,
      [
        'vendor,orderId,text,orderKind,internal,key',
        `spp,${order},"${prefix} one, with a comma",,,`,
        `spp,${order},"${prefix} two",,true,`,
        `gameboost,${gameboostOrder},"${prefix} three",item,,k-three`,
        `spp,NO-SUCH-ORDER,"${prefix} four",,,`,
      ].join('\n'),
    );
    const result = await runCli(['send-bulk', '--file', file, '--json'], env);
    expect(result.code).toBe(EXIT_CODES.bulk_failures);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      total: 4,
      sent: 3,
      failed: 1,
      failedByKind: { not_found: 1 },
      deliveryUnknown: 0,
      exitCode: 13,
    });
    expect(summary.failures).toEqual([
      expect.objectContaining({
        line: 5,
        orderId: 'NO-SUCH-ORDER',
        kind: 'not_found',
        delivery: 'rejected',
      }),
    ]);
    const spp = sandbox.state
      .messages('spp', order)
      .filter((message) => message.text.startsWith(prefix));
    expect(spp.map((message) => [message.text, message.internal])).toEqual([
      [`${prefix} one, with a comma`, false],
      [`${prefix} two`, true],
    ]);
    expect(
      sandbox.state
        .messages('gameboost', gameboostOrder)
        .filter((message) => message.text === `${prefix} three`),
    ).toHaveLength(1);

    // A rerun retries only the failed line.
    const again = await runCli(['send-bulk', '--file', file, '--json'], env);
    expect(again.code).toBe(EXIT_CODES.bulk_failures);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, skipped: 3, failed: 1 });
  });

  it('refuses a malformed file before sending anything (exit code 2)', async () => {
    const file = await writeJsonLines('bad.jsonl', [
      { orderId: 'A', text: 'ok' },
      { order_id: 'B', text: 'typo' },
    ]);
    const before = sandbox.state.requests.length;
    const result = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain(`${file}:2: unknown field "order_id"`);
    expect(sandbox.state.requests.length).toBe(before);
  });

  it('resumes a run killed with SIGKILL midway without sending anything twice', async () => {
    const prefix = `bulk-kill-${Date.now()}`;
    const orders = addSppOrders(sandbox, 10);
    const total = 200;
    const input = messagesFor(orders, total, prefix);
    const file = await writeJsonLines('kill.jsonl', input);
    const journalPath = `${file}.journal.jsonl`;
    // Slow answers keep several sends in flight (journaled `sending`, no outcome yet), so the kill lands mid-send.
    sandbox.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      latencyMs: 150,
      times: Number.POSITIVE_INFINITY,
    });

    const running = startCli(
      ['send-bulk', '--vendor', 'spp', '--file', file, '--concurrency', '4'],
      env,
    );
    await waitFor(async () => (await sentInJournal(journalPath)) >= 40, 20_000);
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');

    const journal = await loadJournal(journalPath);
    const states = [...journal.latest.values()].map((entry) => entry.state);
    const sentBefore = states.filter((state) => state === 'sent').length;
    expect(sentBefore).toBeGreaterThanOrEqual(40);
    expect(sentBefore).toBeLessThan(total);
    // Killed mid-send: announced, no outcome. The resumed run must check these before sending.
    expect(states.filter((state) => state === 'sending').length).toBeGreaterThanOrEqual(1);

    // No pause here: the sandbox is still applying the killed run's last requests (150 ms latency).
    // The resumed run must wait for them (--resume-settle) and then find them on the orders
    // instead of sending them again.
    sandbox.faults.clear();
    const interruptedTexts = [...journal.latest.values()]
      .filter((entry) => entry.state === 'sending')
      .map((entry) => input[entry.line! - 1]!.text);
    const resumeStartedAt = Date.now();
    const resumed = await runCli(['send-bulk', '--vendor', 'spp', '--file', file, '--json'], env, {
      timeoutMs: 60_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.skipped).toBe(sentBefore);
    expect(summary.sent).toBe(total - sentBefore);
    // The interrupted lines the killed run's requests stored (they arrived before the resume).
    const storedByKilledRun = interruptedTexts.filter((text) =>
      sandbox.state
        .messages('spp')
        .some((message) => message.text === text && message.createdAt.getTime() < resumeStartedAt),
    ).length;
    expect(storedByKilledRun).toBeGreaterThan(0);
    expect(summary.reconciled).toBe(storedByKilledRun);
    expect(summary.failed + summary.deliveryUnknown).toBe(0);

    const counts = storedTextCounts(sandbox, 'spp', prefix);
    expect(counts.size).toBe(total);
    expect([...counts.entries()].filter(([, count]) => count !== 1)).toEqual([]);
  }, 90_000);

  it('never resends an interrupted line it could not check; the next run checks again', async () => {
    const [order] = addSppOrders(sandbox, 1);
    const text = `bulk-unchecked-${Date.now()}`;
    const file = await writeJsonLines('unchecked.jsonl', [{ orderId: order, text, key: 'k-1' }]);
    const journalPath = `${file}.journal.jsonl`;
    // An earlier run sent this line and died before journaling the outcome.
    const delivered = await runCli(
      ['send', '--vendor', 'spp', '--order', order!, '--text', text],
      env,
    );
    expect(delivered.code).toBe(0);
    await writeFile(
      journalPath,
      journalHeaderLine([
        {
          vendor: 'spp',
          connection: 'spp',
          sandbox: false,
          settings: { baseUrl: sandboxEnv(sandbox).SPP_BASE_URL!.replace(/\/+$/, '') },
        },
      ]) +
        `${JSON.stringify({ key: 'k-1', state: 'sending', line: 1, at: new Date(Date.now() - 60_000).toISOString() })}\n`,
    );

    sandbox.faults.inject({
      vendor: 'spp',
      operationId: 'listOrderMessages',
      status: 500,
      times: 20,
    });
    const unchecked = await runCli(
      ['send-bulk', '--vendor', 'spp', '--file', file, '--retries', '0', '--json'],
      env,
    );
    expect(unchecked.code).toBe(EXIT_CODES.delivery_unknown);
    expect(JSON.parse(unchecked.stdout)).toMatchObject({ sent: 0, failed: 0, deliveryUnknown: 1 });
    expect((await loadJournal(journalPath)).latest.get('k-1')).toMatchObject({
      state: 'failed',
      delivery: 'unknown',
    });
    expect(
      sandbox.state.messages('spp', order).filter((message) => message.text === text),
    ).toHaveLength(1);

    sandbox.faults.clear();
    const checked = await runCli(['send-bulk', '--vendor', 'spp', '--file', file, '--json'], env);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      sent: 1,
      reconciled: 1,
      deliveryUnknown: 0,
    });
    expect(
      sandbox.state.messages('spp', order).filter((message) => message.text === text),
    ).toHaveLength(1);
  });

  it('on SIGINT finishes the sends in flight, journals them and exits 130; the rerun completes', async () => {
    const prefix = `bulk-sigint-${Date.now()}`;
    const orders = addSppOrders(sandbox, 4);
    const total = 120;
    const file = await writeJsonLines('sigint.jsonl', messagesFor(orders, total, prefix));
    const journalPath = `${file}.journal.jsonl`;
    sandbox.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      latencyMs: 25,
      times: Number.POSITIVE_INFINITY,
    });

    const running = startCli(['send-bulk', '--vendor', 'spp', '--file', file, '--json'], env);
    await waitFor(async () => (await sentInJournal(journalPath)) >= 20, 20_000);
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(EXIT_CODES.interrupted);
    const summary = JSON.parse(stopped.stdout);
    expect(summary).toMatchObject({
      interrupted: true,
      exitCode: 130,
      failed: 0,
      deliveryUnknown: 0,
    });
    expect(summary.notAttempted).toBe(total - summary.sent);
    // Nothing left half-done: every announced send has its outcome.
    const journal = await loadJournal(journalPath);
    expect([...journal.latest.values()].filter((entry) => entry.state !== 'sent')).toEqual([]);
    expect(storedTextCounts(sandbox, 'spp', prefix).size).toBe(summary.sent);

    sandbox.faults.clear();
    const rerun = await runCli(['send-bulk', '--vendor', 'spp', '--file', file, '--json'], env);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      skipped: summary.sent,
      sent: total - summary.sent,
    });
    const counts = storedTextCounts(sandbox, 'spp', prefix);
    expect(counts.size).toBe(total);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  }, 60_000);
});
