/**
 * Replacing a file (a sync cursor, a downloaded attachment) so that a crash or power loss at any moment leaves
 * either the old content or the new one, never a torn or empty file: the new content goes to a
 * temporary file in the same directory (a rename is only atomic within one file system), is
 * synced to disk, and then renamed over the old one; the directory is synced so the rename itself
 * survives a power loss.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations used, replaceable in tests to check their order. */
export interface AtomicWriteIo {
  writeSynced(path: string, content: string | Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  syncDirectory(path: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export const nodeIo: AtomicWriteIo = {
  async writeSynced(path, content) {
    // `wx`: never write through a file (or a symlink) someone else put at the temporary name.
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  async syncDirectory(path) {
    let handle;
    try {
      handle = await open(path, 'r');
      await handle.sync();
    } catch {
      // Some platforms and file systems cannot fsync a directory; the rename is done either way.
    } finally {
      await handle?.close();
    }
  },
  remove: (path) => rm(path, { force: true }),
};

export function temporaryPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  io: AtomicWriteIo = nodeIo,
): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await io.writeSynced(temporary, content);
    await io.rename(temporary, path);
  } catch (error) {
    await io.remove(temporary).catch(() => undefined);
    throw error;
  }
  await io.syncDirectory(dirname(path));
}
