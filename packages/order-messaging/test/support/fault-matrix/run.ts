/**
 * Runs the fault matrix: each fault × column through a fresh facade against the sandbox, the
 * caller's result set against the copies the sandbox really stored.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLogEntry, Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging, OrderMessagingError, type SendResult } from '@org/order-messaging';
import { vendorDescriptor } from '@org/order-messaging/vendors';
import { sandboxAdapter } from '../sandbox.js';
import { COLUMNS } from './columns.js';
import { FAULTS } from './faults.js';
import {
  expectedFor,
  RETRY,
  SETTLE_DELAY_MS,
  TIMEOUT_MS,
  type Arrange,
  type Cell,
  type CellDelivery,
  type Column,
  type FaultCase,
  type Garble,
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

async function garbled(response: Response, kind: Garble): Promise<Response> {
  const text = await response.text();
  const headers = new Headers();
  let body: string;
  switch (kind) {
    case 'malformed-json':
      headers.set('Content-Type', 'application/json');
      body = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      break;
    case 'html':
      headers.set('Content-Type', 'text/html; charset=utf-8');
      body = '<!DOCTYPE html>\n<html><body><h1>Thank you!</h1></body></html>\n';
      break;
    case 'wrong-shape':
      headers.set('Content-Type', 'application/json');
      body = '{"ok":true}';
      break;
  }
  return new Response(body, { status: response.status, headers });
}

/** The fault's arrangement of one cell: injected sandbox faults and a fetch that counts posts. */
interface Staging {
  readonly injected: number[];
  readonly fetch: (request: Request) => Promise<Response>;
  posts(): number;
}

function stage(sb: Sandbox, fault: FaultCase, column: Column): Staging {
  const injected: number[] = [];
  let garble: Garble | undefined;
  let afterPost: (() => void) | undefined;
  const arrange: Arrange = {
    sb,
    column,
    inject(rule, operationId) {
      const target =
        operationId === null ? {} : { operationId: operationId ?? column.sendOperation };
      injected.push(sb.faults.inject({ ...rule, vendor: column.vendor, ...target }));
    },
    garbleNextPost(kind) {
      garble = kind;
    },
    afterFirstPost(run) {
      afterPost = run;
    },
  };
  fault.arrange(arrange);

  let posts = 0;
  const observingFetch = async (request: Request): Promise<Response> => {
    const post = request.method === 'POST';
    if (post) posts += 1;
    try {
      const response = await fetch(request);
      if (post && garble && response.ok) {
        const kind = garble;
        garble = undefined;
        return await garbled(response, kind);
      }
      return response;
    } finally {
      if (post && afterPost) {
        const run = afterPost;
        afterPost = undefined;
        run();
      }
    }
  };
  return { injected, fetch: observingFetch, posts: () => posts };
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
    observed.elapsedMs >= (fault.minElapsedMs ?? 0);
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
    ...(result && copies[0] ? { sameMessage: result.message.id === copies[0].id } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(result ? { result } : { error }),
  };
}

let sequence = 0;

export async function runCell(sb: Sandbox, fault: FaultCase, column: Column): Promise<Cell> {
  const descriptor = vendorDescriptor(column.vendor);
  if (!descriptor) throw new Error(`"${column.vendor}" is not a registered vendor`);
  const staging = stage(sb, fault, column);
  const messaging = createOrderMessaging({
    connections: { [column.vendor]: sandboxAdapter(sb, descriptor) },
    retry: RETRY,
    timeoutMs: TIMEOUT_MS,
    fetch: staging.fetch,
    reconcile: {
      settleDelayMs: fault.settleDelayMs ?? SETTLE_DELAY_MS,
      ...(fault.maxResends === undefined ? {} : { maxResends: fault.maxResends }),
    },
  });
  const text = `Fault matrix ${fault.id} / ${column.id} #${++sequence}`;
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
  return judge(fault, column, {
    text,
    ...(result ? { result } : { error }),
    elapsedMs,
    posts: staging.posts(),
    copies,
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
    matrix.invalidRequests.length === 0 &&
    matrix.responseViolations === 0
  );
}
