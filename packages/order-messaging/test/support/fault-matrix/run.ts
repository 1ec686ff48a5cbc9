/**
 * Runs the fault matrix: each fault × column through a fresh facade against the sandbox, the
 * caller's result set against the copies the sandbox really stored.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLogEntry, Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, OrderMessagingError, type SendResult } from '@org/order-messaging';
import { vendorDescriptor } from '@org/order-messaging/vendors';
import { sandboxSettings } from '../sandbox.js';
import { capturingLogger, leaksOf, outcomeViews, withCanaries } from './canary.js';
import { COLUMNS } from './columns.js';
import { FAULTS } from './faults.js';
import { stage } from './staging.js';
import {
  expectedFor,
  RETRY,
  SETTLE_DELAY_MS,
  TIMEOUT_MS,
  type Cell,
  type CellDelivery,
  type Column,
  type FaultCase,
  type Matrix,
  type Outcome,
} from './model.js';

/** Log entries of requests that broke the vendor's spec or reached no operation. */
export function invalidRequestsIn(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter(
    (entry) =>
      !entry.faulted &&
      (entry.status === 400 || entry.status === 422 || entry.operationId === undefined),
  );
}

/** What the caller got, and what the sandbox holds. */
interface Observed {
  readonly text: string;
  readonly result?: SendResult;
  readonly error?: unknown;
  readonly elapsedMs: number;
  readonly posts: number;
  /** Stored messages carrying the text. */
  readonly copies: readonly { readonly id: string }[];
  readonly leaks: readonly string[];
  readonly offPath: number;
  /** What the fault case arranged that did not happen. */
  readonly unmet: string | undefined;
}

/** Judges one cell against the guarantees. */
function judge(fault: FaultCase, column: Column, observed: Observed): Cell {
  const { result, error, copies } = observed;
  const stored = copies.length;
  const typed = error instanceof OrderMessagingError;
  const outcome: Outcome = result
    ? result.reconciled
      ? 'reconciled'
      : 'sent'
    : typed
      ? (error as OrderMessagingError).kind
      : 'untyped';
  const delivery: CellDelivery = result
    ? 'delivered'
    : typed
      ? (error as OrderMessagingError).delivery
      : 'unknown';
  const lost = result
    ? stored === 0
    : (delivery === 'not_sent' || delivery === 'rejected') && stored > 0;
  const expected = expectedFor(fault, column);
  const asExpected =
    outcome === expected.outcome &&
    delivery === expected.delivery &&
    stored === expected.stored &&
    observed.posts === expected.posts &&
    observed.elapsedMs >= (fault.minElapsedMs ?? 0) &&
    observed.unmet === undefined;
  const retryAfterMs =
    typed && 'retryAfterMs' in (error as object)
      ? (error as { retryAfterMs?: number }).retryAfterMs
      : undefined;
  return {
    fault: fault.id,
    column: column.id,
    text: observed.text,
    outcome,
    delivery,
    stored,
    posts: observed.posts,
    elapsedMs: observed.elapsedMs,
    lost,
    duplicated: stored > 1,
    expected,
    asExpected,
    leaks: observed.leaks,
    offPath: observed.offPath,
    ...(result && copies[0] ? { sameMessage: result.message.id === copies[0].id } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(result ? { result } : { error }),
  };
}

let sequence = 0;

export async function runCell(sb: Sandbox, fault: FaultCase, column: Column): Promise<Cell> {
  const descriptor = vendorDescriptor(column.vendor);
  if (!descriptor) throw new Error(`"${column.vendor}" is not a registered vendor`);
  const cell = ++sequence;
  const text = `Fault matrix ${fault.id} / ${column.id} #${cell}${fault.textTail ?? ''}`;
  const settings = sandboxSettings(sb, descriptor);
  const canaries = withCanaries(descriptor, settings, cell);
  const staging = stage(sb, fault, column, {
    text,
    baseUrl: String(settings.baseUrl),
    swaps: canaries.swaps,
  });
  const { logger, lines } = capturingLogger();
  const messaging = createOrderMessaging({
    connections: {
      [column.vendor]: descriptor.createAdapter(descriptor.toOptions(canaries.settings)),
    },
    retry: RETRY,
    timeoutMs: TIMEOUT_MS,
    fetch: staging.fetch,
    logger,
    reconcile: {
      settleDelayMs: fault.settleDelayMs ?? SETTLE_DELAY_MS,
      ...(fault.maxResends === undefined ? {} : { maxResends: fault.maxResends }),
    },
  });
  const started = Date.now();
  let result: SendResult | undefined;
  let error: unknown;
  try {
    result = await messaging.send(column.vendor, { orderId: column.orderId(sb), text }, fault.call);
  } catch (caught) {
    error = caught;
  }
  const elapsedMs = Date.now() - started;
  if (fault.lingerMs) await sleep(fault.lingerMs);
  for (const id of staging.injected) sb.faults.clear(id);

  const copies = sb.state
    .messages(column.vendor, column.storedOrderId(sb))
    .filter((message) => message.text === text);
  const outcome = result ? { result } : { error };
  return judge(fault, column, {
    text,
    ...outcome,
    elapsedMs,
    posts: staging.posts(),
    copies,
    leaks: leaksOf(outcomeViews(outcome, lines), canaries.swaps),
    offPath: staging.offPath(),
    unmet: staging.unmet(),
  });
}

/**
 * Runs every fault × column. Rows run one after the other on a freshly reset sandbox; within a
 * row the columns run side by side (faults are scripted per vendor and operation).
 */
export async function runFaultMatrix(
  sb: Sandbox,
  faults: readonly FaultCase[] = FAULTS,
  columns: readonly Column[] = COLUMNS,
): Promise<Matrix> {
  const violationsBefore = sb.responseViolations.length;
  const cells: Cell[] = [];
  const invalidRequests: RequestLogEntry[] = [];
  let unrouted = 0;
  for (const fault of faults) {
    sb.reset();
    const groups = new Map<string, Column[]>();
    for (const column of columns) {
      const key = fault.vendorWide ? column.vendor : column.id;
      groups.set(key, [...(groups.get(key) ?? []), column]);
    }
    const rows = await Promise.all(
      [...groups.values()].map(async (group) => {
        const done: Cell[] = [];
        for (const column of group) done.push(await runCell(sb, fault, column));
        return done;
      }),
    );
    const row = rows.flat();
    cells.push(...columns.map((column) => row.find((cell) => cell.column === column.id)!));
    invalidRequests.push(...invalidRequestsIn(sb.state.requests));
    unrouted += sb.state.requests.filter((entry) => entry.operationId === undefined).length;
  }
  sb.reset();
  return {
    faults,
    columns,
    cells,
    totals: {
      cells: cells.length,
      lost: cells.filter((c) => c.lost).length,
      duplicated: cells.filter((c) => c.duplicated).length,
      unknown: cells.filter((c) => c.delivery === 'unknown').length,
      untyped: cells.filter((c) => c.outcome === 'untyped').length,
      unexpected: cells.filter((c) => !c.asExpected).length,
      wrongDelivery: cells.filter((c) => c.delivery !== c.expected.delivery).length,
      secretLeaks: cells.filter((c) => c.leaks.length > 0).length,
      offPath: cells.reduce((sum, c) => sum + c.offPath, 0) + unrouted,
    },
    responseViolations: sb.responseViolations.length - violationsBefore,
    invalidRequests,
  };
}

export function matrixHolds(matrix: Matrix): boolean {
  const { totals } = matrix;
  return (
    totals.lost === 0 &&
    totals.duplicated === 0 &&
    totals.untyped === 0 &&
    totals.unexpected === 0 &&
    totals.wrongDelivery === 0 &&
    totals.secretLeaks === 0 &&
    totals.offPath === 0 &&
    matrix.invalidRequests.length === 0 &&
    matrix.responseViolations === 0
  );
}
