/**
 * The fault matrix's vocabulary: columns (a vendor's send path), fault cases (rows), what a
 * cell is expected to end as, and the short delays the facade runs with.
 */
import type { FaultRule, RequestLogEntry, Sandbox } from '@org/provider-sandbox';
import type { CallSettings, Delivery, ErrorKind, SendResult } from '@org/order-messaging';
import type { RegisteredVendorName } from '@org/order-messaging/vendors';

/** One send path of a vendor (Mirakl has two: a reply into an existing thread, or a new thread). */
export interface Column {
  readonly id: string;
  readonly label: string;
  readonly vendor: RegisteredVendorName;
  /** The sandbox operation that stores the message. */
  readonly sendOperation: string;
  /** The order the facade is asked to write to. */
  orderId(sb: Sandbox): string;
  /** The same order as the sandbox's state view names it (SPP: id rather than number). */
  storedOrderId(sb: Sandbox): string;
  /** Faults (by id) whose right outcome differs on this path, and why. */
  readonly expected: Readonly<
    Record<string, { readonly expected: Expected; readonly why: string }>
  >;
}

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
  /**
   * The vendor stores the text as HTML: every read (not the post's own answer) shows it
   * entity-escaped and wrapped in `<p>` (`It&#039;s d&eacute;j&agrave; vu`).
   */
  escapeReads(): void;
}

export interface FaultCase {
  readonly id: string;
  readonly label: string;
  /** Why the expected outcome is the right one. */
  readonly why: string;
  /** On every column but those that say otherwise (`Column.expected`). */
  readonly expected: Expected;
  arrange(arrange: Arrange): void;
  /** Appended to the cell's text (characters a vendor might escape). */
  readonly textTail?: string;
  readonly call?: CallSettings;
  /** Reconciliation settle delay for this case (default `SETTLE_DELAY_MS`). */
  readonly settleDelayMs?: number;
  /** Resends after the listing showed the message absent; the library default (0) unless set. */
  readonly maxResends?: number;
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

/** What `fault` should end as on `column`. */
export function expectedFor(fault: FaultCase, column: Column): Expected {
  return column.expected[fault.id]?.expected ?? fault.expected;
}

/** Short delays, so the matrix runs in seconds; production defaults are longer. */
export const RETRY = { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 40 } as const;
export const SETTLE_DELAY_MS = 30;
export const TIMEOUT_MS = 5_000;
/** Latency past the attempt timeout: the vendor applies the post after the client gave up. */
export const SLOW_VENDOR = { latencyMs: 400, timeoutMs: 120, settleDelayMs: 450 } as const;

/** Sent by a second post: after a runtime retry (408, 429) or, opted in, after the listing showed it absent. */
export const SENT_AGAIN: Expected = { outcome: 'sent', delivery: 'delivered', stored: 1, posts: 2 };
/**
 * Bytes left, the listing does not show the message, no resend (the default): the vendor may still
 * store it, so the caller is told `unknown`, never `not_sent`.
 */
export function absentUnknown(outcome: Outcome, posts = 1): Expected {
  return { outcome, delivery: 'unknown', stored: 0, posts };
}
export const RECONCILED: Expected = {
  outcome: 'reconciled',
  delivery: 'delivered',
  stored: 1,
  posts: 1,
};

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
  /**
   * Outcome, delivery and stored count as expected, the call took as long as it had to, and
   * what the fault case arranged did happen.
   */
  readonly asExpected: boolean;
  /** Where the caller could see one of the connection's (canary) credentials: error views, result, log lines. */
  readonly leaks: readonly string[];
  /** Requests that went to another origin or outside the vendor's base path. */
  readonly offPath: number;
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
    /** Cells whose `delivery` is not the one the rule expects. */
    readonly wrongDelivery: number;
    /** Cells where a credential showed up in what the caller sees. */
    readonly secretLeaks: number;
    /**
     * Requests to another origin or outside a vendor's base path (seen by the cells' fetch), plus
     * requests the sandbox could not route to a documented operation.
     */
    readonly offPath: number;
  };
  /** Sandbox responses that broke the vendor specs during the run (a sandbox bug if any). */
  readonly responseViolations: number;
  /**
   * Requests the sandbox refused as invalid (400/422 not scripted by a fault) or could not route:
   * the facade sent something the vendor's spec does not allow.
   */
  readonly invalidRequests: readonly RequestLogEntry[];
}
