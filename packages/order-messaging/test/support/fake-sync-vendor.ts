/**
 * An in-memory vendor for the sync model test: orders with messages that arrive (dated a little
 * in the past, as a write becomes visible after its timestamp), get edited, on a vendor clock
 * skewed from the local one. Its `changedOrders` pages like a real listing sorted by update time,
 * oldest first, computed live page by page: with `pages = 'offset'` changes during a scan shift
 * pages (a skipped order, and a repeated one); with `'seek'` a page starts after the last order
 * listed (a repeated order, none skipped). `beforePage` runs before each page is computed.
 */
import {
  defineAdapter,
  type Capabilities,
  type ChangedOrder,
  type OrderMessage,
} from '@org/order-messaging/adapter-kit';

interface FakeMessage {
  id: string;
  orderId: string;
  text: string;
  fromCustomer: boolean;
  createdAt: number;
  editedAt?: number;
}

interface FakeOrder {
  id: string;
  updatedAt: number;
  messages: FakeMessage[];
}

const byUpdate = (a: FakeOrder, b: FakeOrder) =>
  a.updatedAt - b.updatedAt || a.id.localeCompare(b.id);

export class FakeVendor {
  readonly orders: FakeOrder[] = [];
  /** Every version ever stored, by sync key, with its change time. */
  readonly versions = new Map<string, number>();
  skewMs = 0;
  pageSize = 2;
  pages: 'offset' | 'seek' = 'offset';
  /** Called before each page of `changedOrders` is computed (traffic during a listing). */
  beforePage: (() => void) | undefined;
  /** Pages served by `changedOrders`. */
  pageRequests = 0;
  #next = 0;

  constructor(orderCount: number) {
    for (let i = 0; i < orderCount; i++)
      this.orders.push({ id: `order-${i}`, updatedAt: 0, messages: [] });
  }

  now(): number {
    return Date.now() + this.skewMs;
  }

  /** A message dated `lagMs` before the vendor's now. */
  arrive(orderIndex: number, lagMs: number, fromCustomer: boolean): FakeMessage {
    const order = this.orders[orderIndex % this.orders.length]!;
    const message: FakeMessage = {
      id: `m${++this.#next}`,
      orderId: order.id,
      text: `text ${this.#next}`,
      fromCustomer,
      createdAt: this.now() - lagMs,
    };
    order.messages.push(message);
    order.updatedAt = Math.max(order.updatedAt, this.now());
    this.versions.set(message.id, message.createdAt);
    return message;
  }

  edit(pick: number): void {
    const all = this.orders.flatMap((o) => o.messages);
    if (all.length === 0) return;
    const message = all[pick % all.length]!;
    const at = this.now();
    // Two edits in the same millisecond are one version.
    if (message.editedAt === at) return;
    message.editedAt = at;
    message.text = `${message.text} (edited)`;
    const order = this.orders.find((o) => o.id === message.orderId)!;
    order.updatedAt = Math.max(order.updatedAt, at);
    this.versions.set(`${message.id}@${at}`, at);
  }

  toMessage(m: FakeMessage, connection: string): OrderMessage<FakeMessage> {
    return {
      id: m.id,
      orderId: m.orderId,
      text: m.text,
      author: { kind: m.fromCustomer ? 'customer' : 'seller' },
      sentAt: new Date(m.createdAt),
      ...(m.editedAt === undefined ? {} : { editedAt: new Date(m.editedAt) }),
      attachments: [],
      internal: false,
      vendor: 'fake',
      connection,
      raw: { ...m },
    };
  }

  /** Changed orders at or after `since`, oldest change first, one page per call. */
  async *changedOrders(
    since: number,
    connection: string,
  ): AsyncGenerator<ChangedOrder<FakeMessage>[]> {
    let after: FakeOrder | undefined;
    for (let offset = 0; ; offset += this.pageSize) {
      this.beforePage?.();
      this.pageRequests++;
      const matching = this.orders
        .filter((o) => o.messages.length > 0 && o.updatedAt >= since)
        .sort(byUpdate);
      const start =
        this.pages === 'offset' || !after
          ? offset
          : matching.filter((o) => byUpdate(o, after!) <= 0).length;
      const page = matching.slice(start, start + this.pageSize);
      // A seek position is the last order listed as it was then, not the order itself.
      after = page.length > 0 ? { ...page.at(-1)! } : after;
      yield page.map((o) => ({
        orderId: o.id,
        updatedAt: new Date(o.updatedAt),
        messages: o.messages.map((m) => this.toMessage(m, connection)),
      }));
      if (start + this.pageSize >= matching.length) return;
    }
  }

  adapter() {
    const capabilities: Capabilities = {
      vendor: 'fake',
      list: true,
      send: false,
      text: { minLength: 1 },
      attachments: false,
      internalNotes: false,
      audiences: [],
      sendOptions: [],
      pagination: 'seek',
      reconcile: 'none',
      sync: { mode: 'updated-since', cost: 'in memory', pages: this.pages },
    };
    return defineAdapter({
      vendor: 'fake',
      capabilities,
      createClient: () => ({}),
      secrets: () => [],
      send: () => Promise.reject(new Error('not in this fake')),
      list: (ref, ctx) => this.list(ref.orderId, ctx.connection),
      changedOrders: (request, ctx) =>
        this.changedOrders(request.since?.getTime() ?? Number.NEGATIVE_INFINITY, ctx.connection),
    });
  }

  async *list(orderId: string, connection: string): AsyncGenerator<OrderMessage<FakeMessage>> {
    const order = this.orders.find((o) => o.id === orderId);
    for (const m of order?.messages ?? []) yield this.toMessage(m, connection);
  }
}
