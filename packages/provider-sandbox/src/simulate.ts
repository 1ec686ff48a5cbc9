/**
 * What customers do between a test's requests: write on an order, or (for load tests) fill
 * a vendor with thousands of orders and messages. Everything goes straight into the vendor
 * modules' state, in memory, with the same side effects a real message has on the order.
 */
import type { SandboxState } from './state.js';
import type { AnyVendorModule, StoredMessage } from './types.js';

/** Options of `simulate.customerMessage`. */
export interface CustomerMessageOptions {
  /** When the customer wrote (default: the sandbox clock's now). */
  readonly at?: Date;
  /** Mirakl: the thread to write in (default: the order's newest thread, or a new one). */
  readonly threadId?: string;
}

/** Options of `simulate.populate`: bulk orders with messages, for load and sync tests. */
export interface PopulateOptions {
  /** The vendor whose state gets the orders. */
  readonly vendor: string;
  /** How many orders (tickets) to add. */
  readonly orders: number;
  /** Default 1. */
  readonly messagesPerOrder?: number;
  /** Time between consecutive messages (default 1000 ms). */
  readonly spacingMs?: number;
  /** Time of the first message; by default the last one lands on the sandbox clock's now. */
  readonly from?: Date;
  /** GameBoost: `account` (default), `item` or `currency`. */
  readonly kind?: string;
  /** The new orders' (tickets') status; the vendor's open status by default. */
  readonly status?: string;
}

/**
 * `sandbox.simulate`: what the APIs offer no endpoint for (a customer writing, thousands of
 * orders), written straight into the vendors' state.
 */
export interface SandboxSimulator {
  /**
   * A customer's message on an order (Mirakl order id, SPP order id or number, Omnidesk
   * ticket id, GameBoost order id), stored as the vendor would receive it; the order's
   * change times move as the vendor moves them (see the README). Returns the stored message.
   */
  customerMessage(
    vendor: string,
    orderId: string,
    text: string,
    options?: CustomerMessageOptions,
  ): StoredMessage;
  /** Adds `orders` orders with `messagesPerOrder` messages each; returns the new order ids. */
  populate(options: PopulateOptions): string[];
}

export class Simulator implements SandboxSimulator {
  constructor(
    private readonly state: SandboxState,
    private readonly modules: ReadonlyMap<string, AnyVendorModule>,
    private readonly clock: () => Date,
  ) {}

  #module(vendor: string): AnyVendorModule {
    const module = this.modules.get(vendor);
    if (!module) throw new RangeError(`Unknown vendor "${vendor}"`);
    return module;
  }

  customerMessage(
    vendor: string,
    orderId: string,
    text: string,
    options: CustomerMessageOptions = {},
  ): StoredMessage {
    const module = this.#module(vendor);
    if (!module.customerMessage) throw new Error(`${vendor}: customer messages are not simulated`);
    const state = this.state.vendorState(vendor);
    const id = module.customerMessage(state, {
      orderId: String(orderId),
      text,
      at: options.at ?? this.clock(),
      ...(options.threadId !== undefined ? { threadId: options.threadId } : {}),
    });
    const stored = module.messages(state).find((m) => m.id === id);
    if (!stored) throw new Error(`${vendor}: the simulated message ${id} was not stored`);
    return stored;
  }

  populate(options: PopulateOptions): string[] {
    const module = this.#module(options.vendor);
    if (!module.populate) throw new Error(`${options.vendor}: populate is not simulated`);
    const messagesPerOrder = options.messagesPerOrder ?? 1;
    const spacingMs = options.spacingMs ?? 1000;
    if (!Number.isInteger(options.orders) || options.orders < 0)
      throw new RangeError('populate: orders must be a non-negative integer');
    if (!Number.isInteger(messagesPerOrder) || messagesPerOrder < 0)
      throw new RangeError('populate: messagesPerOrder must be a non-negative integer');
    const total = options.orders * messagesPerOrder;
    const from =
      options.from ?? new Date(this.clock().getTime() - Math.max(0, total - 1) * spacingMs);
    return module.populate(this.state.vendorState(options.vendor), {
      orders: options.orders,
      messagesPerOrder,
      from,
      spacingMs,
      ...(options.kind !== undefined ? { kind: options.kind } : {}),
      ...(options.status !== undefined ? { status: options.status } : {}),
    });
  }
}
