/**
 * `sync` as the facade calls it. The engine itself (`scan.ts`, with `passes.ts`, `orders.ts` and
 * `cursor.ts`) is loaded on first use (`load.ts`), out of the initial chunk of a bundler that
 * splits code: an application that only sends and lists does not load it.
 */
import type { Connection } from '../connection.js';
import { loadSync } from './load.js';
import type { SyncEvent, SyncOptions } from './types.js';

/** Lazy: the engine loads, and its checks run, at the first iteration, like the requests. */
export async function* runSync(
  connection: () => Connection,
  options: SyncOptions,
): AsyncGenerator<SyncEvent> {
  const { scanChanges } = await loadSync();
  yield* scanChanges(connection, options);
}
