/**
 * Where the receiver remembers which events it has handled. The default lives in memory, so
 * duplicates are recognised per process and until it restarts; give a shared store (Redis, a
 * database table with a unique key) when several instances receive the same endpoint.
 */
import { GameBoostWebhookError } from './errors.js';

/**
 * Where the receiver remembers handled events. The default ({@link createMemorySeenStore}) is per
 * process; give a shared one (Redis, a table with a unique key) when several instances serve the
 * same endpoint.
 */
export interface GameBoostWebhookSeenStore {
  /**
   * Whether an event with this identity was handled already (then the delivery is acknowledged as a
   * duplicate).
   */
  has(identity: string): boolean | Promise<boolean>;
  /** Called only after every callback for the event succeeded. */
  add(identity: string): void | Promise<void>;
}

/** How many identities {@link createMemorySeenStore} keeps by default. */
export const DEFAULT_SEEN_CAPACITY = 10_000;

/**
 * Least-recently-used set of identities: a lookup refreshes an entry, and the oldest one goes
 * once `capacity` is reached, so memory stays bounded however many events arrive.
 */
export function createMemorySeenStore(
  capacity: number = DEFAULT_SEEN_CAPACITY,
): GameBoostWebhookSeenStore & { readonly size: number } {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new GameBoostWebhookError('misconfigured', {
      detail: 'The seen-store capacity must be a positive integer.',
    });
  }
  // A Map keeps insertion order: the first key is the least recently used.
  const entries = new Map<string, true>();
  return {
    /** How many identities the store holds now. */
    get size() {
      return entries.size;
    },
    has(identity) {
      if (!entries.has(identity)) return false;
      entries.delete(identity);
      entries.set(identity, true);
      return true;
    },
    add(identity) {
      entries.delete(identity);
      entries.set(identity, true);
      while (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
  };
}
