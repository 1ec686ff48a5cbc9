import { afterAll, afterEach, expect } from 'vitest';
import type { Sandbox } from '../../src/index.js';

/**
 * Records which operations a contract test file exercised, from the sandbox's own
 * request log, and checks at the end that every operation of the client's table
 * was called at least once with a success and once with an error answer.
 */
export function requireFullCoverage(
  sandbox: () => Sandbox,
  operationTable: Readonly<Record<string, { operationId: string }>>,
): void {
  const outcomes = new Map<string, Set<'success' | 'error'>>();
  afterEach(() => {
    for (const entry of sandbox().state.requests) {
      if (!entry.operationId || entry.dropped) continue;
      const seen = outcomes.get(entry.operationId) ?? new Set();
      seen.add(entry.status < 400 ? 'success' : 'error');
      outcomes.set(entry.operationId, seen);
    }
  });
  afterAll(() => {
    const expected = Object.values(operationTable)
      .map((op) => op.operationId)
      .sort();
    const actual = Object.fromEntries(
      expected.map((id) => [id, [...(outcomes.get(id) ?? [])].sort()]),
    );
    expect(actual).toEqual(Object.fromEntries(expected.map((id) => [id, ['error', 'success']])));
  });
}

/** The entries of `operationTable` whose operationId is (`keep: true`) or is not in `ids`. */
export function operationsOf<T extends Readonly<Record<string, { operationId: string }>>>(
  operationTable: T,
  ids: readonly string[],
  keep: boolean,
): T {
  return Object.fromEntries(
    Object.entries(operationTable).filter(([, op]) => ids.includes(op.operationId) === keep),
  ) as T;
}
