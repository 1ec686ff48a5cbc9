/**
 * `listOrders` (GET /api/orders): Purity-style `filters[field][$op]` and `sort=field:dir`,
 * in Laravel pages. Times compare at whole seconds, as MySQL `datetime` columns hold them,
 * so a client that filters `$gt` the last `last_message_at` it saw does not get that
 * order again for the milliseconds the API never shows.
 */
import type { HandlerContext, Reply } from '../../types.js';
import { laravelPage } from './pagination.js';
import { orderResource } from './resources.js';
import type { SppOrder, SppState } from './state.js';

type Value = number | string | null;
const FIELDS: Readonly<Record<string, (order: SppOrder) => Value>> = {
  id: (o) => o.id,
  status: (o) => o.status,
  created_at: (o) => seconds(o.created_at),
  updated_at: (o) => seconds(o.updated_at),
  last_message_at: (o) => (o.last_message_at ? seconds(o.last_message_at) : null),
};
const TIME_FIELDS = new Set(['created_at', 'updated_at', 'last_message_at']);
const SORTABLE = ['id', 'created_at', 'updated_at', 'last_message_at'];
const FILTER = /^filters\[([a-z_]+)\]\[\$(eq|lt|gt|in)\](\[\])?$/;

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function badRequest(field: string, message: string): Reply {
  return { status: 400, body: { message, errors: { [field]: [message] } } };
}

interface Condition {
  readonly field: string;
  readonly op: 'eq' | 'lt' | 'gt' | 'in';
  readonly values: readonly Value[];
}

/** The filters of the query; an unparseable time is a 400, as the database would refuse it. */
function conditions(ctx: HandlerContext): Condition[] | Reply {
  const result: Condition[] = [];
  for (const [name, raw] of Object.entries(ctx.query)) {
    const match = FILTER.exec(name);
    if (!match || raw === undefined) continue;
    const field = match[1]!;
    const op = match[2] as Condition['op'];
    const values: Value[] = [];
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (!TIME_FIELDS.has(field)) {
        values.push(value as Value);
        continue;
      }
      const time = Date.parse(String(value));
      if (Number.isNaN(time)) return badRequest(name, `The ${name} field must be a valid date.`);
      values.push(Math.floor(time / 1000));
    }
    result.push({ field, op, values });
  }
  return result;
}

// SQL semantics: a null never matches a comparison.
function matches(order: SppOrder, condition: Condition): boolean {
  const actual = FIELDS[condition.field]!(order);
  if (actual === null) return false;
  const [first] = condition.values;
  switch (condition.op) {
    case 'eq':
    case 'in':
      return condition.values.some((v) => v === actual);
    case 'lt':
      return first !== null && first !== undefined && actual < first;
    case 'gt':
      return first !== null && first !== undefined && actual > first;
  }
}

/** MySQL order: nulls first ascending, last descending; ties by id so pages never overlap. */
function comparator(field: string, desc: boolean) {
  const get = FIELDS[field]!;
  const sign = desc ? -1 : 1;
  return (a: SppOrder, b: SppOrder): number => {
    const x = get(a);
    const y = get(b);
    if (x !== y) {
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return (a.id - b.id) * sign;
  };
}

export function listOrders(ctx: HandlerContext, state: SppState): Reply {
  const sort = (ctx.query.sort as string | undefined) ?? 'id:asc';
  const [field = '', direction = 'asc'] = sort.split(':');
  if (!SORTABLE.includes(field)) {
    return badRequest('sort', `Sorting by "${field}" is not supported (${SORTABLE.join(', ')}).`);
  }
  const filters = conditions(ctx);
  if (!Array.isArray(filters)) return filters;
  const all = state.orders
    .filter((order) => filters.every((c) => matches(order, c)))
    .sort(comparator(field, direction === 'desc'));
  const requestedLimit = ctx.query.limit as number | undefined;
  const perPage = Math.min(
    requestedLimit ?? ctx.spec.limit('listOrders', 'defaultLimit'),
    ctx.spec.limit('listOrders', 'maxLimit'),
  );
  // The links repeat the query (Laravel's `withQueryString()`, assumed) so every page keeps the filters.
  const keep = [...ctx.url.searchParams].filter(([name]) => name !== 'page' && name !== 'limit');
  if (requestedLimit !== undefined) keep.push(['limit', String(perPage)]);
  const page = (ctx.query.page as number | undefined) ?? 1;
  return { status: 200, body: laravelPage(ctx, all, { page, perPage, keep }, orderResource) };
}
