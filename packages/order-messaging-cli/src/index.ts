export {
  bulkExitCode,
  runBulk,
  type BulkFailure,
  type BulkRunOptions,
  type BulkSender,
  type BulkSendOutcome,
  type BulkSummary,
} from './bulk.js';
export { connectionSettingsFor, type ConnectionSettings } from './connections.js';
export { errorReport, type ErrorReport } from './errors.js';
export {
  ERROR_KINDS,
  EXIT_CODES,
  exitCodeFor,
  exitCodeTable,
  UsageError,
  type ErrorKind,
  type ExitReason,
} from './exit-codes.js';
export { defaultKey, readBulkFile, type BulkLine, type InputFormat } from './input.js';
export {
  loadJournal,
  JournalWriter,
  type JournalEntry,
  type JournalLoadResult,
} from './journal.js';
export { createProgram, run, type RunOptions } from './program.js';
export type { LoadSandbox, RunningSandbox, SandboxModule } from './sandbox.js';
export { PACKAGE_VERSION } from './version.js';
export { VENDOR_NAMES, VENDOR_SETTINGS, type VendorName, type VendorSetting } from './vendors.js';
