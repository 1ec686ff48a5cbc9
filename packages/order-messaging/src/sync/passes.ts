/**
 * One listing of a scan, and whether its pages may have skipped an entry. See `ChangedOrder`
 * for the adapter's side of the contract.
 *
 * Seek pages start after the last entry listed: an entry that changes during the listing moves
 * behind the position and is listed again, and nothing is skipped.
 *
 * Pages by offset or number, sorted by update time, oldest first (an order's update time never
 * goes back): an entry E that moves from before the position to the end shifts the rest, and the
 * entry at the next page's start slides onto a page already read. That skipped entry sorts at or
 * after E's update time when E was last seen, and E shows up again: later in the same listing (a
 * repeat), or, when another move skipped that too, in a later listing with a new update time
 * (every entry that changed during the scan sorts at or after the scan's start minus the
 * overlap, and each re-listing starts there at the latest). So the scan lists again from the
 * earliest such update time, until one listing shows no repeat and no entry moved from before
 * its start. An entry without update time leaves the skipped one anywhere: the scan keeps its
 * watermark (as after too many listings).
 */
import type { AdapterContext, AnyAdapter } from '../adapter.js';
import type { ChangedOrder, ChangesRequest, SyncCapability, SyncEvent } from './types.js';

/** The main listing and re-listings a scan makes before it gives up advancing its watermark. */
export const MAX_LISTINGS = 8;

export type Strategy = 'seek' | 'relist';

export function strategyOf(sync: SyncCapability | undefined): Strategy {
  return sync?.pages === 'seek' ? 'seek' : 'relist';
}

/** `complete`: nothing skipped. `relist`: list again from this instant. `unknown`: no telling. */
export type Outcome = { kind: 'complete' } | { kind: 'relist'; from: number } | { kind: 'unknown' };

export const keyOf = (entry: ChangedOrder): string => entry.listingKey ?? entry.orderId;

/**
 * The entries a scan has read, at the update time it read them: listed again unchanged, an
 * entry has nothing new the scan is responsible for (what was stored after it was read is dated
 * after the scan's start, so the next scan's).
 */
export class ReadEntries {
  readonly #at = new Map<string, number>();

  has(key: string, updatedAt: Date | undefined): boolean {
    return updatedAt !== undefined && this.#at.get(key) === updatedAt.getTime();
  }

  add(key: string, updatedAt: Date | undefined): void {
    if (updatedAt !== undefined) this.#at.set(key, updatedAt.getTime());
  }
}

/** Where skipped entries may sort, as the listings of one scan find out. */
export class Doubts {
  /** Each entry's update time when the scan last saw it (undefined: the vendor gave none). */
  readonly #lastSeen = new Map<string, number | undefined>();

  /** Notes one listing's entries in order; returns what the listing leaves in doubt. */
  listing(from: number): { note(entry: ChangedOrder): void; outcome(): Outcome } {
    const inListing = new Map<string, number | undefined>();
    let earliest = Number.POSITIVE_INFINITY;
    let open = false;
    let blind = false;
    const doubt = (at: number | undefined, blocking: boolean) => {
      if (at === undefined || !Number.isFinite(at)) blind = true;
      else earliest = Math.min(earliest, at);
      open ||= blocking;
    };
    return {
      note: (entry) => {
        const key = keyOf(entry);
        const at = entry.updatedAt?.getTime();
        if (inListing.has(key)) doubt(inListing.get(key), true);
        else {
          inListing.set(key, at);
          const last = this.#lastSeen.get(key);
          // Moved since an earlier listing saw it: maybe while that listing ran.
          if (this.#lastSeen.has(key) && last !== at)
            doubt(last, last === undefined || last < from);
        }
        this.#lastSeen.set(key, at);
      },
      outcome: () => {
        if (blind) return { kind: 'unknown' };
        return open ? { kind: 'relist', from: earliest } : { kind: 'complete' };
      },
    };
  }
}

export interface ListingInput {
  readonly adapter: Required<Pick<AnyAdapter, 'changedOrders'>>;
  readonly ctx: AdapterContext<unknown>;
  readonly strategy: Strategy;
  readonly doubts: Doubts;
  readonly request: ChangesRequest & { since: Date };
  /** Delivers what a page holds that the scan has not read yet. */
  readonly deliver: (page: readonly ChangedOrder[]) => AsyncGenerator<SyncEvent>;
  readonly checkpoint: () => SyncEvent;
}

/** Lists once from `request.since`, delivering page by page; returns whether it may have skipped. */
export async function* listOnce(input: ListingInput): AsyncGenerator<SyncEvent, Outcome> {
  const { adapter, ctx, strategy, request, deliver } = input;
  const listing = input.doubts.listing(request.since.getTime());
  for await (const page of adapter.changedOrders(request, ctx)) {
    if (strategy === 'relist') for (const entry of page) listing.note(entry);
    yield* deliver(page);
    yield input.checkpoint();
  }
  return strategy === 'seek' ? { kind: 'complete' } : listing.outcome();
}
