/**
 * Budgets CI enforces besides sizes (those live in the root .size-limit.json): type
 * instantiation counts, which are deterministic for a TypeScript version, so CI can hold them
 * without timing anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFormatted } from './format.js';
import { BENCH_DIR } from './paths.js';

export const BUDGETS_FILE = path.join(BENCH_DIR, 'budgets.json');

export interface Budgets {
  /** Upper bounds of `Instantiations` from `tsc --extendedDiagnostics`, by type-cost target name. */
  typeInstantiations: Record<string, number>;
}

export function readBudgets(): Budgets {
  if (!existsSync(BUDGETS_FILE)) return { typeInstantiations: {} };
  return JSON.parse(readFileSync(BUDGETS_FILE, 'utf8')) as Budgets;
}

export async function writeBudgets(budgets: Budgets): Promise<void> {
  await writeFormatted(BUDGETS_FILE, JSON.stringify(budgets, null, 2));
}

/** Measured + 10 % headroom, rounded up to a multiple of 10. */
export function headroom(measured: number): number {
  return Math.ceil((measured * 1.1) / 10) * 10;
}
