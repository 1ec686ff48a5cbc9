/**
 * The lock that keeps two `send-bulk` runs from working off the same journal at once: both would
 * see the same lines as not yet sent and send them.
 *
 * The lock is a directory, `<journal>.lock`, holding one file named after its owner (pid and a
 * random suffix) whose content names the owner's pid and host. Directories give the two atomic
 * steps a plain file cannot:
 *
 * - Taking it: the owner file is written and synced inside a private staging directory, which is
 *   then renamed to the lock path. The rename fails while the lock path is a directory with
 *   anything in it, so the lock never exists without saying whose it is.
 * - Taking over a killed run's lock: the taker deletes that run's owner file by its unique name,
 *   then removes the directory with `rmdir`, which only removes an empty one. A taker that lags
 *   behind another therefore finds no such file (or a non-empty directory) and deletes nothing:
 *   it can never remove a live run's lock. An empty lock directory (its owner or a taker was killed
 *   between the two steps) is free, and whoever removes or replaces it first wins.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './exit-codes.js';

/** How often a run tries again after clearing a dead run's lock before it gives up. */
const MAX_ATTEMPTS = 10;

interface LockOwner {
  readonly pid?: unknown;
  readonly host?: unknown;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

async function ignoring<T>(action: Promise<T>, codes: readonly string[]): Promise<T | undefined> {
  try {
    return await action;
  } catch (error) {
    if (codes.includes(errorCode(error) ?? '')) return undefined;
    throw error;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as unknown;
    if (owner === null || typeof owner !== 'object') return undefined;
    return typeof (owner as LockOwner).pid === 'number' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Refuses the run while `owner` may still be working; returns normally when it is gone for sure. */
function refuseUnlessDead(owner: LockOwner, journalPath: string, lockPath: string): void {
  const sameHost = owner.host === undefined || owner.host === hostname();
  const pid = owner.pid as number;
  if (!sameHost || processIsAlive(pid)) {
    throw new UsageError(
      `another send-bulk run (pid ${pid}${sameHost ? '' : ` on ${String(owner.host)}`}) is using the journal ${journalPath}; ` +
        `wait for it to finish, or delete ${lockPath} if that run is gone`,
    );
  }
}

/**
 * A lock that does not say whose it is may belong to a run that is taking it right now (an older
 * version wrote the pid after creating the file): it is never taken for a dead run's.
 */
function unreadableLock(journalPath: string, lockPath: string): UsageError {
  return new UsageError(
    `the journal ${journalPath} is locked by ${lockPath}, which does not say which run holds it ` +
      `(another send-bulk run may be starting); wait for it to finish, or delete ${lockPath} if no run is using the journal`,
  );
}

/**
 * Looks at the lock in the way of this run: refuses the run while its owner may be alive, and
 * otherwise clears what a dead owner left, touching nothing a live run could have put there since.
 */
async function clearDeadLock(journalPath: string, lockPath: string): Promise<void> {
  const stats = await ignoring(lstat(lockPath), ['ENOENT']);
  if (stats === undefined) return;
  if (stats.isFile()) {
    // A lock file from a version before the lock was a directory. `unlink` cannot remove a
    // directory, so a run that lags behind another can only ever remove such a file.
    const text = await ignoring(readFile(lockPath, 'utf8'), ['ENOENT', 'EISDIR']);
    if (text === undefined) return;
    const owner = parseOwner(text);
    if (!owner) throw unreadableLock(journalPath, lockPath);
    refuseUnlessDead(owner, journalPath, lockPath);
    await ignoring(unlink(lockPath), ['ENOENT', 'EISDIR', 'EPERM']);
    return;
  }
  if (!stats.isDirectory()) throw unreadableLock(journalPath, lockPath);
  const entries = await ignoring(readdir(lockPath), ['ENOENT', 'ENOTDIR']);
  if (entries === undefined) return;
  if (entries.length > 1) throw unreadableLock(journalPath, lockPath);
  if (entries.length === 1) {
    const ownerFile = join(lockPath, entries[0]!);
    // Gone meanwhile: the lock was released or replaced; look again.
    let text: string | undefined;
    try {
      text = await ignoring(readFile(ownerFile, 'utf8'), ['ENOENT', 'ENOTDIR']);
    } catch {
      throw unreadableLock(journalPath, lockPath);
    }
    if (text === undefined) return;
    const owner = parseOwner(text);
    if (!owner) throw unreadableLock(journalPath, lockPath);
    refuseUnlessDead(owner, journalPath, lockPath);
    await ignoring(unlink(ownerFile), ['ENOENT', 'ENOTDIR']);
  }
  await ignoring(rmdir(lockPath), ['ENOENT', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EBUSY']);
}

/** Writes this run's owner file, synced, inside a fresh directory beside the lock. */
async function stageLock(lockPath: string): Promise<{ staging: string; ownerName: string }> {
  const suffix = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const staging = `${lockPath}.${suffix}.tmp`;
  const ownerName = `owner.${suffix}.json`;
  await mkdir(staging);
  try {
    const handle = await open(join(staging, ownerName), 'wx');
    try {
      await handle.writeFile(
        JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
      );
      // A lock that survives a power loss must still say whose it was.
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { staging, ownerName };
}

/**
 * Takes the lock of the journal at `journalPath`, `<journalPath>.lock`, and resolves to the
 * function that releases it. A lock left by a run that was killed (its pid is gone) is taken
 * over; one whose owner may be alive, or that does not say whose it is, refuses the run with a
 * {@link UsageError}.
 */
export async function lockJournal(journalPath: string): Promise<() => Promise<void>> {
  const lockPath = `${journalPath}.lock`;
  const { staging, ownerName } = await stageLock(lockPath);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      try {
        await rename(staging, lockPath);
      } catch (error) {
        const code = errorCode(error);
        // Linux and macOS say ENOTEMPTY or EEXIST for a held lock, ENOTDIR for an older version's
        // lock file; Windows says EPERM for any directory in the way.
        const held = await ignoring(lstat(lockPath), ['ENOENT']);
        if (held === undefined && code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
        await clearDeadLock(journalPath, lockPath);
        continue;
      }
      const ownerFile = join(lockPath, ownerName);
      return async () => {
        await unlink(ownerFile).catch(() => undefined);
        // Fails, harmlessly, when the next run has already put its own lock in place.
        await rmdir(lockPath).catch(() => undefined);
      };
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(staging, { recursive: true, force: true });
  throw new UsageError(`cannot lock the journal ${journalPath}: ${lockPath} keeps coming back`);
}
