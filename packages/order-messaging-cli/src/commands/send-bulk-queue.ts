/**
 * `send-bulk --queue`: the file's lines go to the Redis queue instead of the vendors; a worker
 * (`order-messaging worker`) sends them. The queue's ledger is the journal here: a line whose key
 * it knows is not enqueued again, so rerunning the command is safe.
 */
import { EXIT_CODES } from '../exit-codes.js';
import { requestOf } from '../facade.js';
import type { BulkLine } from '../input.js';
import { listenForInterrupts } from '../interrupts.js';
import { createProgressReporter, type ProgressCounts } from '../progress.js';
import {
  onRedis,
  queueConnectionOf,
  queueKeyOf,
  redactedQueueUrl,
  requireQueue,
  shortLivedRedis,
} from '../queue.js';
import type { LedgerState } from '../queue-types.js';
import type { CommandContext, Session } from '../session.js';
import type { VendorName } from '../vendors.js';

export interface QueuedBulkSummary {
  readonly total: number;
  readonly enqueued: number;
  /** Lines whose key the ledger already had, per its state: nothing was added for them. */
  readonly alreadyQueued: number;
  readonly alreadyByState: Partial<Record<LedgerState, number>>;
  readonly notAttempted: number;
  readonly interrupted: boolean;
}

export async function enqueueBulk(
  session: Session,
  context: CommandContext,
  run: {
    url: string;
    lines: readonly BulkLine[];
    vendorOf: (line: BulkLine) => VendorName;
    progressIntervalMs: number;
  },
): Promise<number> {
  const { createSendQueue } = await requireQueue(context.runOptions.loadQueue);
  // Each vendor's queue connection names its target (sandbox or live, and which live account):
  // resolved before anything is enqueued, so missing settings fail first.
  const vendors = [...new Set(run.lines.map(run.vendorOf))];
  const targets = session.targetsFor(vendors);
  const connectionOf = new Map(
    targets.map((target) => [target.vendor, queueConnectionOf(target)] as const),
  );
  const queue = createSendQueue({ redis: shortLivedRedis(run.url) });
  const interruption = listenForInterrupts(
    session.output,
    context.runOptions.handleSignals === true,
    'stopping after the line being enqueued (run the same command again to resume)',
  );
  const counts = { done: 0, total: run.lines.length, sent: 0, skipped: 0, failed: 0, unknown: 0 };
  const reporter = createProgressReporter(
    {
      output: session.output,
      plain: session.json,
      intervalMs: run.progressIntervalMs,
      labels: { action: 'enqueuing', sent: 'enqueued', skipped: 'already-queued' },
    },
    counts,
  );
  const alreadyByState: Partial<Record<LedgerState, number>> = {};
  try {
    for (const line of run.lines) {
      if (interruption.stop.aborted) break;
      const vendor = run.vendorOf(line);
      // A worker serves the connections of its own targets only (see queueConnectionOf).
      const connection = connectionOf.get(vendor)!;
      const result = await onRedis(run.url, () =>
        queue.enqueue(queueKeyOf(connection, line.key), {
          connection,
          request: requestOf(line, vendor),
        }),
      );
      counts.done += 1;
      if (result.enqueued) counts.sent += 1;
      else {
        counts.skipped += 1;
        alreadyByState[result.state] = (alreadyByState[result.state] ?? 0) + 1;
      }
      reporter.update({ ...counts });
    }
  } finally {
    interruption.dispose();
    reporter.stop({ ...counts });
    // After a lost Redis, closing fails too: the error that matters is the one already thrown.
    await queue.close().catch(() => {});
  }
  const summary: QueuedBulkSummary = {
    total: counts.total,
    enqueued: counts.sent,
    alreadyQueued: counts.skipped,
    alreadyByState,
    notAttempted: counts.total - counts.done,
    interrupted: interruption.stop.aborted,
  };
  const exitCode = summary.interrupted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
  printSummary(session, summary, redactedQueueUrl(run.url), exitCode);
  return exitCode;
}

function printSummary(
  session: Session,
  summary: QueuedBulkSummary,
  queue: string,
  exitCode: number,
): void {
  if (session.json) {
    session.output.json({ ...summary, queue, exitCode });
    return;
  }
  const already = Object.entries(summary.alreadyByState)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
  const lines = [
    '',
    `send-bulk --queue summary (${queue})`,
    `  total            ${summary.total}`,
    `  enqueued         ${summary.enqueued}`,
    `  already queued   ${summary.alreadyQueued}${already ? `  (${already})` : ''}`,
  ];
  if (summary.notAttempted > 0) lines.push(`  not attempted    ${summary.notAttempted}`);
  session.output.out(lines.join('\n'));
  if (summary.interrupted)
    session.output.err('interrupted: run the same command again to enqueue the rest');
  else session.output.err('a worker sends them: order-messaging worker --queue <url>');
}
