import { isOrderMessagingError } from '@org/order-messaging';
import { EXIT_CODES, isErrorKind, UsageError } from './exit-codes.js';
import type { BulkLine } from './input.js';
import {
  JournalWriter,
  loadJournal,
  journalHeader,
  lockJournal,
  writeJournalHeader,
  type JournalEntry,
  type JournalLoadResult,
  type JournalTarget,
} from './journal.js';
import { targetDifferences } from './journal-target.js';
import type { ProgressCounts } from './progress.js';

export interface BulkSendOutcome {
  readonly messageId: string;
  /** The facade found the message already stored (after an ambiguous or interrupted send) instead of sending it. */
  readonly reconciled: boolean;
}

/** What the bulk runner needs from the facade; the CLI wires it to `@org/order-messaging`. */
export interface BulkSender {
  /**
   * Sends one line. With `reconcileFirst`, first looks for the message on the vendor
   * (an earlier run died after announcing it) and returns that one if found.
   */
  send(
    line: BulkLine,
    options: {
      reconcileFirst: boolean;
      /** First and last time an earlier run announced this line as `sending` (from the journal). */
      firstAttemptAt: Date | undefined;
      lastAttemptAt: Date | undefined;
      signal: AbortSignal;
    },
  ): Promise<BulkSendOutcome>;
  /** Whether the line's vendor can tell if a message was already delivered. */
  canReconcile(line: BulkLine): boolean;
  /** Lines of the same conversation are sent one after another, in file order. */
  conversationOf(line: BulkLine): string;
  /** Secrets-free one-line description of an error, with what to fix. */
  describeError(error: unknown): string;
}

export interface BulkFailure {
  readonly line: number;
  readonly key: string;
  readonly orderId: string;
  readonly vendor?: string;
  /** A facade error kind, `internal` for an unexpected error, `unverifiable` for an interrupted send that cannot be checked. */
  readonly kind: string;
  readonly delivery: 'not_sent' | 'rejected' | 'unknown';
  readonly message: string;
}

export interface BulkSummary {
  readonly total: number;
  /** Sent in this run, including those the facade found already delivered (`reconciled`). */
  readonly sent: number;
  readonly reconciled: number;
  /** Already `sent` in the journal: not touched. */
  readonly skipped: number;
  /** Refused or failed for sure (delivery `not_sent` or `rejected`); rerunning retries them. */
  readonly failed: number;
  readonly failedByKind: Readonly<Record<string, number>>;
  /** May or may not be stored at the vendor; the next run checks before resending. */
  readonly deliveryUnknown: number;
  /** Never attempted because the run stopped early (interrupt, or a fatal error such as bad credentials). */
  readonly notAttempted: number;
  readonly interrupted: boolean;
  /** Set when an error that every later line would hit too (bad credentials) stopped the run. */
  readonly abortedBy?: { readonly kind: string; readonly message: string };
  readonly failures: readonly BulkFailure[];
  readonly journal: string;
  readonly journalUnreadableLines: readonly number[];
  readonly durationMs: number;
}

export interface BulkRunOptions {
  readonly lines: readonly BulkLine[];
  readonly journalPath: string;
  /**
   * Where this run sends, one entry per vendor used. A new journal records them in its header;
   * an existing one must have been made for them, or the run is refused (its "sent" would not
   * mean sent to this target).
   */
  readonly targets: readonly JournalTarget[];
  /** Take over a journal without a header (written before headers existed) for these targets. */
  readonly adoptJournal?: boolean;
  readonly concurrency: number;
  readonly sender: BulkSender;
  /** Stops taking new lines (first Ctrl-C); sends in flight finish and are journaled. */
  readonly stopSignal?: AbortSignal;
  /** Aborts sends in flight (second Ctrl-C). */
  readonly abortSignal?: AbortSignal;
  /** Resend interrupted lines whose vendor cannot be checked, accepting a possible duplicate. */
  readonly resendUnverifiable?: boolean;
  readonly onProgress?: (counts: ProgressCounts) => void;
}

/** A journal that cannot be read or written is a setting to fix (a path, a permission), not a bug. */
async function withJournalError<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot use the journal ${path}: ${(error as Error).message} (choose another with --journal)`,
    );
  }
}

/** Kinds that every following line would hit as well: stop instead of failing them one by one. */
const FATAL_KINDS = new Set(['authentication']);

function classify(error: unknown): { kind: string; delivery: BulkFailure['delivery'] } {
  if (isOrderMessagingError(error)) return { kind: error.kind, delivery: error.delivery };
  // An unexpected error may have struck after the request left: assume the worst.
  return { kind: 'internal', delivery: 'unknown' };
}

interface OpenJournal {
  readonly loaded: JournalLoadResult;
  readonly journal: JournalWriter;
  readonly unlock: () => Promise<void>;
}

const JOURNAL_CHOICES =
  'pass --journal <another file> for this target, or delete the journal if what it recorded no longer matters';

/**
 * A journal says what was sent to one target: refuses one made for another (its lines would be
 * skipped as sent without ever reaching this one), and one that does not say, unless adopted.
 */
async function checkJournalTarget(
  path: string,
  loaded: JournalLoadResult,
  options: BulkRunOptions,
): Promise<boolean> {
  if (loaded.header) {
    const differences = targetDifferences(loaded.header.targets, options.targets);
    if (differences.length > 0) {
      throw new UsageError(
        `the journal ${path} belongs to another target (${differences.join('; ')}): ${JOURNAL_CHOICES}`,
      );
    }
    return false;
  }
  if (loaded.hasContent && !options.adoptJournal) {
    throw new UsageError(
      `the journal ${path} does not say which target it was made for (no header: written by an older version, or damaged): ` +
        `${JOURNAL_CHOICES}; or, if it was made for this very target, pass --journal-adopt to use it`,
    );
  }
  await withJournalError(path, () => writeJournalHeader(path, journalHeader(options.targets)));
  return true;
}

/** Locks the journal, checks its target, reads what earlier runs did and opens it for appending. */
async function openJournal(path: string, options: BulkRunOptions): Promise<OpenJournal> {
  const unlock = await withJournalError(path, () => lockJournal(path));
  try {
    let loaded = await withJournalError(path, () => loadJournal(path));
    // A header was just put on top: read again, so that line numbers match the file.
    if (await checkJournalTarget(path, loaded, options))
      loaded = await withJournalError(path, () => loadJournal(path));
    const journal = await withJournalError(path, () => JournalWriter.open(path));
    return { loaded, journal, unlock };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** What a run has done so far: the counts, the failures, and what stopped it. */
class Tally {
  sent = 0;
  reconciled = 0;
  skipped = 0;
  failed = 0;
  deliveryUnknown = 0;
  done = 0;
  readonly failedByKind: Record<string, number> = {};
  readonly failures: BulkFailure[] = [];
  abortedBy: BulkSummary['abortedBy'];

  constructor(readonly total: number) {}

  counts(): ProgressCounts {
    return {
      done: this.done,
      total: this.total,
      sent: this.sent,
      skipped: this.skipped,
      failed: this.failed,
      unknown: this.deliveryUnknown,
    };
  }

  fail(line: BulkLine, kind: string, delivery: BulkFailure['delivery'], message: string): void {
    this.failures.push({
      line: line.line,
      key: line.key,
      orderId: line.orderId,
      ...(line.vendor !== undefined ? { vendor: line.vendor } : {}),
      kind,
      delivery,
      message,
    });
    if (delivery === 'unknown') {
      this.deliveryUnknown += 1;
    } else {
      this.failed += 1;
      this.failedByKind[kind] = (this.failedByKind[kind] ?? 0) + 1;
    }
  }
}

/** Everything sending one line needs. */
interface LineContext extends OpenJournal {
  readonly options: BulkRunOptions;
  readonly tally: Tally;
  readonly abortSignal: AbortSignal;
}

/** Sends one line unless the journal says it was sent, checking the vendor first after an interruption. */
async function processLine(context: LineContext, line: BulkLine): Promise<void> {
  const { options, loaded, journal, tally } = context;
  const { sender } = options;
  const previous: JournalEntry | undefined = loaded.latest.get(line.key);
  if (previous?.state === 'sent') {
    tally.skipped += 1;
    return;
  }
  // An unreadable line may have been this key's `sending`: check before sending, as after an
  // interruption. When the unreadable line does not even say its key, that goes for every key.
  const maybeTorn = loaded.tornKeys === undefined || loaded.tornKeys.has(line.key);
  // Not just the last entry: an interrupted or unknown attempt of any earlier run may still be
  // stored, even when a later attempt was refused for sure.
  let reconcileFirst = maybeTorn || loaded.maybeStored.has(line.key);
  if (reconcileFirst && !sender.canReconcile(line)) {
    if (!options.resendUnverifiable) {
      tally.fail(
        line,
        'unverifiable',
        'unknown',
        'an earlier run was interrupted while sending this line and this vendor cannot be checked for it; ' +
          'look at the order (order-messaging list), then rerun with --resend-unverifiable or remove the line',
      );
      return;
    }
    reconcileFirst = false;
  }
  await journal.append({ key: line.key, state: 'sending', line: line.line });
  try {
    const outcome = await sender.send(line, {
      reconcileFirst,
      firstAttemptAt: loaded.firstAttemptAt.get(line.key),
      lastAttemptAt: loaded.lastAttemptAt.get(line.key),
      signal: context.abortSignal,
    });
    await journal.append({
      key: line.key,
      state: 'sent',
      messageId: outcome.messageId,
      line: line.line,
      ...(outcome.reconciled ? { reconciled: true } : {}),
    });
    tally.sent += 1;
    if (outcome.reconciled) tally.reconciled += 1;
  } catch (error) {
    const { kind, delivery } = classify(error);
    const message = sender.describeError(error);
    await journal.append({
      key: line.key,
      state: 'failed',
      kind,
      delivery,
      message,
      line: line.line,
    });
    tally.fail(line, kind, delivery, message);
    if (FATAL_KINDS.has(kind) && tally.abortedBy === undefined) tally.abortedBy = { kind, message };
  }
}

/** Lines of one conversation stay in file order: a second message must not overtake the first. */
function conversationQueues(lines: readonly BulkLine[], sender: BulkSender): BulkLine[][] {
  const conversations = new Map<string, BulkLine[]>();
  for (const line of lines) {
    const id = sender.conversationOf(line);
    const queue = conversations.get(id);
    if (queue) queue.push(line);
    else conversations.set(id, [line]);
  }
  return [...conversations.values()];
}

/**
 * Sends every line at most once across runs. The journal records `sending`
 * before each request and the outcome after, so a run that is killed at any
 * point can be rerun: lines already `sent` are skipped, and lines left in
 * `sending` (or failed with an unknown delivery) are reconciled with the vendor
 * before they are sent again.
 */
export async function runBulk(options: BulkRunOptions): Promise<BulkSummary> {
  const started = Date.now();
  const open = await openJournal(options.journalPath, options);
  const neverAborted = new AbortController().signal;
  const abortSignal = options.abortSignal ?? neverAborted;
  const stopSignal = options.stopSignal ?? neverAborted;
  const tally = new Tally(options.lines.length);
  const context: LineContext = { ...open, options, tally, abortSignal };
  const shouldStop = () =>
    stopSignal.aborted || abortSignal.aborted || tally.abortedBy !== undefined;

  const queues = conversationQueues(options.lines, options.sender);
  let nextQueue = 0;
  const worker = async (): Promise<void> => {
    while (!shouldStop() && nextQueue < queues.length) {
      const queue = queues[nextQueue]!;
      nextQueue += 1;
      for (const line of queue) {
        if (shouldStop()) break;
        await processLine(context, line);
        tally.done += 1;
        options.onProgress?.(tally.counts());
      }
    }
  };

  const workerCount = Math.max(1, Math.min(options.concurrency, queues.length));
  try {
    await Promise.all(Array.from({ length: workerCount }, () => worker()));
  } finally {
    await open.journal.close();
    await open.unlock();
  }

  return {
    total: options.lines.length,
    sent: tally.sent,
    reconciled: tally.reconciled,
    skipped: tally.skipped,
    failed: tally.failed,
    failedByKind: tally.failedByKind,
    deliveryUnknown: tally.deliveryUnknown,
    notAttempted: options.lines.length - tally.done,
    interrupted:
      (stopSignal.aborted || abortSignal.aborted) &&
      tally.abortedBy === undefined &&
      tally.done < options.lines.length,
    ...(tally.abortedBy !== undefined ? { abortedBy: tally.abortedBy } : {}),
    failures: tally.failures,
    journal: options.journalPath,
    journalUnreadableLines: open.loaded.unreadableLines,
    durationMs: Date.now() - started,
  };
}

export function bulkExitCode(summary: BulkSummary): number {
  if (summary.abortedBy !== undefined && isErrorKind(summary.abortedBy.kind))
    return EXIT_CODES[summary.abortedBy.kind];
  if (summary.interrupted) return EXIT_CODES.interrupted;
  if (summary.deliveryUnknown > 0) return EXIT_CODES.delivery_unknown;
  if (summary.failed > 0) return EXIT_CODES.bulk_failures;
  return EXIT_CODES.ok;
}
