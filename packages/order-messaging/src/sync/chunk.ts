/** The sync code `load.ts` loads on first use: one chunk for `sync`, `auditSync` and `inbox`. */
export { auditScan } from './audit-scan.js';
export { inboxScan } from './inbox-scan.js';
export { scanChanges } from './scan.js';
export { provideTools } from './tools.js';
