/**
 * The fault matrix: every transport and server fault the provider sandbox can script, on the
 * send operation of every vendor, through the facade, with the caller's result set against the
 * messages the sandbox really stored. It proves the delivery guarantees of the README:
 *
 * - lost: the caller was told the message was sent but the sandbox does not have it, or the
 *   caller was told `delivery: 'not_sent'`/`'rejected'` but the sandbox has it;
 * - duplicated: the sandbox stored more than one copy of the text;
 * - `delivery: 'unknown'` is allowed only where the facade cannot tell (the check itself fails),
 *   and the table shows it.
 *
 *   npx -y pnpm@10 --filter @org/order-messaging fault-matrix                   # from the root: writes docs/fault-matrix.md
 *   npx tsx --tsconfig scripts/tsconfig.json scripts/fault-matrix.ts              # in this package: print only
 *
 * `@org/provider-sandbox` is loaded from its build (`dist/`); build it first after changing it.
 * Everything else (this package, the clients, the runtime) runs from source.
 *
 * Exit code 1 when a message was lost or duplicated, an error was untyped, or a cell is not
 * what the guarantees say. `test/fault-matrix.test.ts` runs the same matrix.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import {
  startSandbox,
  type FaultRule,
  type RequestLogEntry,
  type Sandbox,
} from '@org/provider-sandbox';
import { gameboost } from '../src/adapters/gameboost.js';
import { mirakl } from '../src/adapters/mirakl.js';
import { omnidesk } from '../src/adapters/omnidesk.js';
import { spp } from '../src/adapters/spp.js';
import {
  createOrderMessaging,
  OrderMessagingError,
  type CallSettings,
  type Delivery,
  type ErrorKind,
  type SendResult,
} from '../src/index.js';

export type Vendor = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';

/** One send path: Mirakl has two (a reply into an existing thread, or a new thread). */
export interface Column {
  readonly id: string;
  readonly label: string;
  readonly vendor: Vendor;
  /** The sandbox operation that stores the message. */
  readonly sendOperation: string;
  /** The order the facade is asked to write to. */
  orderId(sb: Sandbox): string;
  /** The same order as the sandbox's state view names it (SPP: id rather than number). */
  storedOrderId(sb: Sandbox): string;
}

export const COLUMNS: readonly Column[] = [
  {
    id: 'mirakl-m12',
    label: 'Mirakl M12 (reply)',
    vendor: 'mirakl',
    sendOperation: 'replyToThread',
    orderId: (sb) => sb.seed.mirakl.orderWithThread,
    storedOrderId: (sb) => sb.seed.mirakl.orderWithThread,
  },
  {
    id: 'mirakl-or43',
    label: 'Mirakl OR43 (new thread)',
    vendor: 'mirakl',
    sendOperation: 'createOrderThread',
    orderId: (sb) => sb.seed.mirakl.orderWithoutThread,
    storedOrderId: (sb) => sb.seed.mirakl.orderWithoutThread,
  },
  {
    id: 'spp',
    label: 'SPP',
    vendor: 'spp',
    sendOperation: 'createOrderMessage',
    orderId: (sb) => sb.seed.spp.orderWithFewMessages.number,
    storedOrderId: (sb) => sb.seed.spp.orderWithFewMessages.id,
  },
  {
    id: 'omnidesk',
    label: 'Omnidesk',
    vendor: 'omnidesk',
    sendOperation: 'createMessage',
    orderId: (sb) => String(sb.seed.omnidesk.ticketWithMessages),
    storedOrderId: (sb) => String(sb.seed.omnidesk.ticketWithMessages),
  },
  {
    id: 'gameboost',
    label: 'GameBoost (account order)',
    vendor: 'gameboost',
    sendOperation: 'sendAccountOrderMessage',
    orderId: (sb) => sb.seed.gameboost.accountOrders.processing,
    storedOrderId: (sb) => sb.seed.gameboost.accountOrders.processing,
  },
];

export type Outcome = 'sent' | 'reconciled' | ErrorKind | 'untyped';
/** `delivered` for a successful send; the error's `delivery` otherwise. */
export type CellDelivery = 'delivered' | Delivery;

export interface Expected {
  readonly outcome: Outcome;
  readonly delivery: CellDelivery;
  readonly stored: number;
  /** Posts the facade makes: 1 means it never posted again, 2 a resend after a clear check or a runtime retry. */
  readonly posts: number;
}

/** A body that replaces the vendor's real 2xx answer after it stored the message. */
export type Garble = 'malformed-json' | 'html' | 'wrong-shape';

/** What a fault case may do to one cell: script sandbox faults, tamper with answers. */
export interface Arrange {
  readonly sb: Sandbox;
  readonly column: Column;
  /** Adds a fault on the column's send operation (or the given one, or every operation with `null`). */
  inject(rule: Omit<FaultRule, 'vendor' | 'operationId'>, operationId?: string | null): void;
  /** Replaces the body of the next successful post's answer (the message IS stored). */
  garbleNextPost(kind: Garble): void;
  /** Runs once, right after the first post got its answer or failed. */
  afterFirstPost(run: () => void): void;
}

export interface FaultCase {
  readonly id: string;
  readonly label: string;
  /** Why the expected outcome is the right one. */
  readonly why: string;
  readonly expected: Expected;
  /** Columns where a different result is the right one. */
  readonly expectedFor?: Readonly<Partial<Record<string, Expected>>>;
  arrange(arrange: Arrange): void;
  readonly call?: CallSettings;
  /** Reconciliation settle delay for this case (default `SETTLE_DELAY_MS`). */
  readonly settleDelayMs?: number;
  /** Wait after the call before counting stored copies, so a late write by a slow vendor is seen. */
  readonly lingerMs?: number;
  /** The call must take at least this long (a server-requested wait was honoured). */
  readonly minElapsedMs?: number;
  /**
   * Faults that hit every operation of a vendor would reach the other column of the same
   * vendor too: its columns then run one after the other instead of side by side.
   */
  readonly vendorWide?: boolean;
}

/** Short delays, so the matrix runs in seconds; production defaults are longer. */
export const RETRY = { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 40 } as const;
export const SETTLE_DELAY_MS = 30;
const TIMEOUT_MS = 5_000;
/** Latency past the attempt timeout: the vendor applies the post after the client gave up. */
const SLOW_VENDOR = { latencyMs: 400, timeoutMs: 120, settleDelayMs: 450 } as const;

/** Sent by a second post: after a runtime retry (429, 503) or after the listing showed it absent. */
const SENT_AGAIN: Expected = { outcome: 'sent', delivery: 'delivered', stored: 1, posts: 2 };
const RECONCILED: Expected = { outcome: 'reconciled', delivery: 'delivered', stored: 1, posts: 1 };

/** An HTTP date at least `ms` ahead, on a whole second (HTTP dates have no fractions). */
function httpDateIn(ms: number): Date {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);
}

export const FAULTS: readonly FaultCase[] = [
  {
    id: '429-seconds',
    label: '429 with `Retry-After: 1` (seconds)',
    why: 'the vendor did not act: the runtime waits the Retry-After and posts again',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 429, retryAfter: 1 }),
    minElapsedMs: 900,
  },
  {
    id: '429-date',
    label: '429 with `Retry-After: <HTTP date>`',
    why: 'same, with the wait given as a date',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 429, retryAfter: httpDateIn(1_000) }),
    minElapsedMs: 900,
  },
  {
    id: '500',
    label: '500 (vendor JSON error)',
    why: 'may have been stored: the order is listed first; absent, so one more post',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 500 }),
  },
  {
    id: '502-html',
    label: '502 with an HTML proxy page',
    why: 'the gateway may have lost the answer: listed, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 502, bodyKind: 'html' }),
  },
  {
    id: '503',
    label: '503',
    why: 'the vendor did not act: the runtime posts again after a backoff',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 503 }),
  },
  {
    id: '504',
    label: '504',
    why: 'the gateway timed out, the vendor may have stored it: listed, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 504 }),
  },
  {
    id: '500-malformed-json',
    label: '500 with malformed JSON',
    why: 'as a 500; the unreadable body is kept as text',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 500, bodyKind: 'malformed-json' }),
  },
  {
    id: '200-malformed-json-not-stored',
    label: '200 with malformed JSON, nothing stored',
    why: 'a 2xx that cannot be read is ambiguous: listed first, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ status: 200, bodyKind: 'malformed-json' }),
  },
  {
    id: '2xx-malformed-json-stored',
    label: '2xx with malformed JSON, message stored',
    why: 'never posted blindly again: the listing finds the stored message',
    expected: RECONCILED,
    arrange: (a) => a.garbleNextPost('malformed-json'),
  },
  {
    id: '2xx-html-stored',
    label: '2xx with an HTML page, message stored',
    why: 'same, with an HTML body in place of JSON',
    expected: RECONCILED,
    arrange: (a) => a.garbleNextPost('html'),
  },
  {
    id: '2xx-wrong-shape-stored',
    label: '2xx with JSON of the wrong shape, message stored',
    why: 'no message in the answer: reconciled by listing (Omnidesk answers no message anyway and reads the ticket back)',
    expected: RECONCILED,
    expectedFor: { omnidesk: { ...RECONCILED, outcome: 'sent' } },
    arrange: (a) => a.garbleNextPost('wrong-shape'),
  },
  {
    id: 'latency-applied-late',
    label: `latency past the timeout (${SLOW_VENDOR.latencyMs} ms > ${SLOW_VENDOR.timeoutMs} ms), applied late`,
    why: 'timed out after writing: after the settle delay the listing finds what the slow vendor stored',
    expected: RECONCILED,
    arrange: (a) => a.inject({ latencyMs: SLOW_VENDOR.latencyMs }),
    call: { timeoutMs: SLOW_VENDOR.timeoutMs },
    settleDelayMs: SLOW_VENDOR.settleDelayMs,
    lingerMs: SLOW_VENDOR.latencyMs,
  },
  {
    id: 'drop-before-apply',
    label: 'connection dropped before the write',
    why: 'reset after sending: listed, absent, posted once more',
    expected: SENT_AGAIN,
    arrange: (a) => a.inject({ drop: 'before-apply' }),
  },
  {
    id: 'drop-after-apply',
    label: 'connection dropped after the message was stored',
    why: 'reset after sending: the listing finds it, no second post',
    expected: RECONCILED,
    arrange: (a) => a.inject({ drop: 'after-apply' }),
  },
  {
    id: '429-too-long',
    label: '429 with `Retry-After: 3600` (longer than allowed)',
    why: 'not waited for: RateLimitedError with retryAfterMs, nothing stored',
    expected: { outcome: 'rate_limited', delivery: 'rejected', stored: 0, posts: 1 },
    arrange: (a) => a.inject({ status: 429, retryAfter: 3600 }),
  },
  {
    id: '503-every-attempt',
    label: '503 on every attempt',
    why: 'retries spent; the vendor never acted',
    expected: {
      outcome: 'vendor_server',
      delivery: 'rejected',
      stored: 0,
      posts: RETRY.maxRetries + 1,
    },
    arrange: (a) => a.inject({ status: 503, times: Number.POSITIVE_INFINITY }),
  },
  {
    id: '500-every-attempt',
    label: '500 on every attempt',
    why: 'listed after each 500, absent both times: the resend budget is spent',
    expected: { outcome: 'vendor_server', delivery: 'not_sent', stored: 0, posts: 2 },
    arrange: (a) => a.inject({ status: 500, times: Number.POSITIVE_INFINITY }),
  },
  {
    id: 'drop-before-apply-every-attempt',
    label: 'connection dropped before the write, every attempt',
    why: 'listed after each drop, absent both times',
    expected: { outcome: 'network', delivery: 'not_sent', stored: 0, posts: 2 },
    arrange: (a) => a.inject({ drop: 'before-apply', times: Number.POSITIVE_INFINITY }),
  },
  {
    id: 'latency-never-applied',
    label: 'latency past the timeout, never applied, every attempt',
    why: 'timed out twice, absent from the listing twice',
    expected: { outcome: 'timeout', delivery: 'not_sent', stored: 0, posts: 2 },
    arrange: (a) =>
      a.inject({
        latencyMs: SLOW_VENDOR.latencyMs,
        drop: 'before-apply',
        times: Number.POSITIVE_INFINITY,
      }),
    call: { timeoutMs: SLOW_VENDOR.timeoutMs },
    settleDelayMs: SLOW_VENDOR.settleDelayMs,
    lingerMs: SLOW_VENDOR.latencyMs,
  },
  {
    id: 'drop-after-apply-check-fails',
    label: 'dropped after the message was stored, then every read fails (503)',
    why: 'the facade cannot tell: delivery unknown, nothing posted again',
    expected: { outcome: 'network', delivery: 'unknown', stored: 1, posts: 1 },
    vendorWide: true,
    arrange: (a) => {
      a.inject({ drop: 'after-apply' });
      a.afterFirstPost(() => a.inject({ status: 503, times: Number.POSITIVE_INFINITY }, null));
    },
  },
];

export interface Cell {
  readonly fault: string;
  readonly column: string;
  readonly text: string;
  readonly outcome: Outcome;
  readonly delivery: CellDelivery;
  /** Copies of the text the sandbox stored. */
  readonly stored: number;
  /** Posts of the message the facade made (each reached the sandbox). */
  readonly posts: number;
  readonly elapsedMs: number;
  readonly lost: boolean;
  readonly duplicated: boolean;
  readonly expected: Expected;
  /** Outcome, delivery and stored count as expected, and the call took as long as it had to. */
  readonly asExpected: boolean;
  /** For a success: the returned message is the stored one (same id). */
  readonly sameMessage?: boolean;
  readonly retryAfterMs?: number;
  /** The error as the caller got it, for failures. */
  readonly error?: unknown;
  readonly result?: SendResult;
}

export interface Matrix {
  readonly faults: readonly FaultCase[];
  readonly columns: readonly Column[];
  readonly cells: readonly Cell[];
  readonly totals: {
    readonly cells: number;
    readonly lost: number;
    readonly duplicated: number;
    readonly unknown: number;
    readonly untyped: number;
    readonly unexpected: number;
  };
  /** Sandbox responses that broke the vendor specs during the run (a sandbox bug if any). */
  readonly responseViolations: number;
  /**
   * Requests the sandbox refused as invalid (400/422 not scripted by a fault) or could not route:
   * the facade sent something the vendor's spec does not allow.
   */
  readonly invalidRequests: readonly RequestLogEntry[];
}

/** Log entries of requests that broke the vendor's spec or reached no operation. */
export function invalidRequestsIn(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter(
    (entry) =>
      !entry.faulted &&
      (entry.status === 400 || entry.status === 422 || entry.operationId === undefined),
  );
}

/** Sandbox options for the matrix: GameBoost's chat and per-order write limits raised. */
export const MATRIX_SANDBOX_OPTIONS = {
  rateLimits: {
    gameboost: {
      chat: { limit: 100_000 },
      writesSameResource: { limit: 100_000 },
      writesSameResourceHourly: { limit: 100_000 },
    },
  },
} as const;

function adapterFor(sb: Sandbox, vendor: Vendor) {
  const v = sb.vendors;
  switch (vendor) {
    case 'mirakl':
      return mirakl({
        baseUrl: v.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: v.mirakl.apiKey },
      });
    case 'spp':
      return spp({ baseUrl: v.spp.baseUrl, token: v.spp.token });
    case 'omnidesk':
      return omnidesk({ baseUrl: v.omnidesk.baseUrl, apiKey: v.omnidesk.apiKey });
    case 'gameboost':
      // The declared limits (chat 5/min) stay on: each cell uses a fresh facade.
      return gameboost({ baseUrl: v.gameboost.baseUrl, token: v.gameboost.token });
  }
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

let sequence = 0;

export async function runCell(sb: Sandbox, fault: FaultCase, column: Column): Promise<Cell> {
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

  const messaging = createOrderMessaging({
    connections: { [column.vendor]: adapterFor(sb, column.vendor) },
    retry: RETRY,
    timeoutMs: TIMEOUT_MS,
    fetch: observingFetch,
    reconcile: { settleDelayMs: fault.settleDelayMs ?? SETTLE_DELAY_MS },
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
  for (const id of injected) sb.faults.clear(id);

  const copies = sb.state
    .messages(column.vendor, column.storedOrderId(sb))
    .filter((message) => message.text === text);
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
  const expected = fault.expectedFor?.[column.id] ?? fault.expected;
  const asExpected =
    outcome === expected.outcome &&
    delivery === expected.delivery &&
    stored === expected.stored &&
    posts === expected.posts &&
    elapsedMs >= (fault.minElapsedMs ?? 0);
  const retryAfterMs =
    typed && 'retryAfterMs' in (error as object)
      ? (error as { retryAfterMs?: number }).retryAfterMs
      : undefined;
  return {
    fault: fault.id,
    column: column.id,
    text,
    outcome,
    delivery,
    stored,
    posts,
    elapsedMs,
    lost,
    duplicated: stored > 1,
    expected,
    asExpected,
    ...(result && copies[0] ? { sameMessage: result.message.id === copies[0].id } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(result ? { result } : { error }),
  };
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

function cellText(cell: Cell): string {
  const verdict = cell.lost
    ? 'LOST'
    : cell.duplicated
      ? 'DUPLICATED'
      : cell.outcome === 'untyped'
        ? 'UNTYPED'
        : cell.asExpected
          ? 'ok'
          : 'UNEXPECTED';
  return `${verdict}: ${cell.outcome}, delivery=${cell.delivery}, stored=${cell.stored}`;
}

export function matrixMarkdown(matrix: Matrix, command: string): string {
  const { totals } = matrix;
  const header = `| fault | ${matrix.columns.map((c) => c.label).join(' | ')} |`;
  const rule = `| --- | ${matrix.columns.map(() => '---').join(' | ')} |`;
  const rows = matrix.faults.map((fault) => {
    const cells = matrix.columns.map((column) =>
      cellText(matrix.cells.find((c) => c.fault === fault.id && c.column === column.id)!),
    );
    return `| ${fault.label} | ${cells.join(' | ')} |`;
  });
  const unknownFaults = [
    ...new Set(matrix.cells.filter((c) => c.delivery === 'unknown').map((c) => c.fault)),
  ]
    .map((id) => matrix.faults.find((f) => f.id === id)?.label ?? id)
    .map((label) => `“${label}”`)
    .join(', ');
  const why = matrix.faults.map((fault) => {
    const posts = fault.expected.posts === 1 ? 'one post' : `${fault.expected.posts} posts`;
    return `- **${fault.label}** (${posts}): ${fault.why}.`;
  });
  return [
    '# Fault matrix',
    '',
    `Generated by \`${command}\` (\`packages/order-messaging/scripts/fault-matrix.ts\`); do not edit by hand.`,
    '`packages/order-messaging/test/fault-matrix.test.ts` runs the same matrix and fails on any cell that is not as below.',
    '',
    'Each fault is scripted in `@org/provider-sandbox` on the operation that stores the message',
    '(Mirakl M12 `replyToThread` and OR43 `createOrderThread`, SPP `createOrderMessage`, Omnidesk',
    '`createMessage`, GameBoost `sendAccountOrderMessage`); the “stored” rows replace the body of a',
    'real 2xx answer after the sandbox stored the message. The facade runs with short delays',
    `(retries ${RETRY.maxRetries}, backoff ${RETRY.initialDelayMs}–${RETRY.maxDelayMs} ms, settle delay ${SETTLE_DELAY_MS} ms; ${SLOW_VENDOR.settleDelayMs} ms for the latency rows).`,
    '',
    'Each cell: `ok: <what the caller got>, delivery=<x>, stored=<copies in the sandbox>`, where the',
    'caller got `sent` (first-hand), `reconciled` (found on the order after an ambiguous failure) or',
    'the `kind` of the typed error; `delivery=delivered` for a successful send. A cell says `LOST`,',
    '`DUPLICATED`, `UNTYPED` or `UNEXPECTED` instead of `ok` when the guarantee does not hold.',
    '',
    '- **lost**: the caller was told the message was sent but the sandbox does not have it, or was',
    "  told `delivery: 'not_sent'` / `'rejected'` while the sandbox has it.",
    '- **duplicated**: the sandbox holds more than one copy of the text.',
    "- `delivery: 'unknown'` only where the facade cannot tell (its check failed too).",
    '',
    header,
    rule,
    ...rows,
    '',
    `**Totals** over ${totals.cells} cells: lost = ${totals.lost}, duplicated = ${totals.duplicated}, ` +
      `untyped errors = ${totals.untyped}, not as expected = ${totals.unexpected}, ` +
      `delivery unknown = ${totals.unknown}${unknownFaults ? ` (${unknownFaults})` : ''}. ` +
      `Requests the sandbox refused as invalid: ${matrix.invalidRequests.length}; ` +
      `sandbox responses off the specs: ${matrix.responseViolations}.`,
    '',
    '## Why each row ends as it does',
    '',
    ...why,
    '',
  ].join('\n');
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

/** The repository checks its markdown with Prettier; align the table the same way when it is installed. */
async function formatted(markdown: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(markdown, { ...config, parser: 'markdown' });
  } catch {
    return markdown;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const output = argv[0];
  const sb = await startSandbox(MATRIX_SANDBOX_OPTIONS);
  try {
    const matrix = await runFaultMatrix(sb);
    const markdown = matrixMarkdown(
      matrix,
      'npx -y pnpm@10 --filter @org/order-messaging fault-matrix',
    );
    if (output) {
      await writeFile(path.resolve(output), await formatted(markdown, path.resolve(output)));
      process.stdout.write(`wrote ${output}\n`);
    }
    process.stdout.write(markdown);
    return matrixHolds(matrix) ? 0 : 1;
  } finally {
    await sb.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
