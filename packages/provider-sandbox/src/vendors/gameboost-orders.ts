/**
 * GameBoost's order lists (`listAccountOrders`, `listItemOrders`, `listCurrencyOrders`):
 * Spatie-QueryBuilder-style `filter[...]` and `sort` (`-` for descending) in `{data, meta,
 * links}` pages; and the order side of chat messages: a new message moves the order's
 * `updated_at` (a sandbox assumption; GameBoost does not document it), so a poller that
 * sorts by `-updated_at` finds the orders with new messages first.
 */
import type { CustomerMessageInput, HandlerContext, PopulateInput, Reply } from '../types.js';
import type {
  GameBoostMessage,
  GameBoostOrder,
  GameBoostOrderKind,
  GameBoostState,
} from './gameboost.js';

const SORTABLE = ['id', 'created_at', 'updated_at'] as const;
type SortField = (typeof SORTABLE)[number];
const KINDS: readonly string[] = ['account', 'item', 'currency'];

export function messageId(n: number): string {
  return `9b1deb4d-3b7d-4bad-9bdd-${n.toString(16).padStart(12, '0')}`;
}

/** Stores a message and moves the order's `updated_at` (unix seconds) with it. */
export function recordMessage(order: GameBoostOrder, message: GameBoostMessage): void {
  order.messages.push(message);
  if (message.sent_at > Number(order.fields.updated_at ?? 0)) {
    order.fields.updated_at = message.sent_at;
  }
}

function field(order: GameBoostOrder, name: SortField): number {
  return name === 'id' ? order.id : Number(order.fields[name] ?? 0);
}

function dayRange(value: string): [number, number] {
  const [first = '', last = first] = value.split(',');
  return [Date.parse(`${first}T00:00:00Z`) / 1000, Date.parse(`${last}T23:59:59Z`) / 1000];
}

function matchesFilters(order: GameBoostOrder, query: HandlerContext['query']): boolean {
  const status = query['filter[status]'] as string | undefined;
  if (status !== undefined && !status.split(',').includes(order.status)) return false;
  const ids = query['filter[id]'] as string | undefined;
  if (ids !== undefined && !ids.split(',').map(Number).includes(order.id)) return false;
  const created = query['filter[created_at]'] as string | undefined;
  if (created !== undefined) {
    const [from, to] = dayRange(created);
    const at = field(order, 'created_at');
    if (at < from || at > to) return false;
  }
  const search = (query['filter[search]'] as string | undefined)?.toLowerCase();
  const title = typeof order.fields.title === 'string' ? order.fields.title.toLowerCase() : '';
  return search === undefined || title.includes(search);
}

function pageUrl(ctx: HandlerContext, page: number): string {
  const url = new URL(ctx.url.pathname, ctx.baseUrl);
  for (const [name, value] of ctx.url.searchParams)
    if (name !== 'page') url.searchParams.append(name, value);
  url.searchParams.set('page', String(page));
  return url.toString();
}

export function listOrders(kind: GameBoostOrderKind) {
  const operationId = `list${kind[0]!.toUpperCase()}${kind.slice(1)}Orders`;
  return (ctx: HandlerContext, state: GameBoostState): Reply => {
    // Newest first when no sort is asked for: the docs do not say, the dashboard shows it so.
    const sort = (ctx.query.sort as string | undefined) ?? '-created_at';
    const name = sort.replace(/^-/, '');
    if (!(SORTABLE as readonly string[]).includes(name)) {
      const message = `Requested sort(s) \`${name}\` is not allowed. Allowed sort(s) are \`${SORTABLE.join(', ')}\`.`;
      return { status: 400, body: { message, request_id: ctx.requestId } };
    }
    const sign = sort.startsWith('-') ? -1 : 1;
    const orders = [...state.orders.values()]
      .filter((order) => order.kind === kind && matchesFilters(order, ctx.query))
      .sort(
        (a, b) =>
          sign * (field(a, name as SortField) - field(b, name as SortField)) ||
          sign * (a.id - b.id),
      );
    const perPage =
      (ctx.query.per_page as number | undefined) ?? ctx.spec.limit(operationId, 'defaultPerPage');
    const page = (ctx.query.page as number | undefined) ?? 1;
    const lastPage = Math.max(1, Math.ceil(orders.length / perPage));
    const slice = orders.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: {
        data: slice.map((order) => ({ ...order.fields, status: order.status })),
        meta: {
          current_page: page,
          from: slice.length > 0 ? (page - 1) * perPage + 1 : null,
          last_page: lastPage,
          per_page: perPage,
          to: slice.length > 0 ? (page - 1) * perPage + slice.length : null,
          total: orders.length,
        },
        links: {
          first: pageUrl(ctx, 1),
          last: pageUrl(ctx, lastPage),
          prev: page > 1 ? pageUrl(ctx, page - 1) : null,
          next: page < lastPage ? pageUrl(ctx, page + 1) : null,
        },
      },
    };
  };
}

function findAnyOrder(state: GameBoostState, orderId: string): GameBoostOrder | undefined {
  for (const kind of KINDS) {
    const order = state.orders.get(`${kind}:${orderId}`);
    if (order) return order;
  }
  return undefined;
}

/** The buyer writes: GameBoost's chat takes it in any status (only sellers are held to `processing`). */
export function customerMessage(state: GameBoostState, input: CustomerMessageInput): string {
  const order = findAnyOrder(state, input.orderId);
  if (!order) throw new RangeError(`gameboost: no order "${input.orderId}"`);
  const id = messageId(state.nextMessageNumber++);
  recordMessage(order, {
    id,
    type: 'user_message',
    text: input.text,
    attachment: null,
    sender: state.people.buyer,
    sent_at: Math.floor(input.at.getTime() / 1000),
    authorKind: 'buyer',
  });
  return id;
}

export function populate(state: GameBoostState, input: PopulateInput): string[] {
  const kind = (input.kind ?? 'account') as GameBoostOrderKind;
  if (!KINDS.includes(kind)) throw new RangeError(`gameboost: unknown order kind "${kind}"`);
  const template = [...state.orders.values()].find((o) => o.kind === kind);
  if (!template) throw new Error(`gameboost: the seed has no ${kind} order to copy`);
  let nextId = Math.max(...[...state.orders.values()].map((o) => o.id)) + 1;
  let at = input.from.getTime();
  const ids: string[] = [];
  for (let n = 0; n < input.orders; n++) {
    const id = nextId++;
    const created = Math.floor(at / 1000);
    const order: GameBoostOrder = {
      kind,
      id,
      status: input.status ?? 'processing',
      fields: {
        ...template.fields,
        id,
        title: `Populated ${kind} order #${n + 1}`,
        created_at: created,
        updated_at: created,
        purchased_at: created,
      },
      messages: [],
    };
    state.orders.set(`${kind}:${id}`, order);
    for (let m = 0; m < input.messagesPerOrder; m++) {
      const buyer = m % 2 === 0;
      recordMessage(order, {
        id: messageId(state.nextMessageNumber++),
        type: 'user_message',
        text: `Populated message ${m + 1} on ${kind} order ${id}`,
        attachment: null,
        sender: buyer ? state.people.buyer : state.people.seller,
        sent_at: Math.floor(at / 1000),
        authorKind: buyer ? 'buyer' : 'seller',
      });
      at += input.spacingMs;
    }
    ids.push(String(id));
  }
  return ids;
}
