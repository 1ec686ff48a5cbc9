/**
 * What the sandbox really holds: each vendor's state (seeded, then changed by
 * requests), the request log and the responses that broke the spec. Tests read
 * it to count lost and duplicated messages after faults.
 */
import type { AnyVendorModule, StoredMessage, VendorSpec } from './types.js';

const MAX_LOG_ENTRIES = 200_000;

/** One exchange in `sandbox.state.requests`: what was asked, and how it was answered or dropped. */
export interface RequestLogEntry {
  /** The vendor whose fake got the request. */
  readonly vendor: string;
  /** Undefined when no operation of the vendor's spec matched. */
  readonly operationId: string | undefined;
  /** The HTTP method. */
  readonly method: string;
  /** Path below the vendor's mount point, without the query (which may hold a credential). */
  readonly path: string;
  /** Status sent, or that would have been sent for `after-apply` drops; 0 for `before-apply` drops. */
  readonly status: number;
  /** Set when the connection was closed without an answer. */
  readonly dropped?: 'before-apply' | 'after-apply';
  /** True when a fault rule shaped this exchange. */
  readonly faulted: boolean;
  /** A random id the sandbox gave the exchange. */
  readonly requestId: string;
  /** When it arrived, on the sandbox clock. */
  readonly at: Date;
}

/**
 * A response of the sandbox that did not match the vendor's spec: a sandbox bug, collected in
 * `sandbox.responseViolations`.
 */
export interface ResponseViolation {
  /** The vendor whose fake answered. */
  readonly vendor: string;
  /** The spec operation answered. */
  readonly operationId: string;
  /** The HTTP method. */
  readonly method: string;
  /** The path below the vendor's mount point. */
  readonly path: string;
  /** The status sent. */
  readonly status: number;
  /** What did not match, one line each. */
  readonly problems: readonly string[];
}

/**
 * `sandbox.state`: what the fakes really hold, to count lost and duplicated messages after faults.
 */
export interface SandboxStateView {
  /** Messages as stored, oldest first; only those of `orderId` (order/ticket id) when given. */
  messages(vendor: string, orderId?: string): StoredMessage[];
  /** Every exchange since start or the last `reset()`, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** The vendor module's own live state object, for assertions the neutral view does not cover. */
  raw(vendor: string): unknown;
}

/** A vendor module with the spec it seeds from. */
export interface SeededVendor {
  readonly module: AnyVendorModule;
  readonly spec: VendorSpec;
}

export class SandboxState implements SandboxStateView {
  readonly #vendors: ReadonlyMap<string, SeededVendor>;
  readonly #states = new Map<string, unknown>();
  readonly #requests: RequestLogEntry[] = [];

  constructor(
    vendors: readonly SeededVendor[],
    private readonly clock: () => Date,
  ) {
    this.#vendors = new Map(vendors.map((v) => [v.module.name, v]));
    this.reseed();
  }

  reseed(): void {
    const now = this.clock();
    for (const [name, { module, spec }] of this.#vendors)
      this.#states.set(name, module.seed(now, spec));
    this.#requests.length = 0;
  }

  vendorState(vendor: string): unknown {
    if (!this.#states.has(vendor)) throw new RangeError(`Unknown vendor "${vendor}"`);
    return this.#states.get(vendor);
  }

  messages(vendor: string, orderId?: string): StoredMessage[] {
    const module = this.#vendors.get(vendor)?.module;
    if (!module) throw new RangeError(`Unknown vendor "${vendor}"`);
    return module
      .messages(this.#states.get(vendor), orderId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  get requests(): readonly RequestLogEntry[] {
    return [...this.#requests];
  }

  raw(vendor: string): unknown {
    return this.vendorState(vendor);
  }

  log(entry: RequestLogEntry): void {
    this.#requests.push(entry);
    // A long-running CLI must not grow without bound; tests never get near this.
    if (this.#requests.length > MAX_LOG_ENTRIES)
      this.#requests.splice(0, this.#requests.length - MAX_LOG_ENTRIES / 2);
  }
}
