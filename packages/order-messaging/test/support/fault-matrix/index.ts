/**
 * The fault matrix as test support: `test/fault-matrix.test.ts` asserts on it and
 * `scripts/fault-matrix.ts` writes docs/fault-matrix.md from it.
 */
export { COLUMNS, MATRIX_SANDBOX_OPTIONS } from './columns.js';
export { FAULTS } from './faults.js';
export { matrixMarkdown } from './markdown.js';
export {
  expectedFor,
  RECONCILED,
  RETRY,
  SENT_AGAIN,
  SETTLE_DELAY_MS,
  type Arrange,
  type Cell,
  type CellDelivery,
  type Column,
  type Expected,
  type FaultCase,
  type Garble,
  type Matrix,
  type Outcome,
} from './model.js';
export { storedAsHtml } from '../html-escape.js';
export { invalidRequestsIn, matrixHolds, runCell, runFaultMatrix } from './run.js';
