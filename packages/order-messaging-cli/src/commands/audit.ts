/**
 * `audit`: the facade's `auditSync` from the command line. It lists every message changed in a
 * past window, independently of any cursor, and compares it with what `sync --json` printed: a
 * message the sync passed without printing is a gap.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { syncKey, type OrderMessage } from '@org/order-messaging';
import { readCursorFile } from '../cursor-file.js';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import { excerpt, visible } from '../output.js';
import { ScanProgress } from '../progress.js';
import { withSession, type CommandContext, type Session } from '../session.js';
import { syncVendorTitles } from '../vendors.js';
import {
  isoDate,
  messageToJson,
  progressIntervalOption,
  rawOption,
  scanDeadline,
  shortTime,
} from './shared.js';

const AUDIT_HELP = `
--seen is the record of what you processed: the JSON lines \`sync --json\` printed (a line's
"id", plus "editedAt" for an edited message, makes its key; lines without an "id", such as error
lines, are skipped). Every message created or edited in [--since, --until) that the record lacks
is reported, whatever a cursor says: the audit lists every order the vendor has, each read whole.

With --cursor-file, only what the cursor has passed counts: messages changed before its watermark,
or among those it says were delivered. A message after it is not a gap: the next sync prints it.

Exit 0 when nothing is missing, ${EXIT_CODES.audit_gaps} (audit_gaps) when something is.`;

/** A cursor as its file keeps it: where it stands, and what it says it delivered since. */
interface Passed {
  readonly watermark: number;
  readonly seen: ReadonlySet<string>;
}

/** The keys of the messages a `sync --json` output holds (its file, one JSON object a line). */
async function printedKeys(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --seen ${path}: ${(error as Error).message}`);
  }
  const keys = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(
        `--seen ${path}, line ${index + 1}: not JSON (expected sync --json lines)`,
      );
    }
    const { id, editedAt } = (value ?? {}) as { id?: unknown; editedAt?: unknown };
    if (typeof id !== 'string') continue;
    const edited = typeof editedAt === 'string' ? new Date(editedAt) : undefined;
    keys.add(syncKey({ id, ...(edited ? { editedAt: edited } : {}) }));
  }
  return keys;
}

function passedBy(text: string, path: string): Passed {
  let cursor: { watermark?: unknown; seen?: unknown } | undefined;
  try {
    cursor = JSON.parse(text) as { watermark?: unknown; seen?: unknown } | undefined;
  } catch {
    cursor = undefined; // reported below
  }
  const watermark = typeof cursor?.watermark === 'string' ? Date.parse(cursor.watermark) : NaN;
  const seen = cursor?.seen;
  if (!Number.isFinite(watermark) || !Array.isArray(seen)) {
    throw new UsageError(`--cursor-file ${path} holds no sync cursor`);
  }
  return { watermark, seen: new Set(seen.map((entry) => String((entry as unknown[])[0]))) };
}

/** A message the cursor passed: before its watermark, or among what it says it delivered. */
function wasPassed(message: OrderMessage, passed: Passed | undefined): boolean {
  if (!passed) return true;
  const changed = (message.editedAt ?? message.sentAt).getTime();
  return changed < passed.watermark || passed.seen.has(syncKey(message));
}

function missedLine(message: OrderMessage): string {
  return visible(
    [
      shortTime(message.editedAt ?? message.sentAt),
      `order ${message.orderId}`,
      message.author.kind,
      `${excerpt(message.text, 80)} (${message.id})`,
    ].join('  '),
  );
}

async function auditCommand(session: Session, options: Record<string, unknown>): Promise<number> {
  const vendor = session.requireVendor();
  const since = options.since as Date;
  const until = (options.until as Date | undefined) ?? new Date();
  if (until.getTime() <= since.getTime()) throw new UsageError('--until must be after --since');
  const seen = await printedKeys(options.seen as string);
  const { messaging, targets } = await session.messagingWithTargets([vendor]);
  let passed: Passed | undefined;
  const cursorFile = options.cursorFile as string | undefined;
  if (cursorFile !== undefined) {
    const text = await readCursorFile(cursorFile, targets[0]!);
    if (text === undefined) throw new UsageError(`no cursor file at ${cursorFile}`);
    passed = passedBy(text, cursorFile);
  }
  const progress = new ScanProgress(
    (line) => session.output.err(line),
    `audit ${vendor}: scanning`,
    options.progressInterval as number,
  );
  let report;
  try {
    report = await messaging.auditSync(vendor, {
      ...scanDeadline(session.options.totalTimeout),
      since,
      until,
      seen,
    });
  } finally {
    progress.stop();
  }
  const missing = report.missing.filter((message) => wasPassed(message, passed));
  if (session.json) {
    session.output.json({
      vendor,
      since: since.toISOString(),
      until: until.toISOString(),
      ...(passed ? { watermark: new Date(passed.watermark).toISOString() } : {}),
      scannedOrders: report.scannedOrders,
      scannedMessages: report.scannedMessages,
      missing: missing.map((message) => messageToJson(message, options.raw === true)),
    });
  } else {
    session.output.out(
      `audit ${vendor} ${shortTime(since)} – ${shortTime(until)}: ${report.scannedOrders} order(s), ${report.scannedMessages} message(s) read, ${missing.length} missing`,
    );
    for (const message of missing) session.output.out(missedLine(message));
  }
  return missing.length > 0 ? EXIT_CODES.audit_gaps : EXIT_CODES.ok;
}

/** `audit`: the messages of a past window that a sync's output lacks. */
export function addAuditCommand(program: Command, context: CommandContext): void {
  program
    .command('audit')
    .description(
      `list the messages of a past window that sync did not print: a gap report (${syncVendorTitles()})`,
    )
    .requiredOption('--since <iso>', 'the window starts here', isoDate('--since'))
    .option('--until <iso>', 'the window ends here (default: now)', isoDate('--until'))
    .requiredOption('--seen <file>', 'what sync --json printed (JSON lines)')
    .option('--cursor-file <path>', 'only what this sync cursor has passed counts')
    .addOption(rawOption())
    .addOption(progressIntervalOption())
    .addHelpText('after', AUDIT_HELP)
    .action(
      withSession(context, (session, options: Record<string, unknown>) =>
        auditCommand(session, options),
      ),
    );
}
