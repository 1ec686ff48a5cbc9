/**
 * Mirakl's documented limits, read from the `x-limits` of the operations in
 * specs/mirakl.yaml that state them; nothing here restates a number.
 */
import { defaultSpecsDir, loadSpec } from '../../spec/index.js';
import type { VendorSpec } from '../../types.js';

/** Mirakl's documented limits, as the sandbox enforces them (read from the spec's `x-limits`). */
export interface MiraklLimits {
  /** M12, OR42: messages on one thread (OR42: on one order). */
  readonly maxMessagesPerThread: number;
  /** OR43 (and, inferred, M12): bytes per message, attachments included. */
  readonly maxMessageBytes: number;
  /** M12: attachments across all threads of one entity; the sandbox applies it to OR43 too. */
  readonly maxAttachmentsPerEntity: number;
  /** M11 `with_messages=true`: only the last this many messages of each thread. */
  readonly withMessagesMaxMessagesPerThread: number;
  /** M11 `limit` when none is sent. */
  readonly defaultPageSize: number;
}

/**
 * The operations whose `x-limits` state each limit (same key), the first one read. Where
 * more than one states it, they must agree: a spec that gives M12 and OR42 different
 * thread limits fails loudly instead of being half honoured.
 */
const STATED_BY: { readonly [K in keyof MiraklLimits]: readonly [string, ...string[]] } = {
  maxMessagesPerThread: ['replyToThread', 'postOrderMessage'],
  maxMessageBytes: ['createOrderThread', 'replyToThread'],
  maxAttachmentsPerEntity: ['replyToThread'],
  withMessagesMaxMessagesPerThread: ['listThreads'],
  defaultPageSize: ['listThreads'],
};

const KEYS = Object.keys(STATED_BY) as (keyof MiraklLimits)[];

function readLimits(spec: VendorSpec): MiraklLimits {
  const entries = KEYS.map((key) => {
    const [first, ...others] = STATED_BY[key];
    const value = spec.limit(first, key);
    for (const other of others) {
      const stated = spec.limit(other, key);
      if (stated !== value) {
        throw new Error(
          `The mirakl spec states x-limits.${key} = ${value} on ${first} but ${stated} on ${other}`,
        );
      }
    }
    return [key, value] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as unknown as MiraklLimits);
}

const cache = new WeakMap<VendorSpec, MiraklLimits>();

/** The limits `spec` states (computed once per loaded spec). */
export function miraklLimits(spec: VendorSpec): MiraklLimits {
  let limits = cache.get(spec);
  if (!limits) {
    limits = readLimits(spec);
    cache.set(spec, limits);
  }
  return limits;
}

/**
 * The limits of the spec a sandbox started without `specsDir` enforces (the package's own
 * copy of specs/mirakl.yaml). The binding is a constant, but the spec is only read when a
 * property is first read: importing the package does no file I/O and cannot fail on a
 * missing spec. A sandbox started with another `specsDir` enforces that spec's limits.
 */
export const MIRAKL_LIMITS: MiraklLimits = (() => {
  let loaded: MiraklLimits | undefined;
  const limits = () => (loaded ??= miraklLimits(loadSpec('mirakl', defaultSpecsDir())));
  return Object.freeze(
    Object.defineProperties(
      {},
      Object.fromEntries(KEYS.map((key) => [key, { enumerable: true, get: () => limits()[key] }])),
    ) as MiraklLimits,
  );
})();

/** `31457280` → `30 MB` (Mirakl's MB are MiB); other sizes in bytes. */
export function describeBytes(bytes: number): string {
  const mb = 1024 * 1024;
  return bytes % mb === 0 ? `${bytes / mb} MB` : `${bytes} bytes`;
}
