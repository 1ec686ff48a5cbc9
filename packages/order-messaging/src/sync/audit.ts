/**
 * `auditSync` as the facade calls it; its work (`audit-scan.ts`) is loaded on first use
 * (`load.ts`), out of the initial chunk of a bundler that splits code.
 */
import type { Connection } from '../connection.js';
import { loadSync } from './load.js';
import type { AuditOptions, AuditReport } from './types.js';

/** Lists every message of a past window and reports those the caller has not seen. */
export async function auditSync(
  connection: Connection,
  options: AuditOptions,
): Promise<AuditReport> {
  const { auditScan } = await loadSync();
  return auditScan(connection, options);
}
