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
export const AUDIENCES: readonly Audience[] = ['customer', 'seller', 'operator'];

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
  orderId: string;
  /** Vendor-only options, e.g. GameBoost's `{ gameboost: { orderKind: 'item' } }`. */
  vendorOptions?: Options;
}

export type AttachmentData = Blob | Uint8Array | ArrayBuffer;

export interface OutgoingAttachment {
  filename: string;
  data: AttachmentData;
  /** Defaults to the Blob's own type, else `application/octet-stream`. */
  contentType?: string;
}

export interface SendRequest<Options extends object = VendorOptions> extends OrderRef<Options> {
  text: string;
  /** Vendor-dependent (see `capabilities().audiences`); validated before anything is sent. */
  audience?: readonly Audience[];
  /** Staff-only note, hidden from the customer (SPP `staff_only`, Omnidesk note channel). */
  internal?: boolean;
  attachments?: readonly OutgoingAttachment[];
}

export interface MessageAuthor {
  kind: AuthorKind;
  id?: string;
  name?: string;
}

export interface MessageAttachment {
  id: string;
  filename: string;
  size?: number;
  contentType?: string;
  /** Where the vendor serves the file, when it gives a URL (SPP). Mirakl files are fetched by id (M13). */
  url?: string;
}

export interface OrderMessage<Raw = unknown> {
  id: string;
  orderId: string;
  /** The vendor's thread id, where messages live in threads (Mirakl). */
  threadId?: string;
  text: string;
  author: MessageAuthor;
  sentAt: Date;
  /** When the message was last edited, for vendors that expose edits; absent: never edited. */
  editedAt?: Date;
  attachments: MessageAttachment[];
  /** A staff-only note the customer cannot see. */
  internal: boolean;
  vendor: VendorName;
  /** The connection name the message was read or written through. */
  connection: string;
  /** The vendor's own object, as the vendor returned it. */
  raw: Raw;
}

export interface AttachmentLimits {
  maxCount?: number;
  maxTotalBytes?: number;
  maxFileBytes?: number;
}

/** Options a vendor honours under `vendorOptions.<vendor>`. */
export type SendOption = 'subject' | 'channel' | 'threadId' | 'orderKind' | 'readBack';

export interface Capabilities {
  vendor: VendorName;
  list: boolean;
  send: boolean;
  /** Lengths in Unicode code points. `maxLength` absent: the vendor documents none. */
  text: { minLength: number; maxLength?: number };
  attachments: false | AttachmentLimits;
  internalNotes: boolean;
  /** Audiences a caller may pick; `[]` means the vendor decides who sees a message. */
  audiences: readonly Audience[];
  /** The kinds of order `vendorOptions.<vendor>.orderKind` accepts (GameBoost); absent: one kind. */
  orderKinds?: readonly string[];
  /** Options under `vendorOptions.<vendor>` this vendor honours; others are rejected by validation. */
  sendOptions: readonly SendOption[];
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

export interface DownloadedAttachment {
  filename: string;
  contentType?: string;
  data: Uint8Array;
}

export interface SendResult<Raw = unknown> {
  message: OrderMessage<Raw>;
  /** True when the send's outcome was ambiguous and the message was found on the order afterwards. */
  reconciled: boolean;
  /** How many times the message was submitted to the vendor (transport retries included). */
  attempts: number;
  raw: {
    request?: { method: string; url: string };
    response?: { status: number; headers: Record<string, string> };
  };
}
