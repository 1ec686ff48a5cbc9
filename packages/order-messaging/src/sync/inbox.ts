/**
 * `inbox` as the facade calls it; its work (`inbox-scan.ts`) is loaded on first use
 * (`load.ts`), out of the initial chunk of a bundler that splits code.
 */
import type { Connection } from '../connection.js';
import { loadSync } from './load.js';
import type { InboxEntry, InboxOptions } from './types.js';

/** The orders whose customer waits for an answer, longest waiting first. */
export async function inbox(
  connection: Connection,
  options: InboxOptions = {},
): Promise<InboxEntry[]> {
  const { inboxScan } = await loadSync();
  return inboxScan(connection, options);
}
