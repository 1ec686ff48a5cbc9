/**
 * The normalized shapes every adapter speaks: what a caller sends, what a
 * message looks like whatever vendor it came from, and what a vendor can do.
 */
import type { SyncCapability } from './sync/types.js';

/**
 * A vendor's name, as its adapter declares it (`capabilities.vendor`); the vendors this package
 * has adapters for are listed by `@org/order-messaging/vendors`.
 */
export type VendorName = string;

/** Who a message is addressed to, where the vendor lets the sender choose. */
export type Audience = 'customer' | 'seller' | 'operator';
/** Every {@link Audience}, in a fixed order. */
export const AUDIENCES: readonly Audience[] = ['customer', 'seller', 'operator'];

/**
 * Who wrote a message: `customer` (the buyer), `seller` (the shop side; on Mirakl the shop, on
 * GameBoost the seller account), `operator` (the marketplace operator: Mirakl's operator, a
 * GameBoost admin), `staff` (help-desk and SPP team members), `system` (automatic messages).
 */
export type AuthorKind = 'customer' | 'seller' | 'operator' | 'staff' | 'system';

/**
 * Options only one vendor understands, under that vendor's name (as vercel/ai's
 * `providerOptions`): `{ mirakl: { subject: 'Delivery' } }`. Each adapter module exports its
 * own type (`MiraklVendorOptions`, ...); a typed connection accepts only its vendor's key.
 */
export type VendorOptions = {
  readonly [vendor: string]: Readonly<Record<string, unknown>> | undefined;
};

/** Identifies the order (Omnidesk: the ticket) whose messages are read or written. */
export interface OrderRef<Options extends object = VendorOptions> {
  /**
   * The vendor's order reference: Mirakl order id, SPP order number or id, Omnidesk ticket id,
   * GameBoost order id.
   */
  orderId: string;
  /** Vendor-only options, e.g. GameBoost's `{ gameboost: { orderKind: 'item' } }`. */
  vendorOptions?: Options;
}

/** An attachment's bytes: a `Blob` (or `File`), a `Uint8Array` or an `ArrayBuffer`. */
export type AttachmentData = Blob | Uint8Array | ArrayBuffer;

/** A file to send with a message, on vendors whose `capabilities.attachments` is not false. */
export interface OutgoingAttachment {
  /** The file name the vendor shows. */
  filename: string;
  /**
   * The file's bytes; counted against the vendor's `attachments` limits before anything is sent.
   */
  data: AttachmentData;
  /** Defaults to the Blob's own type, else `application/octet-stream`. */
  contentType?: string;
}

export interface SendRequest<Options extends object = VendorOptions> extends OrderRef<Options> {
  /**
   * The message text, checked against `capabilities.text` before sending (in code points,
   * surrounding whitespace not counted); blank text is a `ValidationError`.
   */
  text: string;
  /** Vendor-dependent (see `capabilities().audiences`); validated before anything is sent. */
  audience?: readonly Audience[];
  /** Staff-only note, hidden from the customer (SPP `staff_only`, Omnidesk note channel). */
  internal?: boolean;
  /**
   * Files to attach; a `ValidationError` when the vendor takes none or the files exceed its limits.
   */
  attachments?: readonly OutgoingAttachment[];
}

/** Who wrote a message, normalized. */
export interface MessageAuthor {
  /** The author's role; see {@link AuthorKind}. */
  kind: AuthorKind;
  /** The vendor's id of the author, when it gives one. */
  id?: string;
  /** The author's display name, when the vendor gives one. */
  name?: string;
}

/** An attachment of a listed message (its bytes are not fetched; see `downloadAttachment`). */
export interface MessageAttachment {
  /** The vendor's id of the attachment (what `downloadAttachment` takes). */
  id: string;
  /** The file name. */
  filename: string;
  /** Size in bytes, when the vendor states it. */
  size?: number;
  /** Media type, when the vendor states it. */
  contentType?: string;
  /** Where the vendor serves the file, when it gives a URL (SPP). Mirakl files are fetched by id (M13). */
  url?: string;
}

/**
 * A message of an order, the same shape for every vendor; `raw` keeps the vendor's own object,
 * typed by its client.
 */
export interface OrderMessage<Raw = unknown> {
  /**
   * The vendor's message id. For a message the vendor lists without one, a stand-in starting
   * with `~`, derived from its order, time, author and text: the same on every listing.
   */
  id: string;
  /** The order (Omnidesk: ticket) the message belongs to, as the caller names it. */
  orderId: string;
  /** The vendor's thread id, where messages live in threads (Mirakl). */
  threadId?: string;
  /** The text as the vendor stores it (SPP and Omnidesk may keep HTML). */
  text: string;
  /** Who wrote it. */
  author: MessageAuthor;
  /**
   * When the vendor says it was written. Mirakl's `send` result uses this process's clock instead
   * (see the README's "Send cost"); Omnidesk times are read with `utcOffsetMinutes`.
   */
  sentAt: Date;
  /** When the message was last edited, for vendors that expose edits; absent: never edited. */
  editedAt?: Date;
  /** Its attachments; `[]` when none. */
  attachments: MessageAttachment[];
  /** A staff-only note the customer cannot see. */
  internal: boolean;
  /** The vendor it came from. */
  vendor: VendorName;
  /** The connection name the message was read or written through. */
  connection: string;
  /** The vendor's own object, as the vendor returned it. */
  raw: Raw;
}

/** A vendor's documented attachment limits; an absent limit is not documented, and not checked. */
export interface AttachmentLimits {
  /** Files per message. */
  maxCount?: number;
  /** Bytes per message, all files together (Mirakl counts the text's UTF-8 bytes too). */
  maxTotalBytes?: number;
  /** Bytes per file. */
  maxFileBytes?: number;
}

/** Options a vendor honours under `vendorOptions.<vendor>`. */
export type SendOption = 'subject' | 'channel' | 'threadId' | 'orderKind' | 'readBack';

/**
 * What a vendor can do, as data: `capabilities(connection)` returns it, validation enforces it
 * before anything is sent, and the CLI and the README's table are built from it.
 */
export interface Capabilities {
  /** The vendor's name. */
  vendor: VendorName;
  /** Whether `list` (and so reconciliation by listing) is supported. */
  list: boolean;
  /** Whether `send` is supported. */
  send: boolean;
  /** Lengths in Unicode code points. `maxLength` absent: the vendor documents none. */
  text: {
    /** Fewest code points; the facade's floor is 1 (empty text is refused everywhere). */
    minLength: number;
    /** Most code points; absent: the vendor documents no maximum. */
    maxLength?: number;
  };
  /** `false`: no attachments; otherwise their limits. */
  attachments: false | AttachmentLimits;
  /** Whether `internal: true` (a staff-only note) can be sent. */
  internalNotes: boolean;
  /** Audiences a caller may pick; `[]` means the vendor decides who sees a message. */
  audiences: readonly Audience[];
  /** The kinds of order `vendorOptions.<vendor>.orderKind` accepts (GameBoost); absent: one kind. */
  orderKinds?: readonly string[];
  /** Options under `vendorOptions.<vendor>` this vendor honours; others are rejected by validation. */
  sendOptions: readonly SendOption[];
  /** How `list` pages: `seek` tokens (Mirakl), numbered `page`s (SPP), or one response (`none`). */
  pagination: 'seek' | 'page' | 'none';
  /** How an ambiguous send is checked before any retry. */
  reconcile: 'by-listing' | 'none';
  /** Whether `downloadAttachment` can fetch a listed attachment's bytes (Mirakl M13). Absent: no. */
  attachmentDownload?: boolean;
  /** How `sync` finds changed orders, and what a sync costs. Absent: no sync (`mode: 'none'`). */
  sync?: SyncCapability;
  /** What one successful `send` costs on the wire. Absent: not stated. */
  sendCost?: SendCost;
}

/**
 * The requests one successful `send` makes (no retries, no reconciliation), as the history
 * benchmark counts them (docs/benchmarks.md, "history").
 */
export interface SendCost {
  /** Requests of a send once the connection knows where the order's messages go. */
  requests: number;
  /** Requests of a send to an order the connection has not written to yet, when more. */
  firstRequests?: number;
  /** Whether the bytes read per send grow with the order's history, and what else adds requests. */
  note: string;
}

/** An attachment's bytes, as `downloadAttachment` returns them. */
export interface DownloadedAttachment {
  /** The file name the vendor announced, else the attachment id. */
  filename: string;
  /** The media type the vendor announced. */
  contentType?: string;
  /** The bytes, at most the call's `maxBytes`. */
  data: Uint8Array;
}

/** What `send` resolves to: the message as the vendor stored it. */
export interface SendResult<Raw = unknown> {
  /**
   * The stored message, normalized (see `capabilities(connection).sendCost` for how each vendor
   * builds it).
   */
  message: OrderMessage<Raw>;
  /** True when the send's outcome was ambiguous and the message was found on the order afterwards. */
  reconciled: boolean;
  /** How many times the message was submitted to the vendor (transport retries included). */
  attempts: number;
  /**
   * The last post's request and answer, for logs: method and URL (credentials redacted), status and
   * headers (credential headers redacted). `response` is absent when the post got no answer (a
   * send reconciled after a timeout or a reset).
   */
  raw: {
    /** The last post. */
    request?: {
      /** Its HTTP method. */
      method: string;
      /** Its URL, credential query parameters redacted. */
      url: string;
    };
    /** The answer to the last post. */
    response?: {
      /** Its HTTP status. */
      status: number;
      /** Its headers, credential headers redacted. */
      headers: Record<string, string>;
    };
  };
}
