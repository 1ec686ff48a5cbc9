import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderMessagingError, type Delivery, type ErrorKind } from '@org/order-messaging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkExitCode, runBulk, type BulkSender } from '../src/bulk.js';
import { EXIT_CODES, UsageError } from '../src/exit-codes.js';
import type { BulkLine } from '../src/input.js';
import {
  JournalWriter,
  journalHeaderLine,
  loadJournal,
  type JournalTarget,
} from '../src/journal.js';

const TARGETS: JournalTarget[] = [
  { vendor: 'spp', connection: 'spp', sandbox: false, settings: { baseUrl: 'https://spp.test' } },
];

let dir: string;
let journalPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-bulk-'));
  journalPath = join(dir, 'in.jsonl.journal.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function lines(count: number, orders = count): BulkLine[] {
  return Array.from({ length: count }, (_, i) => ({
    line: i + 1,
    key: `key-${i + 1}`,
    orderId: `order-${i % orders}`,
    text: `message ${i + 1}`,
  }));
}

/** A facade error, as the bulk runner classifies them (by the facade's guard, not by shape). */
class FakeError extends OrderMessagingError {
  constructor(kind: ErrorKind, delivery: Delivery) {
    super(kind, `fake ${kind}`, { delivery });
  }
}

interface FakeSenderOptions {
  fail?: (line: BulkLine, attempt: number) => FakeError | undefined;
  canReconcile?: boolean;
  /** Keys the "vendor" already holds (found by reconciliation). */
  stored?: Set<string>;
  delayMs?: number;
}

function fakeSender(options: FakeSenderOptions = {}) {
  const stored = options.stored ?? new Set<string>();
  const calls: { key: string; reconcileFirst: boolean }[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const order: string[] = [];
  const sender: BulkSender = {
    async send(line, { reconcileFirst }) {
      calls.push({ key: line.key, reconcileFirst });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
        if (reconcileFirst && stored.has(line.key))
          return { messageId: `m-${line.key}`, reconciled: true };
        const attempt = (attempts.get(line.key) ?? 0) + 1;
        attempts.set(line.key, attempt);
        const error = options.fail?.(line, attempt);
        if (error) {
          if (error.delivery === 'unknown') stored.add(line.key);
          throw error;
        }
        stored.add(line.key);
        order.push(line.key);
        return { messageId: `m-${line.key}`, reconciled: false };
      } finally {
        inFlight -= 1;
      }
    },
    canReconcile: () => options.canReconcile ?? true,
    conversationOf: (line) => line.orderId,
    describeError: (error) => (error as Error).message,
  };
  return { sender, calls, stored, order, maxInFlight: () => maxInFlight };
}

describe('runBulk', () => {
  it('sends every line once, journals each outcome and respects the concurrency', async () => {
    const fake = fakeSender({ delayMs: 5 });
    const summary = await runBulk({
      lines: lines(20),
      journalPath,
      targets: TARGETS,
      concurrency: 3,
      sender: fake.sender,
    });
    expect(summary).toMatchObject({
      total: 20,
      sent: 20,
      skipped: 0,
      failed: 0,
      deliveryUnknown: 0,
      notAttempted: 0,
      interrupted: false,
    });
    expect(fake.calls).toHaveLength(20);
    expect(fake.maxInFlight()).toBe(3);
    const { latest } = await loadJournal(journalPath);
    expect([...latest.values()].every((entry) => entry.state === 'sent')).toBe(true);
    const raw = (await readFile(journalPath, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(raw.filter((entry) => entry.state === 'sending')).toHaveLength(20);
    expect(bulkExitCode(summary)).toBe(EXIT_CODES.ok);
  });

  it('keeps the file order within one conversation', async () => {
    const fake = fakeSender({ delayMs: 2 });
    const input = lines(12, 2);
    await runBulk({
      lines: input,
      journalPath,
      targets: TARGETS,
      concurrency: 4,
      sender: fake.sender,
    });
    const forOrder0 = fake.order.filter(
      (key) => input.find((line) => line.key === key)!.orderId === 'order-0',
    );
    expect(forOrder0).toEqual(['key-1', 'key-3', 'key-5', 'key-7', 'key-9', 'key-11']);
  });

  it('on resume skips sent lines and reconciles lines left in "sending"', async () => {
    await writeFile(journalPath, journalHeaderLine(TARGETS));
    const writer = await JournalWriter.open(journalPath);
    await writer.append({ key: 'key-1', state: 'sending' });
    await writer.append({ key: 'key-1', state: 'sent', messageId: 'm-key-1' });
    await writer.append({ key: 'key-2', state: 'sending' }); // died mid-send; the vendor has it
    await writer.append({ key: 'key-3', state: 'sending' }); // died mid-send; the vendor does not have it
    await writer.close();
    const fake = fakeSender({ stored: new Set(['key-1', 'key-2']) });
    const summary = await runBulk({
      lines: lines(4),
      journalPath,
      targets: TARGETS,
      concurrency: 2,
      sender: fake.sender,
    });
    expect(summary).toMatchObject({
      sent: 3,
      reconciled: 1,
      skipped: 1,
      failed: 0,
      deliveryUnknown: 0,
    });
    expect(fake.calls.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'key-2', reconcileFirst: true },
      { key: 'key-3', reconcileFirst: true },
      { key: 'key-4', reconcileFirst: false },
    ]);
    expect(fake.order.sort()).toEqual(['key-3', 'key-4']);
    const { latest } = await loadJournal(journalPath);
    expect(latest.get('key-2')).toMatchObject({ state: 'sent', reconciled: true });
  });

  it('does not resend an interrupted line when the vendor cannot be checked, unless asked', async () => {
    await writeFile(journalPath, journalHeaderLine(TARGETS));
    const writer = await JournalWriter.open(journalPath);
    await writer.append({ key: 'key-1', state: 'sending' });
    await writer.close();
    const fake = fakeSender({ canReconcile: false });
    const summary = await runBulk({
      lines: lines(2),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fake.sender,
    });
    expect(summary).toMatchObject({ sent: 1, deliveryUnknown: 1 });
    expect(summary.failures[0]).toMatchObject({
      key: 'key-1',
      kind: 'unverifiable',
      delivery: 'unknown',
    });
    expect(fake.calls.map((call) => call.key)).toEqual(['key-2']);
    expect(bulkExitCode(summary)).toBe(EXIT_CODES.delivery_unknown);

    const again = await runBulk({
      lines: lines(2),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fake.sender,
      resendUnverifiable: true,
    });
    expect(again).toMatchObject({ sent: 1, skipped: 1, deliveryUnknown: 0 });
    expect(fake.calls.at(-1)).toEqual({ key: 'key-1', reconcileFirst: false });
  });

  it('counts failures by kind, separates unknown deliveries, and a rerun retries or reconciles them', async () => {
    const fake = fakeSender({
      fail: (line, attempt) => {
        if (attempt > 1) return undefined;
        if (line.key === 'key-2') return new FakeError('not_found', 'rejected');
        if (line.key === 'key-3') return new FakeError('rate_limited', 'not_sent');
        if (line.key === 'key-4') return new FakeError('timeout', 'unknown');
        return undefined;
      },
    });
    const first = await runBulk({
      lines: lines(5),
      journalPath,
      targets: TARGETS,
      concurrency: 2,
      sender: fake.sender,
    });
    expect(first).toMatchObject({
      sent: 2,
      failed: 2,
      failedByKind: { not_found: 1, rate_limited: 1 },
      deliveryUnknown: 1,
    });
    expect(bulkExitCode(first)).toBe(EXIT_CODES.delivery_unknown);

    const second = await runBulk({
      lines: lines(5),
      journalPath,
      targets: TARGETS,
      concurrency: 2,
      sender: fake.sender,
    });
    expect(second).toMatchObject({
      sent: 3,
      reconciled: 1,
      skipped: 2,
      failed: 0,
      deliveryUnknown: 0,
    });
    expect(
      fake.calls.filter((call) => call.key === 'key-4').map((call) => call.reconcileFirst),
    ).toEqual([false, true]);
    // key-4 reached the vendor on the first run: the second run found it instead of sending it again.
    expect(fake.order.filter((key) => key === 'key-4')).toEqual([]);
    expect(bulkExitCode(second)).toBe(EXIT_CODES.ok);
  });

  it('stops at the first authentication error instead of failing every line', async () => {
    const fake = fakeSender({
      fail: () => new FakeError('authentication', 'rejected'),
      delayMs: 5,
    });
    const summary = await runBulk({
      lines: lines(50),
      journalPath,
      targets: TARGETS,
      concurrency: 2,
      sender: fake.sender,
    });
    expect(summary.abortedBy?.kind).toBe('authentication');
    expect(fake.calls.length).toBeLessThanOrEqual(2);
    expect(summary.notAttempted).toBeGreaterThanOrEqual(48);
    expect(bulkExitCode(summary)).toBe(EXIT_CODES.authentication);
  });

  it('stops taking new lines when the stop signal fires and reports the run as interrupted', async () => {
    const stop = new AbortController();
    const fake = fakeSender({ delayMs: 2 });
    let seen = 0;
    const summary = await runBulk({
      lines: lines(100),
      journalPath,
      targets: TARGETS,
      concurrency: 2,
      sender: fake.sender,
      stopSignal: stop.signal,
      onProgress: () => {
        seen += 1;
        if (seen === 10) stop.abort();
      },
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.sent).toBeGreaterThanOrEqual(10);
    expect(summary.sent).toBeLessThan(15);
    expect(summary.notAttempted).toBe(100 - summary.sent);
    expect(bulkExitCode(summary)).toBe(EXIT_CODES.interrupted);
  });

  it("refuses a second run on the same journal while the first is going, and takes over a dead run's lock", async () => {
    const slow = fakeSender({ delayMs: 20 });
    const first = runBulk({
      lines: lines(10),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: slow.sender,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(
      runBulk({
        lines: lines(10),
        journalPath,
        targets: TARGETS,
        concurrency: 1,
        sender: fakeSender().sender,
      }),
    ).rejects.toThrow(
      /another send-bulk run \(pid \d+\) is using the journal .*; wait for it to finish, or delete .*\.lock/,
    );
    expect((await first).sent).toBe(10);
    expect(slow.calls).toHaveLength(10);

    // A run killed with SIGKILL leaves its lock behind; its pid is gone, so the next run proceeds.
    await writeFile(`${journalPath}.lock`, JSON.stringify({ pid: 999_999_999, host: hostname() }));
    const resumed = await runBulk({
      lines: lines(10),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fakeSender().sender,
    });
    expect(resumed.skipped).toBe(10);
    await expect(readFile(`${journalPath}.lock`, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('reports an unusable journal path as a usage error', async () => {
    await expect(
      runBulk({
        lines: lines(1),
        journalPath: join(dir, 'no-such-dir', 'j.jsonl'),
        targets: TARGETS,
        concurrency: 1,
        sender: fakeSender().sender,
      }),
    ).rejects.toThrow(UsageError);
  });

  it('refuses a journal made for another target, and one without a header unless adopted', async () => {
    const first = await runBulk({
      lines: lines(2),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fakeSender().sender,
    });
    expect(first.sent).toBe(2);
    const before = await readFile(journalPath, 'utf8');
    expect(JSON.parse(before.split('\n')[0]!)).toMatchObject({ version: 1, targets: TARGETS });

    const elsewhere = fakeSender();
    const other: JournalTarget[] = [
      { ...TARGETS[0]!, settings: { baseUrl: 'https://other.test' } },
    ];
    await expect(
      runBulk({
        lines: lines(2),
        journalPath,
        targets: other,
        concurrency: 1,
        sender: elsewhere.sender,
      }),
    ).rejects.toThrow(
      /belongs to another target \(spp: the journal was made for baseUrl=https:\/\/spp\.test, this run sends to baseUrl=https:\/\/other\.test\)/,
    );
    const sandboxTarget: JournalTarget[] = [{ ...TARGETS[0]!, sandbox: true, settings: {} }];
    await expect(
      runBulk({
        lines: lines(2),
        journalPath,
        targets: sandboxTarget,
        concurrency: 1,
        sender: elsewhere.sender,
      }),
    ).rejects.toThrow(/this run sends to the embedded sandbox/);
    const withGameboost: JournalTarget[] = [
      ...TARGETS,
      { vendor: 'gameboost', connection: 'gameboost', sandbox: false, settings: {} },
    ];
    await expect(
      runBulk({
        lines: lines(2),
        journalPath,
        targets: withGameboost,
        concurrency: 1,
        sender: elsewhere.sender,
      }),
    ).rejects.toThrow(/gameboost: the journal has no gameboost target/);
    expect(elsewhere.calls).toEqual([]);
    expect(await readFile(journalPath, 'utf8')).toBe(before);

    // Without its header (as an older version wrote it): refused, then adopted on request.
    const legacy = before.split('\n').slice(1).join('\n');
    await writeFile(journalPath, legacy);
    await expect(
      runBulk({
        lines: lines(2),
        journalPath,
        targets: TARGETS,
        concurrency: 1,
        sender: elsewhere.sender,
      }),
    ).rejects.toThrow(/does not say which target.*--journal-adopt/);
    expect(await readFile(journalPath, 'utf8')).toBe(legacy);
    const adopted = await runBulk({
      lines: lines(2),
      journalPath,
      targets: TARGETS,
      adoptJournal: true,
      concurrency: 1,
      sender: elsewhere.sender,
    });
    expect(adopted).toMatchObject({ sent: 0, skipped: 2 });
    expect((await loadJournal(journalPath)).header?.targets).toEqual(TARGETS);
  });

  it('checks the key a torn line names before sending it again', async () => {
    await writeFile(
      journalPath,
      journalHeaderLine(TARGETS) +
        '{"key":"key-1","state":"sent","messageId":"m-key-1"}\n' +
        '{"key":"key-2","state":"failed","kind":"timeout","delivery":"not_sent"}\n' +
        '{"key":"key-2","sta\n',
    );
    const fake = fakeSender({ stored: new Set(['key-2']) });
    const summary = await runBulk({
      lines: lines(3),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fake.sender,
    });
    expect(summary).toMatchObject({
      sent: 2,
      reconciled: 1,
      skipped: 1,
      journalUnreadableLines: [4],
    });
    expect(fake.calls).toEqual([
      { key: 'key-2', reconcileFirst: true },
      { key: 'key-3', reconcileFirst: false },
    ]);
  });

  it('checks every line not sent before sending when a torn line names no key', async () => {
    await writeFile(
      journalPath,
      journalHeaderLine(TARGETS) +
        '{"key":"key-1","state":"sent","messageId":"m-key-1"}\n' +
        '{"ke\n' +
        '{"key":"key-2","state":"failed","kind":"timeout","delivery":"not_sent"}\n',
    );
    const fake = fakeSender({ stored: new Set(['key-3']) });
    const summary = await runBulk({
      lines: lines(3),
      journalPath,
      targets: TARGETS,
      concurrency: 1,
      sender: fake.sender,
    });
    expect(summary).toMatchObject({ sent: 2, reconciled: 1, skipped: 1 });
    expect(fake.calls).toEqual([
      { key: 'key-2', reconcileFirst: true },
      { key: 'key-3', reconcileFirst: true },
    ]);
    expect(fake.order).toEqual(['key-2']);
  });
});
