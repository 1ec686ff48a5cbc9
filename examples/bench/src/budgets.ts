/**
 * Budgets CI enforces besides size-limit's sizes (those live in the root .size-limit.json): the
 * facade bundles' initial load with code splitting, type
 * instantiation counts, which are deterministic for a TypeScript version, and what a send costs
 * on the wire (requests, response bytes), which the sandbox makes deterministic: CI holds them
 * without timing anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFormatted } from './format.js';
import { BENCH_DIR } from './paths.js';

export const BUDGETS_FILE = path.join(BENCH_DIR, 'budgets.json');

/** Upper bounds of one vendor's requests per send (history benchmark). */
export interface RequestsPerSendBudget {
  /** The first send to an order (it may look the order up). */
  first: number;
  /** Every send after it. */
  then: number;
}

/** Upper bounds of (cost with 1,000 messages on the order) ÷ (cost with 1). */
export interface SendCostGrowthBudget {
  requests: number;
  /** Response bytes read. */
  bytes: number;
}

export interface Budgets {
  /** Upper bounds of `Instantiations` from `tsc --extendedDiagnostics`, by type-cost target name. */
  typeInstantiations: Record<string, number>;
  /** By vendor name. */
  requestsPerSend: Record<string, RequestsPerSendBudget>;
  /** By vendor name. */
  sendCostGrowth: Record<string, SendCostGrowthBudget>;
  /**
   * Upper bounds of each facade bundle's initial load with a code-splitting bundler (min+gzip
   * bytes, by size check name): keeps what is loaded on demand (the entity decoder) out of it.
   */
  initialLoad: Record<string, number>;
  /**
   * Upper bound of each vendor client bundle (client + runtime + openapi-fetch, min+gzip) ÷ bare
   * openapi-fetch's: what choosing a typed client over openapi-fetch alone costs in bytes.
   */
  clientOverOpenapiFetch?: number;
}

export function readBudgets(): Budgets {
  const stored: Partial<Budgets> = existsSync(BUDGETS_FILE)
    ? (JSON.parse(readFileSync(BUDGETS_FILE, 'utf8')) as Partial<Budgets>)
    : {};
  return {
    typeInstantiations: stored.typeInstantiations ?? {},
    requestsPerSend: stored.requestsPerSend ?? {},
    sendCostGrowth: stored.sendCostGrowth ?? {},
    initialLoad: stored.initialLoad ?? {},
    ...(stored.clientOverOpenapiFetch === undefined
      ? {}
      : { clientOverOpenapiFetch: stored.clientOverOpenapiFetch }),
  };
}

export async function writeBudgets(budgets: Budgets): Promise<void> {
  await writeFormatted(BUDGETS_FILE, JSON.stringify(budgets, null, 2));
}

/** Measured + 10 % headroom, rounded up to a multiple of 10. */
export function headroom(measured: number): number {
  return Math.ceil((measured * 1.1) / 10) * 10;
}

/**
 * A growth budget for a measured growth: 1.1 (the target: a send's cost does not depend on the
 * history) when the measurement meets it, else measured + 10 % rounded up to a tenth, so that a
 * vendor whose API forces growth (Omnidesk's whole-ticket read) is held where it is.
 */
export function growthBudget(measured: number): number {
  return measured <= 1.1 ? 1.1 : Math.ceil(measured * 1.1 * 10) / 10;
}
