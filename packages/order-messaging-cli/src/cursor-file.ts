/** The file a `sync` keeps its cursor in: read before the first scan, replaced at each checkpoint. */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ValidationError, type SyncCursor } from '@org/order-messaging';
import { writeFileAtomic } from './atomic-file.js';
import { UsageError } from './exit-codes.js';

/** The file's text (the facade validates it), or undefined when there is no file yet. */
export async function readCursorFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read --cursor-file ${path}: ${(error as Error).message}`);
  }
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

export async function saveCursorFile(path: string, cursor: SyncCursor): Promise<string> {
  const text = JSON.stringify(cursor);
  try {
    await writeFileAtomic(path, `${text}\n`);
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
