/**
 * The run's verdict: every key's ledger outcome against what the vendors actually stored.
 * The sandbox is the ground truth; the ledger is what a user would believe.
 */
import type { Sandbox } from '@org/provider-sandbox';
import type { LedgerEntry, SendQueue } from '../src/index.js';
import type { ChaosVerdict } from './types.js';

export interface ChaosKey {
  readonly key: string;
  readonly vendor: string;
  readonly text: string;
}

export interface Tally extends ChaosVerdict {
  /** When the last key reached its final state (epoch ms, the ledger's `updatedAt`). */
  readonly lastSettledAt: number;
  /** Per vendor: keys delivered, and when its last key reached its final state. */
  readonly byVendor: ReadonlyMap<string, { delivered: number; lastSettledAt: number }>;
}

async function outcomes(queue: SendQueue, keys: readonly ChaosKey[]) {
  const entries: (LedgerEntry | undefined)[] = [];
  for (let i = 0; i < keys.length; i += 200) {
    const batch = keys.slice(i, i + 200);
    entries.push(...(await Promise.all(batch.map((k) => queue.outcome(k.key)))));
  }
  return entries;
}

/** Stored copies per text, for the vendors of the run. */
function storedByText(sb: Sandbox, vendors: readonly string[]): Map<string, string[]> {
  const byText = new Map<string, string[]>();
  for (const vendor of vendors) {
    for (const message of sb.state.messages(vendor)) {
      const ids = byText.get(message.text) ?? [];
      ids.push(message.id);
      byText.set(message.text, ids);
    }
  }
  return byText;
}

export async function tally(
  sb: Sandbox,
  queue: SendQueue,
  keys: readonly ChaosKey[],
): Promise<Tally> {
  const stored = storedByText(sb, [...new Set(keys.map((k) => k.vendor))]);
  const entries = await outcomes(queue, keys);
  const counts = { delivered: 0, lost: 0, duplicated: 0, unknown: 0, unknownStored: 0 };
  const more = { rejected: 0, misreported: 0, unsettled: 0, lastSettledAt: 0 };
  const byVendor = new Map<string, { delivered: number; lastSettledAt: number }>();
  keys.forEach((k, index) => {
    const copies = stored.get(k.text) ?? [];
    const state = entries[index]?.state;
    const updatedAt = Date.parse(entries[index]?.updatedAt ?? '');
    const vendor = byVendor.get(k.vendor) ?? { delivered: 0, lastSettledAt: 0 };
    byVendor.set(k.vendor, vendor);
    if (state !== 'pending' && state !== 'sending') {
      more.lastSettledAt = Math.max(more.lastSettledAt, updatedAt);
      vendor.lastSettledAt = Math.max(vendor.lastSettledAt, updatedAt);
    }
    if (copies.length > 0) {
      counts.delivered += 1;
      vendor.delivered += 1;
    }
    counts.duplicated += Math.max(0, copies.length - 1);
    if (state === 'unknown') {
      counts.unknown += 1;
      if (copies.length > 0) counts.unknownStored += 1;
    } else if (state === 'rejected') {
      more.rejected += 1;
      if (copies.length > 0) more.misreported += 1;
    } else if (state === 'sent') {
      const id = entries[index]?.messageId;
      if (copies.length === 0 || (id !== undefined && !copies.includes(id))) more.misreported += 1;
    } else {
      more.unsettled += 1;
    }
    // Nobody would look for it: absent, and the ledger neither refused nor flagged it.
    if (copies.length === 0 && state !== 'rejected' && state !== 'unknown') counts.lost += 1;
  });
  return { ...counts, ...more, byVendor };
}
