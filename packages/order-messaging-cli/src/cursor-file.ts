/** The file a `sync` keeps its cursor in: read before the first scan, replaced at each checkpoint. */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ValidationError, type SyncCursor } from '@org/order-messaging';
import { writeFileAtomic } from './atomic-file.js';
import { UsageError } from './exit-codes.js';
import { isJournalTarget, type JournalTarget } from './journal.js';
import { targetDifferences } from './journal-target.js';

/**
 * What the file holds: the facade's cursor, and the target it was made against (vendor,
 * connection, the non-secret settings that locate it, whether it was the sandbox). The facade's
 * cursor names only the vendor and connection, which are the same for a sandbox and a live account.
 */
interface CursorFileContent {
  readonly target: JournalTarget;
  readonly cursor: SyncCursor;
}

function isCursorFileContent(value: unknown): value is CursorFileContent {
  return (
    typeof value === 'object' &&
    value !== null &&
    'target' in value &&
    typeof (value as { cursor?: unknown }).cursor === 'object'
  );
}

/**
 * The cursor's text (the facade validates it), or undefined when there is no file yet. A file
 * made against another target (the sandbox, another base URL or account) is refused: its cursor
 * would skip messages of this one.
 */
export async function readCursorFile(
  path: string,
  target: JournalTarget,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read --cursor-file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text; // the facade reports a damaged cursor, naming the field
  }
  if (!isCursorFileContent(parsed)) return text;
  if (!isJournalTarget(parsed.target))
    throw new UsageError(
      `--cursor-file ${path} is damaged: its "target" is not a target (vendor, connection, sandbox, settings). Delete it and start again with --since.`,
    );
  const differences = targetDifferences([parsed.target], [target], 'the cursor file');
  if (differences.length > 0) {
    throw new UsageError(
      `--cursor-file ${path} was made for another target (${differences.join('; ')}). Give each target its own cursor file, or delete this one and start again with --since.`,
    );
  }
  return JSON.stringify(parsed.cursor);
}

/**
 * Checked before the first scan: finding out at the first checkpoint would leave messages
 * printed that no cursor remembers.
 */
export async function assertCursorWritable(path: string): Promise<void> {
  const directory = dirname(resolve(path));
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new UsageError(
      `--cursor-file ${path}: the directory ${directory} does not exist or is not writable`,
    );
  }
}

export async function saveCursorFile(
  path: string,
  cursor: SyncCursor,
  target: JournalTarget,
): Promise<string> {
  const text = JSON.stringify(cursor);
  const content: CursorFileContent = { target, cursor };
  try {
    await writeFileAtomic(path, `${JSON.stringify(content)}\n`);
  } catch (error) {
    throw new UsageError(`cannot save --cursor-file ${path}: ${(error as Error).message}`);
  }
  return text;
}

/**
 * The facade refuses a cursor of another connection, or a damaged one, as a validation error of
 * the `cursor` field; for the CLI the file is an argument, so that is a usage error (exit 2).
 */
export function cursorFileError(error: unknown, path: string): unknown {
  if (!(error instanceof ValidationError) || error.field !== 'cursor') return error;
  return new UsageError(
    `--cursor-file ${path} cannot be used: ${error.message}. Give each vendor its own cursor file, or delete this one and start again with --since.`,
  );
}
