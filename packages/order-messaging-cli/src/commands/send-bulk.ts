import { Option, type Command } from 'commander';
import { MAX_TIMER_MS } from '@org/http-runtime';
import { bulkExitCode, runBulk, type BulkSender, type BulkSummary } from '../bulk.js';
import { UsageError } from '../exit-codes.js';
import { DEFAULT_RESUME_SETTLE_MS } from '../facade.js';
import { detectFormat, readBulkFile, type BulkLine } from '../input.js';
import { listenForInterrupts } from '../interrupts.js';
import type { Output } from '../output.js';
import { createProgressReporter, type ProgressCounts } from '../progress.js';
import { queueUrlOf } from '../queue.js';
import { withSession, type CommandContext } from '../session.js';
import { isVendorName, type VendorName } from '../vendors.js';
import { enqueueBulk } from './send-bulk-queue.js';
import { positiveInteger } from './shared.js';

const JOURNAL_HELP = `
The journal (JSON lines, synced to disk) gets {key, state: "sending"} before each send and
{key, state: "sent", messageId} or {key, state: "failed", kind, delivery} after. Rerunning the same
command skips lines already sent, retries failed ones, and first checks the vendor for lines that
were being sent when the previous run died, so nothing is sent twice. "key" is your idempotency key;
by default it is a hash of the line's content and line number, so do not reorder a file between runs.
Lines of the same order are sent in file order.

The journal's first line records where it sends: per vendor, the connection and the settings that
locate the target (base URL, instance, workspace, account, shop; never a credential), or that it is
the embedded sandbox. A journal made for another target is refused (exit 2): pass --journal with
another file, or delete it. --sandbox runs default to <file>.sandbox.journal.jsonl, so a try in the
sandbox never marks lines as sent for the real target. A journal without that first line (from an
older version) is refused too unless --journal-adopt says it was made for this target.`;

/** Each line's vendor: its own, else `--vendor`; a line with neither stops the run before it starts. */
function vendorOfLines(
  file: string,
  lines: readonly BulkLine[],
  defaultVendor: string | undefined,
): (line: BulkLine) => VendorName {
  if (defaultVendor !== undefined && !isVendorName(defaultVendor))
    throw new UsageError(`unknown vendor ${defaultVendor}`);
  const withoutVendor = lines.find(
    (line) => line.vendor === undefined && defaultVendor === undefined,
  );
  if (withoutVendor) {
    throw new UsageError(
      `${file}:${withoutVendor.line}: no "vendor" on the line and no --vendor given`,
    );
  }
  return (line) => line.vendor ?? (defaultVendor as VendorName);
}

/** Failure messages also go to the journal file: keep credentials out of it too. */
function scrubbedSender(sender: BulkSender, output: Output): BulkSender {
  return { ...sender, describeError: (error) => output.scrub(sender.describeError(error)) };
}

function finalCounts(summary: BulkSummary): ProgressCounts {
  return {
    done: summary.total - summary.notAttempted,
    total: summary.total,
    sent: summary.sent,
    skipped: summary.skipped,
    failed: summary.failed,
    unknown: summary.deliveryUnknown,
  };
}

function printFailures(output: Output, summary: BulkSummary): void {
  const shown = summary.failures.slice(0, 20);
  if (shown.length === 0) return;
  output.err(
    [
      'failures:',
      ...shown.map(
        (failure) =>
          `  line ${failure.line} (order ${failure.orderId}): ${failure.kind}, delivery ${failure.delivery}: ${failure.message}`,
      ),
      ...(summary.failures.length > shown.length
        ? [`  ... and ${summary.failures.length - shown.length} more (use --json for all)`]
        : []),
    ].join('\n'),
  );
}

function printBulkSummary(
  output: Output,
  summary: BulkSummary,
  json: boolean,
  exitCode: number,
): void {
  if (json) {
    output.json({ ...summary, exitCode });
    return;
  }
  const lines = [
    '',
    `send-bulk summary (${(summary.durationMs / 1000).toFixed(1)} s)`,
    `  total             ${summary.total}`,
    `  sent              ${summary.sent}${summary.reconciled > 0 ? `  (${summary.reconciled} found already delivered, not sent again)` : ''}`,
    `  skipped           ${summary.skipped}  (already sent according to the journal)`,
    `  failed            ${summary.failed}`,
    ...Object.entries(summary.failedByKind).map(
      ([kind, count]) => `    ${kind.padEnd(16)}${count}`,
    ),
    `  delivery unknown  ${summary.deliveryUnknown}`,
  ];
  if (summary.notAttempted > 0) lines.push(`  not attempted     ${summary.notAttempted}`);
  lines.push(`  journal           ${summary.journal}`);
  output.out(lines.join('\n'));
  printFailures(output, summary);
  if (summary.abortedBy) output.err(`stopped: ${summary.abortedBy.message}`);
  else if (summary.interrupted)
    output.err('interrupted: run the same command again to resume from the journal');
  else if (summary.deliveryUnknown > 0 || summary.failed > 0) {
    output.err(
      'run the same command again to retry the failed lines; lines already sent are skipped',
    );
  }
}

/** `send-bulk`: a file of messages, journaled so that a rerun resumes and never sends twice. */
export function addSendBulkCommand(program: Command, context: CommandContext): void {
  program
    .command('send-bulk')
    .description(
      'send many messages from a JSON-lines or CSV file; resumable, never sends a line twice',
    )
    .requiredOption(
      '--file <path>',
      'input: JSON lines {"vendor"?, "orderId", "text", "orderKind"?, "internal"?, "key"?} or CSV with those columns',
    )
    .addOption(
      new Option(
        '--format <format>',
        'input format (default: from the extension, .csv or JSON lines)',
      ).choices(['jsonl', 'csv']),
    )
    .option(
      '--journal <path>',
      'journal of what was sent (default: <file>.journal.jsonl; with --sandbox, <file>.sandbox.journal.jsonl)',
    )
    .option(
      '--journal-adopt',
      'use a journal that does not record its target (written by an older version) for this target',
    )
    .option(
      '--concurrency <n>',
      'messages in flight at once (the vendor rate limits are respected whatever this is)',
      positiveInteger('--concurrency'),
      4,
    )
    .option(
      '--resume-settle <ms>',
      'before checking a line the previous run was sending when it died, wait until this long after that attempt (a slow vendor may still store it)',
      positiveInteger('--resume-settle', { allowZero: true, max: MAX_TIMER_MS }),
      DEFAULT_RESUME_SETTLE_MS,
    )
    .option(
      '--resend-unverifiable',
      'resend lines interrupted mid-send on vendors that cannot be checked (risks a duplicate)',
    )
    .option(
      '--progress-interval <ms>',
      'how often plain progress lines are printed when stderr is not a terminal or with --json',
      positiveInteger('--progress-interval'),
      2000,
    )
    .option(
      '--queue <url>',
      'enqueue the lines on this Redis (redis://host:port) for `order-messaging worker` instead of sending them; needs @org/order-messaging-queue',
    )
    .addHelpText('after', JOURNAL_HELP)
    .action(
      withSession(context, async (session, options: Record<string, unknown>) => {
        const file = options.file as string;
        const lines = await readBulkFile(
          file,
          detectFormat(file, options.format as string | undefined),
        );
        const vendorOf = vendorOfLines(file, lines, session.options.vendor);
        if (options.queue !== undefined) {
          return enqueueBulk(session, context, {
            url: queueUrlOf(options.queue, session.output),
            lines,
            vendorOf,
            progressIntervalMs: options.progressInterval as number,
          });
        }
        const { messaging, targets } = await session.messagingWithTargets([
          ...new Set(lines.map(vendorOf)),
        ]);
        const journalPath =
          (options.journal as string | undefined) ??
          (session.options.sandbox ? `${file}.sandbox.journal.jsonl` : `${file}.journal.jsonl`);
        const interruption = listenForInterrupts(
          session.output,
          context.runOptions.handleSignals === true,
          'stopping after the sends in flight (Ctrl-C again to abort them; the journal keeps track)',
        );
        const reporter = createProgressReporter(
          {
            output: session.output,
            plain: session.json,
            intervalMs: options.progressInterval as number,
          },
          { done: 0, total: lines.length, sent: 0, skipped: 0, failed: 0, unknown: 0 },
        );
        let summary: BulkSummary;
        try {
          summary = await runBulk({
            lines,
            journalPath,
            targets,
            adoptJournal: options.journalAdopt === true,
            concurrency: options.concurrency as number,
            resendUnverifiable: options.resendUnverifiable === true,
            stopSignal: interruption.stop,
            abortSignal: interruption.abort,
            onProgress: (counts) => reporter.update(counts),
            sender: scrubbedSender(
              messaging.bulkSender(vendorOf, { resumeSettleMs: options.resumeSettle as number }),
              session.output,
            ),
          });
        } finally {
          interruption.dispose();
        }
        reporter.stop(finalCounts(summary));
        if (summary.journalUnreadableLines.length > 0) {
          session.output.err(
            `journal: ignored unreadable line(s) ${summary.journalUnreadableLines.join(', ')} (a torn write from an interrupted run)`,
          );
        }
        const exitCode = bulkExitCode(summary);
        printBulkSummary(session.output, summary, session.json, exitCode);
        return exitCode;
      }),
    );
}
