/**
 * The sync engine's public shapes: what a caller passes and gets back (`sync`, `auditSync`,
 * `inbox`), and the one hook an adapter implements (`changedOrders`). The engine owns the
 * watermark, the overlap, de-duplication and checkpoints; an adapter only lists what changed.
 */
import type { CallSettings } from '../connection.js';
import type { OrderMessage, OrderRef, VendorName, VendorOptions } from '../model.js';

/**
 * How a vendor finds what changed:
 * - `updated-since`: the vendor filters by update time (Mirakl M11 `updated_since`);
 * - `scan-open-orders`: no such filter, every listed order is read on every sync (Omnidesk);
 * - `none`: no sync (`sync`, `auditSync` and `inbox` throw UnsupportedOperationError).
 */
export type SyncMode = 'updated-since' | 'scan-open-orders' | 'none';

/** How a vendor syncs (`capabilities.sync`). */
export interface SyncCapability {
  /** How changed orders are found; see {@link SyncMode}. */
  readonly mode: SyncMode;
  /** The requests one sync makes, in words (for the README's capability table). */
  readonly cost: string;
  /**
   * How `changedOrders` pages, which tells the engine what an entry listed twice means:
   * - `seek`: each page starts after the last entry listed (Mirakl's M11 tokens; SPP, whose
   *   adapter asks each page from the last update time it listed), so an entry that changes during
   *   the listing moves behind the position and skips no other: a repeat is harmless;
   * - `offset` (the default): pages by number or offset, so an entry that moves from before the
   *   position shifts the rest, and the entry at the next page's start may be skipped. The engine
   *   then lists again from where the moved entry was first listed (see `ChangedOrder`).
   */
  readonly pages?: 'seek' | 'offset';
}

/** What the engine asks an adapter for. */
export interface ChangesRequest {
  /**
   * Orders with a message created or edited at or after this instant (vendor clock), or every
   * order when undefined. Listing more is harmless (the engine filters); listing less loses.
   */
  readonly since: Date | undefined;
  /**
   * True for an entry the engine already read at this very update time during this scan (it lists
   * again after pages shifted): the adapter may return such an entry with `messages: []` instead of
   * reading them again, but must still return it (the engine looks for repeats). Absent: none.
   */
  readonly known?: (listingKey: string, updatedAt: Date) => boolean;
}

/**
 * One order that changed, as an adapter reports it.
 *
 * The listing must not skip silently: an order (thread) that changes while the listing runs is
 * listed again later in the same listing, as a listing sorted by `updatedAt`, oldest first, does
 * (an order's `updatedAt` never goes back). With offset pages (`capabilities.sync.pages`), every
 * entry the vendor's pages hold is returned, changed or not, so the engine sees where each one
 * stands: an entry skipped because another moved from before the position sorts after where the
 * moved one was last seen, and the engine lists again from that `updatedAt` until a listing shows
 * that nothing moved before it (it keeps the old watermark when an entry has no `updatedAt`, or
 * after too many listings).
 */
export interface ChangedOrder<Raw = unknown> {
  /** The order's id, as `list` and `send` take it. */
  readonly orderId: string;
  /**
   * What `list` and `send` need besides the id to find the order (GameBoost's
   * `{ gameboost: { orderKind } }`): the engine passes it to `list` and on to the caller. Entries
   * with the same id but different options are different orders.
   */
  readonly vendorOptions?: VendorOptions;
  /** What the vendor listed, when not the order itself (a Mirakl thread id): repeats are found by it. */
  readonly listingKey?: string;
  /** When the vendor last changed the order (its thread, its ticket), where it says. */
  readonly updatedAt?: Date;
  /**
   * The vendor's own "reply owed since" (Mirakl `shop_reply_needed_since`): a date, or `null`
   * when the vendor says no reply is owed. Undefined: the vendor has no such field, and the
   * engine derives it from `messages`.
   */
  readonly needsReplySince?: Date | null;
  /**
   * Every message of the order created or edited at or after `since` (more is fine). Undefined:
   * the engine lists the order with the adapter's `list`.
   */
  readonly messages?: readonly OrderMessage<Raw>[];
}

/** Whether the customer waits for an answer on an order, and since when. */
export interface NeedsReply {
  /** The first customer message after the last answer. */
  readonly since: Date;
}

/** The order of a synced message. */
export interface SyncOrder {
  /** The order's id, as `list` and `send` take it. */
  readonly id: string;
  /** Pass it with `id` to `send` or `list` (GameBoost: the order kind); absent when not needed. */
  readonly vendorOptions?: VendorOptions;
  /** Null: the latest message is not an unanswered customer message. */
  readonly needsReply: NeedsReply | null;
}

/**
 * Where a sync stands: opaque to callers, JSON-serialisable (store it as `JSON.stringify`
 * gives it, pass it back parsed or as the string). Versioned; names its vendor and connection,
 * so a cursor of another connection is refused.
 */
export interface SyncCursor {
  /** The cursor format's version. */
  readonly v: 1;
  /** The vendor of the connection that wrote it. */
  readonly vendor: VendorName;
  /** The connection that wrote it; another connection refuses it. */
  readonly connection: string;
  /** ISO instant: the next scan lists what changed at or after it. */
  readonly watermark: string;
  /** `[message key, changed at (epoch ms)]` of messages delivered at or after the watermark. */
  readonly seen: readonly (readonly [string, number])[];
}

/**
 * What `sync` yields: each new or edited message once (`type: 'message'`), and after each vendor
 * page a checkpoint (`type: 'checkpoint'`) whose `cursor` to persist once the messages before it
 * are handled.
 */
export type SyncEvent<Raw = unknown> =
  | {
      /** A message event. */
      readonly type: 'message';
      /** The message, normalized as `list` gives it. */
      readonly message: OrderMessage<Raw>;
      /** Its order, and whether the customer waits for a reply there. */
      readonly order: SyncOrder;
      /**
       * True when the message was edited at the vendor (it has `editedAt`; vendors that expose
       * edits), whether or not an earlier version was delivered: a sync that starts after the
       * edit delivers only this version. Apply it as an upsert by `message.id`.
       */
      readonly edited: boolean;
    }
  | {
      /** A checkpoint event. */
      readonly type: 'checkpoint';
      /** Persist it once the events before it are processed; resume from it after a crash. */
      readonly cursor: SyncCursor;
      /** True on the last checkpoint of a scan: the next sync starts a new scan from it. */
      readonly complete: boolean;
    };

/**
 * Options of `sync`: where to start (`cursor`, or `since` the first time), the overlap, and the
 * call settings (`totalTimeoutMs` bounds the whole scan).
 */
export interface SyncOptions extends CallSettings {
  /** Resume from a checkpoint (an object, or its JSON text). */
  cursor?: SyncCursor | string;
  /** Without a cursor: where the first scan starts (required then; no silent default). */
  since?: Date;
  /**
   * How far before the scan's start the next watermark is set, to cover vendor clock skew and
   * messages stored with a time before they became visible (default 5 minutes).
   */
  overlapMs?: number;
}

/** Options of `auditSync`: the window, what the caller has seen, and optionally which orders. */
export interface AuditOptions extends CallSettings {
  /** The window audited: messages created or edited in `[since, until)`. */
  since: Date;
  /** Default: now. */
  until?: Date;
  /** The message keys (`syncKey(message)`, the message id for unedited ones) the caller processed. */
  seen: Iterable<string> | ((key: string) => boolean);
  /**
   * Only these orders, by id or as `{ orderId, vendorOptions }` (default: every order the vendor
   * lists, whatever its update time).
   */
  orders?: Iterable<string | OrderRef>;
}

/** What `auditSync` found. */
export interface AuditReport<Raw = unknown> {
  /** Orders read. */
  readonly scannedOrders: number;
  /** Messages read in the window. */
  readonly scannedMessages: number;
  /** Messages in the window the caller has not seen, oldest first: a gap in what it processed. */
  readonly missing: OrderMessage<Raw>[];
}

/** Options of `inbox`. */
export interface InboxOptions extends CallSettings {
  /** Only orders changed at or after this instant (default: every order the vendor lists). */
  since?: Date;
}

/** An order waiting for an answer, as `inbox` lists it. */
export interface InboxEntry<Raw = unknown> {
  /** The order's id, as `send` takes it. */
  readonly orderId: string;
  /** Pass it with `orderId` to `send` (GameBoost: the order kind); absent when not needed. */
  readonly vendorOptions?: VendorOptions;
  /** Since when the customer waits. */
  readonly needsReply: NeedsReply;
  /** The order's latest message, where the scan saw one. */
  readonly lastMessage?: OrderMessage<Raw>;
}
