/**
 * Every limit the adapters declare (capabilities, rate limits) against the specs themselves:
 * the YAML is read here directly, not through the generated operation tables the adapters use.
 *
 * - Each number a send operation's spec states (`x-limits`, numeric schema keywords of its body
 *   and parameters) maps to a capability, or is listed below as not applicable, with the reason.
 * - Each capability number comes from one of those, or is listed as not from the spec.
 * - Each operation's `x-rate-limit` buckets are exactly the adapter's rules that count a request
 *   to it, with the same limit and window; a vendor whose spec states none declares none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import * as gameboostClient from '@org/gameboost-client';
import { rateLimitRules } from '@org/http-runtime';
import * as miraklClient from '@org/mirakl-client';
import gameboost from '@org/order-messaging/gameboost';
import mirakl from '@org/order-messaging/mirakl';
import omnidesk from '@org/order-messaging/omnidesk';
import spp from '@org/order-messaging/spp';
import * as omnideskClient from '@org/omnidesk-client';
import * as sppClient from '@org/spp-client';
import type { Capabilities, VendorName } from '../src/model.js';

type Node = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const NUMERIC_KEYWORDS = new Set([
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);

function loadSpec(vendor: VendorName): Node {
  return YAML.parse(
    readFileSync(new URL(`../../../specs/${vendor}.yaml`, import.meta.url), 'utf8'),
  );
}

function deref(spec: Node, node: any): any {
  if (!node?.$ref) return node;
  return deref(
    spec,
    (node.$ref as string)
      .split('/')
      .slice(1)
      .reduce((current: any, key) => current?.[key], spec),
  );
}

interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  op: Node;
  item: Node;
}

function operationsOf(spec: Node): SpecOperation[] {
  return Object.entries(spec.paths as Node).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      operationId: item[method].operationId as string,
      method: method.toUpperCase(),
      path,
      op: item[method] as Node,
      item: item as Node,
    })),
  );
}

function numericKeywords(schema: Node, prefix: string, out: Map<string, number[]>): void {
  for (const [key, value] of Object.entries(schema)) {
    if (typeof value !== 'number') continue;
    if (!NUMERIC_KEYWORDS.has(key) && !key.startsWith('x-')) continue;
    const id = `${prefix}.${key}`;
    out.set(id, [...(out.get(id) ?? []), value]);
  }
}

function bodyLimits(spec: Node, node: any, name: string, out: Map<string, number[]>): void {
  const schema = deref(spec, node);
  if (!schema || typeof schema !== 'object') return;
  if (name) numericKeywords(schema, `body.${name}`, out);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const part of schema[key] ?? []) bodyLimits(spec, part, name, out);
  }
  for (const [property, child] of Object.entries((schema.properties ?? {}) as Node)) {
    bodyLimits(spec, child, name ? `${name}.${property}` : property, out);
  }
  if (schema.items) bodyLimits(spec, schema.items, `${name}[]`, out);
}

/** Every number the spec states for one operation, by an id such as `body.message.maxLength`. */
function statedLimits(spec: Node, { op, item }: SpecOperation): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [key, value] of Object.entries((op['x-limits'] ?? {}) as Node)) {
    out.set(`x-limits.${key}`, [value as number]);
  }
  for (const media of Object.values((deref(spec, op.requestBody)?.content ?? {}) as Node)) {
    bodyLimits(spec, media.schema, '', out);
  }
  for (const parameter of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const { in: location, name, schema } = deref(spec, parameter);
    numericKeywords(deref(spec, schema) ?? {}, `param.${location}.${name}`, out);
  }
  return out;
}

/** A stated limit the capabilities do not carry, and why. */
const notApplicable = (reason: string) => ({ notApplicable: reason });
/** Where the capabilities carry a stated limit (`text.maxLength`), or why they do not. */
type Counterpart = CapabilityPath | { notApplicable: string };
type CapabilityPath =
  | `text.${keyof Capabilities['text']}`
  | `attachments.${keyof Exclude<Capabilities['attachments'], false>}`;

interface VendorLimits {
  adapter: { capabilities: Capabilities; rateLimits?: Parameters<typeof rateLimitRules>[0] };
  client: { operationTable: object; operationsById: object };
  /** The operations a send calls: every limit their spec states, mapped or excused. */
  sends: Record<string, Record<string, Counterpart>>;
  /** Other operations that create something, and why they are not sends. */
  notSends: Record<string, string>;
  /** Capability numbers the spec does not state, and why they are what they are. */
  notFromSpec: Record<string, string>;
}

const IDS_CHECKED =
  'ids are checked by the facade for every vendor (non-empty, no control characters)';
const PER_THREAD =
  'a count kept by the vendor across earlier messages, not a limit of one send: the adapter passes over a thread M11 counts full, and the vendor refuses a reply to one that filled up since';
const FLOOR = 'the facade refuses empty text for every vendor, so 1 is the floor';
const COST =
  'requests the adapter makes per send, not a vendor limit: the history benchmark holds them (examples/bench/budgets.json)';

const VENDORS: Record<VendorName, VendorLimits> = {
  mirakl: {
    adapter: mirakl,
    client: miraklClient,
    sends: {
      replyToThread: {
        'x-limits.maxMessagesPerThread': notApplicable(PER_THREAD),
        'x-limits.maxAttachmentsPerEntity': 'attachments.maxCount',
        'x-limits.maxMessageBytes': 'attachments.maxTotalBytes',
        'body.files.maxItems': 'attachments.maxCount',
      },
      createOrderThread: {
        'x-limits.maxMessageBytes': 'attachments.maxTotalBytes',
      },
    },
    notSends: {
      postOrderMessage: 'OR42 is deprecated; the adapter sends with M12 and OR43',
    },
    notFromSpec: {
      'text.minLength': FLOOR,
      'sendCost.requests': COST,
      'sendCost.firstRequests': COST,
    },
  },
  spp: {
    adapter: spp,
    client: sppClient,
    sends: {
      createOrderMessage: {
        'body.message.minLength': 'text.minLength',
        'param.path.order.minLength': notApplicable(IDS_CHECKED),
      },
    },
    notSends: {},
    notFromSpec: { 'sendCost.requests': COST },
  },
  omnidesk: {
    adapter: omnidesk,
    client: omnideskClient,
    sends: {
      createMessage: {
        'body.message.minLength': 'text.minLength',
      },
    },
    notSends: {
      createTicket: 'creates a ticket, not a message on one; the adapter never calls it',
    },
    notFromSpec: { 'sendCost.requests': COST },
  },
  gameboost: {
    adapter: gameboost,
    client: gameboostClient,
    sends: Object.fromEntries(
      ['sendAccountOrderMessage', 'sendItemOrderMessage', 'sendCurrencyOrderMessage'].map((id) => [
        id,
        { 'body.message.maxLength': 'text.maxLength' },
      ]),
    ),
    notSends: {},
    notFromSpec: { 'text.minLength': FLOOR, 'sendCost.requests': COST },
  },
};

/** The numbers of a capabilities object, by path (`text.maxLength`, `attachments.maxCount`). */
function capabilityNumbers(c: Capabilities): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'number') out.set(path, value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(c, '');
  return out;
}

function requestFor(operation: SpecOperation): Request {
  const path = operation.path.replace(/\{[^}]+\}/g, '1');
  return new Request(`https://vendor.example${path}`, { method: operation.method });
}

describe.each(Object.entries(VENDORS))('%s: limits come from the spec', (vendor, limits) => {
  const spec = loadSpec(vendor as VendorName);
  const operations = operationsOf(spec);
  const { adapter, client, sends, notSends, notFromSpec } = limits;
  const numbers = capabilityNumbers(adapter.capabilities);

  it('every operation that creates something is a send or excused', () => {
    const creating = operations.filter((o) => o.method === 'POST').map((o) => o.operationId);
    expect([...Object.keys(sends), ...Object.keys(notSends)].sort()).toEqual(creating.sort());
  });

  it('every limit the spec states for a send is a capability, or not applicable with a reason', () => {
    for (const [operationId, counterparts] of Object.entries(sends)) {
      const operation = operations.find((o) => o.operationId === operationId)!;
      const stated = statedLimits(spec, operation);
      expect([...stated.keys()].sort(), `${operationId}: limits stated vs mapped`).toEqual(
        Object.keys(counterparts).sort(),
      );
      for (const [id, values] of stated) {
        const counterpart = counterparts[id]!;
        if (typeof counterpart !== 'string') {
          expect(counterpart.notApplicable, `${operationId} ${id}`).not.toBe('');
          continue;
        }
        for (const value of values) {
          expect(numbers.get(counterpart), `${operationId} ${id} → ${counterpart}`).toBe(value);
        }
      }
    }
  });

  it('every capability number is one the spec states, or is explained', () => {
    const fromSpec = new Set<string>(
      Object.values(sends).flatMap((counterparts) =>
        Object.values(counterparts).filter((c): c is CapabilityPath => typeof c === 'string'),
      ),
    );
    for (const path of numbers.keys()) {
      expect(fromSpec.has(path) || path in notFromSpec, `capabilities.${path}`).toBe(true);
    }
    for (const path of Object.keys(notFromSpec)) {
      expect(fromSpec.has(path), `capabilities.${path} is stated by the spec after all`).toBe(
        false,
      );
    }
  });

  it('rate limits: the rules counting each request are its x-rate-limit buckets', () => {
    const rules = rateLimitRules(adapter.rateLimits ?? {});
    for (const operation of operations) {
      const request = requestFor(operation);
      const buckets = (operation.op['x-rate-limit'] ?? []) as Array<{
        bucket: string;
        limit: number;
        periodSeconds: number;
      }>;
      const applying = rules.filter(
        (rule) =>
          (rule.match?.(request) ?? true) && (rule.key ? rule.key(request) !== undefined : true),
      );
      const where = `${operation.method} ${operation.path}`;
      expect(applying.map((rule) => rule.name).sort(), where).toEqual(
        buckets.map((b) => b.bucket).sort(),
      );
      for (const bucket of buckets) {
        const rule = applying.find((r) => r.name === bucket.bucket)!;
        expect({ limit: rule.limit, windowMs: rule.windowMs }, `${where} ${bucket.bucket}`).toEqual(
          { limit: bucket.limit, windowMs: bucket.periodSeconds * 1000 },
        );
      }
    }
  });

  it("the client's operation tables carry the spec's x-limits and x-rate-limit", () => {
    const table = client.operationTable as Record<string, any>;
    const byId = client.operationsById as Record<string, any>;
    expect(Object.keys(byId)).toEqual(operations.map((o) => o.operationId));
    for (const operation of operations) {
      const entry = table[`${operation.method} ${operation.path}`];
      expect(byId[operation.operationId]).toBe(entry);
      expect(entry.limits).toEqual(operation.op['x-limits']);
      const buckets = (operation.op['x-rate-limit'] ?? []) as Array<Record<string, unknown>>;
      expect(entry.rateLimits).toEqual(
        buckets.length === 0
          ? undefined
          : Object.fromEntries(
              buckets.map(({ bucket, limit, periodSeconds, scope }) => [
                bucket,
                { limit, periodSeconds, scope },
              ]),
            ),
      );
    }
  });
});
