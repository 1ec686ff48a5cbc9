/**
 * Sync cursors: the watermark a scan starts from, and the keys of messages already delivered
 * at or after it (the overlap window is scanned again, so these are skipped, not repeated).
 */
import type { Connection } from '../connection.js';
import { DEFAULT_SYNC_OVERLAP_MS } from './keys.js';
import { invalidOption } from './tools.js';
import type { SyncCursor, SyncOptions } from './types.js';

/** Where a scan starts: the watermark (epoch ms) and what was delivered at or after it. */
export interface SyncPosition {
  readonly watermark: number;
  readonly seen: ReadonlyMap<string, number>;
}

const invalid = (connection: Connection, message: string, field = 'cursor') =>
  invalidOption(connection, message, field);

function parsed(connection: Connection, cursor: unknown): Record<string, unknown> {
  let value = cursor;
  if (typeof cursor === 'string') {
    try {
      value = JSON.parse(cursor);
    } catch {
      throw invalid(connection, 'the sync cursor is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(connection, 'the sync cursor is not an object');
  }
  return value as Record<string, unknown>;
}

function seenEntries(connection: Connection, seen: unknown): Map<string, number> {
  const valid =
    Array.isArray(seen) &&
    seen.every(
      (entry) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        Number.isFinite(entry[1]),
    );
  if (!valid) throw invalid(connection, 'the sync cursor is damaged (`seen`)');
  return new Map(seen as [string, number][]);
}

/** The cursor's position, refused when it is not a v1 cursor of this very connection. */
export function positionOfCursor(connection: Connection, cursor: unknown): SyncPosition {
  const value = parsed(connection, cursor);
  if (value.v !== 1) {
    throw invalid(connection, `unknown sync cursor version ${JSON.stringify(value.v)}`);
  }
  const { vendor } = connection.adapter;
  if (value.vendor !== vendor || value.connection !== connection.name) {
    // A cursor's seen ids and watermark mean nothing on another account: refusing beats a
    // sync that silently skips or repeats.
    throw invalid(
      connection,
      `the sync cursor belongs to connection ${JSON.stringify(value.connection)} (${String(value.vendor)}), not ${connection.name} (${vendor})`,
    );
  }
  const watermark = typeof value.watermark === 'string' ? Date.parse(value.watermark) : NaN;
  if (!Number.isFinite(watermark)) throw invalid(connection, 'the sync cursor has no watermark');
  return { watermark, seen: seenEntries(connection, value.seen) };
}

/** Where the scan starts: the cursor's position, else `since` with nothing seen. */
export function startPosition(connection: Connection, options: SyncOptions): SyncPosition {
  if (options.cursor !== undefined) return positionOfCursor(connection, options.cursor);
  const since = options.since;
  if (!(since instanceof Date) || !Number.isFinite(since.getTime())) {
    throw invalid(connection, 'sync needs a `cursor` or a `since` date to start from', 'since');
  }
  return { watermark: since.getTime(), seen: new Map() };
}

export function overlapOf(connection: Connection, options: SyncOptions): number {
  const overlap = options.overlapMs ?? DEFAULT_SYNC_OVERLAP_MS;
  if (!Number.isSafeInteger(overlap) || overlap < 0) {
    throw invalid(connection, 'overlapMs must be a non-negative integer', 'overlapMs');
  }
  return overlap;
}

/** Only keys changed at or after the watermark are kept: older ones are never listed again. */
export function encodeCursor(
  connection: Connection,
  watermark: number,
  seen: Iterable<readonly [string, number]>,
): SyncCursor {
  const kept: [string, number][] = [];
  for (const [key, at] of seen) if (at >= watermark) kept.push([key, at]);
  return {
    v: 1,
    vendor: connection.adapter.vendor,
    connection: connection.name,
    watermark: new Date(watermark).toISOString(),
    seen: kept,
  };
}
