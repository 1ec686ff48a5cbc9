import type { Command } from 'commander';
import { abortableSleep } from '@org/http-runtime';
import {
  DEFAULT_SYNC_OVERLAP_MS,
  isOrderMessagingError,
  type SyncEvent,
} from '@org/order-messaging';
import {
  assertCursorWritable,
  cursorFileError,
  readCursorFile,
  saveCursorFile,
} from '../cursor-file.js';
import { errorReport, formatErrorLine } from '../errors.js';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import type { Messaging } from '../facade.js';
import { listenForInterrupts, type Interruption } from '../interrupts.js';
import { excerpt, visible } from '../output.js';
import { ScanProgress } from '../progress.js';
import { withSession, type CommandContext, type Session } from '../session.js';
import { syncVendorTitles, type VendorName } from '../vendors.js';
import {
  isoDate,
  messageToJson,
  orderOptionsSuffix,
  positiveInteger,
  positiveSeconds,
  progressIntervalOption,
  rawOption,
  scanDeadline,
  shortTime,
} from './shared.js';
import type { JournalTarget } from '../journal.js';

export const DEFAULT_FOLLOW_INTERVAL_S = 60;

const SYNC_HELP = `
The cursor file records where the last sync stopped. Without it, --since is required: the first
sync prints every message changed since then (there is no default window, so a first run never
silently skips history). With it, --since is ignored, so the same command can run again and
again. The file is replaced atomically at every checkpoint (every page the vendor lists), only
after the messages before it were written to stdout: after a crash or kill, the next run prints
at most the messages after the last checkpoint again, and never loses one.

With --json, stdout carries one JSON object per line and nothing else: the message as
\`list --json\` prints it, plus "orderId", "vendorOptions" where the order needs more than its id
to be answered (GameBoost: {"gameboost": {"orderKind": "item"}}, i.e. send --order-kind item),
"needsReply" ({"since": ISO} or null: whether the customer waits for an answer on the order) and
"edited". An error is one line too
({"error": {...}, "exitCode": n}). Progress goes to stderr.

--follow syncs again every --interval seconds until SIGINT or SIGTERM: the scan in flight stops
at its next checkpoint, the cursor is saved, and the exit code is 130 (a second Ctrl-C aborts the
scan at once; the cursor file keeps its last checkpoint). Failures a retry may cure (rate limits,
5xx, network, timeouts) are reported on stderr and retried at the next interval.

A cursor file belongs to one vendor's connection: another vendor's is refused (exit 2).`;

interface SyncSettings {
  readonly session: Session;
  readonly messaging: Messaging;
  readonly vendor: VendorName;
  /** Where this run syncs from; recorded in the cursor file, which another target refuses. */
  readonly target: JournalTarget;
  readonly cursorFile: string;
  readonly since: Date | undefined;
  readonly overlapMs: number | undefined;
  readonly raw: boolean;
  readonly progressIntervalMs: number;
  readonly interruption: Interruption;
}

interface ScanResult {
  /** The cursor's JSON text after the scan (or its last checkpoint). */
  readonly cursor: string | undefined;
  readonly messages: number;
  /** Stopped by a signal before the scan's end. */
  readonly interrupted: boolean;
  /** Checkpoints this scan wrote to the cursor file (0: the file was not changed). */
  readonly saved?: number;
}

type MessageEvent = Extract<SyncEvent, { type: 'message' }>;

/** One `--json` line: the message as `list --json` prints it, and the sync's order state. */
export function syncLineJson(event: MessageEvent, includeRaw: boolean) {
  const { needsReply, vendorOptions } = event.order;
  return {
    ...messageToJson(event.message, includeRaw),
    orderId: event.order.id,
    // What `send` needs besides the id (GameBoost's order kind), as the facade gives it.
    ...(vendorOptions ? { vendorOptions } : {}),
    needsReply: needsReply ? { since: needsReply.since.toISOString() } : null,
    edited: event.edited,
  };
}

export function syncLineText(event: MessageEvent): string {
  const { message, order } = event;
  const author = message.author.name
    ? `${message.author.kind}: ${excerpt(message.author.name, 24)}`
    : message.author.kind;
  const flags = [
    message.internal ? '[internal]' : '',
    event.edited ? '[edited]' : '',
    order.needsReply ? `[needs reply since ${shortTime(order.needsReply.since)}]` : '',
  ].filter(Boolean);
  return visible(
    [
      shortTime(message.editedAt ?? message.sentAt),
      `order ${order.id}${orderOptionsSuffix(order.vendorOptions)}`,
      author,
      ...flags,
      `${excerpt(message.text, 80)} (${message.id})`,
    ].join('  '),
  );
}

function printMessage(settings: SyncSettings, event: MessageEvent): void {
  const { output, json } = settings.session;
  output.out(json ? JSON.stringify(syncLineJson(event, settings.raw)) : syncLineText(event));
}

/** One scan from `cursor` (or `--since`), saving every checkpoint once what precedes it is out. */
async function scanOnce(settings: SyncSettings, start: string | undefined): Promise<ScanResult> {
  const { session, messaging, vendor, cursorFile, interruption } = settings;
  const progress = new ScanProgress(
    (line) => session.output.err(line),
    `sync ${vendor}`,
    settings.progressIntervalMs,
  );
  let cursor = start;
  let messages = 0;
  let pages = 0;
  const events = messaging.sync(vendor, {
    ...scanDeadline(session.options.totalTimeout),
    ...(start !== undefined ? { cursor: start } : { since: settings.since! }),
    ...(settings.overlapMs !== undefined ? { overlapMs: settings.overlapMs } : {}),
    signal: interruption.abort,
  });
  try {
    for await (const event of events) {
      if (event.type === 'message') {
        printMessage(settings, event);
        messages += 1;
      } else {
        // The cursor says these messages were handled: they must have left the process first.
        await session.output.drain();
        cursor = await saveCursorFile(cursorFile, event.cursor, settings.target);
        pages += 1;
        if (interruption.stop.aborted && !event.complete) {
          return { cursor, messages, interrupted: true, saved: pages };
        }
      }
      progress.update(`${pages} page(s), ${messages} new message(s)`);
    }
  } catch (error) {
    if (interruption.abort.aborted) return { cursor, messages, interrupted: true, saved: pages };
    throw cursorFileError(error, cursorFile);
  } finally {
    progress.stop();
  }
  return { cursor, messages, interrupted: interruption.stop.aborted, saved: pages };
}

/** In --follow, a failure a later round may not meet again is reported, not fatal. */
function isTransient(error: unknown): boolean {
  return isOrderMessagingError(error) && error.retryable && error.delivery !== 'unknown';
}

async function sleepUnlessStopped(ms: number, stop: AbortSignal): Promise<boolean> {
  try {
    await abortableSleep(ms, stop);
    return true;
  } catch {
    return false;
  }
}

async function follow(
  settings: SyncSettings,
  start: string | undefined,
  intervalMs: number,
): Promise<number> {
  const { session, interruption } = settings;
  let cursor = start;
  for (;;) {
    try {
      const result = await scanOnce(settings, cursor);
      cursor = result.cursor;
      if (result.interrupted) return EXIT_CODES.interrupted;
    } catch (error) {
      if (!isTransient(error)) throw error;
      session.output.err(
        `${formatErrorLine(errorReport(error)).replace(/\n\s*/g, ' — ')} (retrying in ${intervalMs / 1000} s)`,
      );
    }
    if (!(await sleepUnlessStopped(intervalMs, interruption.stop))) {
      return EXIT_CODES.interrupted;
    }
  }
}

async function syncCommand(
  context: CommandContext,
  session: Session,
  options: Record<string, unknown>,
): Promise<number> {
  const vendor = session.requireVendor();
  const cursorFile = options.cursorFile as string;
  const since = options.since as Date | undefined;
  const { messaging, targets } = await session.messagingWithTargets([vendor]);
  const target = targets[0]!;
  const start = await readCursorFile(cursorFile, target);
  if (start === undefined && since === undefined) {
    throw new UsageError(
      `no cursor file at ${cursorFile} yet: give --since <ISO date> for the first sync (e.g. --since ${new Date(Date.now() - 86_400_000).toISOString()})`,
    );
  }
  if (options.interval !== undefined && options.follow !== true) {
    throw new UsageError('--interval is only for --follow');
  }
  await assertCursorWritable(cursorFile);
  const interruption = listenForInterrupts(
    session.output,
    context.runOptions.handleSignals === true,
    'stopping at the next checkpoint (Ctrl-C again to abort; the cursor file keeps the last one)',
  );
  const settings: SyncSettings = {
    session,
    messaging,
    vendor,
    target,
    cursorFile,
    since,
    overlapMs: options.overlap as number | undefined,
    raw: options.raw === true,
    progressIntervalMs: options.progressInterval as number,
    interruption,
  };
  try {
    if (options.follow === true) {
      const intervalMs =
        (options.interval as number | undefined) ?? DEFAULT_FOLLOW_INTERVAL_S * 1000;
      return await follow(settings, start, intervalMs);
    }
    const result = await scanOnce(settings, start);
    if (!session.json) {
      session.output.err(
        (result.saved ?? 0) > 0
          ? `${result.messages} new message(s); cursor saved to ${cursorFile}`
          : `${result.messages} new message(s); ${result.interrupted ? 'interrupted before the first checkpoint: ' : ''}${cursorFile} was not changed (run the same command again)`,
      );
    }
    return result.interrupted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
  } finally {
    interruption.dispose();
  }
}

/** `sync`: every new message on any order of the vendor, once, resumable from a cursor file. */
export function addSyncCommand(program: Command, context: CommandContext): void {
  program
    .command('sync')
    .description(
      `print each new message on any order once, remembering where it stopped in a cursor file (${syncVendorTitles()})`,
    )
    .requiredOption('--cursor-file <path>', 'where the sync cursor is kept (JSON)')
    .option(
      '--since <iso>',
      'without a cursor file: start from this instant (required then; ignored once the file exists)',
      isoDate('--since'),
    )
    .option('--follow', 'keep syncing every --interval seconds until SIGINT/SIGTERM')
    .option(
      '--interval <s>',
      `with --follow: seconds between syncs (default ${DEFAULT_FOLLOW_INTERVAL_S})`,
      positiveSeconds('--interval'),
    )
    .option(
      '--overlap <ms>',
      `how far back each scan re-reads, for the vendor's clock skew (default ${DEFAULT_SYNC_OVERLAP_MS})`,
      positiveInteger('--overlap', { allowZero: true }),
    )
    .addOption(rawOption())
    .addOption(progressIntervalOption())
    .addHelpText('after', SYNC_HELP)
    .action(
      withSession(
        context,
        (session, options: Record<string, unknown>) => syncCommand(context, session, options),
        { jsonLines: true },
      ),
    );
}
