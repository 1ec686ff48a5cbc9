/**
 * Test data that only makes sense for one vendor (a credential that looks like theirs, the
 * reads their send makes before its POST, the sandbox operation that stores a message) lives
 * in `test/support/vendors/<name>.ts`, one file per registered vendor. Shared test code never
 * names a vendor: it iterates the registry and reads this data.
 */
import type { Sandbox, VendorRateLimitOptions } from '@org/provider-sandbox';
import type { RegisteredVendorName, SettingValues } from '@org/order-messaging/vendors';
import type { Expected } from './fault-matrix/model.js';

/** A way a vendor stores a sent message: one column of the fault matrix. */
export interface SendPath {
  /** Column id; default the vendor's name. */
  readonly id?: string;
  /** Column heading; default the vendor's title. */
  readonly label?: string;
  /** The sandbox operation that stores the message (faults are scripted on it). */
  readonly sendOperation: string;
  /** The order the facade is asked to write to; default the descriptor's example order. */
  orderId?(sb: Sandbox): string;
  /** The same order as the sandbox's state view names it; default `orderId`. */
  storedOrderId?(sb: Sandbox): string;
  /** Faults (by id) that rightly end otherwise on this path, and why. */
  readonly expected?: Readonly<
    Record<string, { readonly expected: Expected; readonly why: string }>
  >;
}

export interface VendorTestData {
  readonly name: RegisteredVendorName;
  /** Unit tests on an injected fetch: connection settings with a credential that looks real. */
  readonly settings: SettingValues;
  /** An order id that reaches the vendor's send endpoint directly. */
  readonly order: string;
  /**
   * Answers the GETs a send makes around its POST (lookups, read-backs), in unit tests. `posted`
   * holds the POSTs answered 2xx so far, for a read-back that must show them.
   */
  readonly sendReads: (
    request: Request,
    path: string,
    posted: readonly Request[],
  ) => Response | Promise<Response>;
  readonly faultMatrix: {
    readonly sendPaths: readonly SendPath[];
    /** Sandbox rate limits to raise so that the matrix's many sends are not throttled. */
    readonly sandboxRateLimits?: VendorRateLimitOptions;
  };
}

export function defineVendorTestData(data: VendorTestData): VendorTestData {
  return data;
}
