/**
 * The thread a connection last replied in, per order and audience, so that a send to a known
 * order is one M12 instead of an M11 lookup first. Bounded (least recently used goes first) and
 * per connection: one shop's threads are never offered to another's.
 *
 * An entry is only a hint. A post to it that Mirakl refuses as an unknown thread (404) or a full
 * one drops it and the send looks the order up again; a count of messages we know of drops it
 * before Mirakl would refuse (1,000 per thread).
 */
import { operationsById } from '@org/mirakl-client';

/** Replies Mirakl takes in one thread; a thread at the cap is not worth remembering. */
const MAX_MESSAGES = operationsById.replyToThread.limits.maxMessagesPerThread;

/** What M12 needs to reply in a thread without reading it: its id and the `to` list. */
export interface KnownThread {
  readonly threadId: string;
  readonly to: readonly { type: 'CUSTOMER' | 'SHOP' | 'OPERATOR'; id?: string }[];
  /** Messages in the thread as far as this connection knows (M11's `total_count` plus our sends). */
  readonly count: number | undefined;
}

export const DEFAULT_THREAD_CACHE_SIZE = 1000;

export class ThreadCache {
  readonly #entries = new Map<string, KnownThread>();

  constructor(private readonly capacity: number) {}

  get(key: string): KnownThread | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Map order is insertion order: re-inserting makes this the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: KnownThread): void {
    this.#entries.delete(key);
    if (this.capacity <= 0) return;
    if (entry.count !== undefined && entry.count >= MAX_MESSAGES) return;
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** One entry per order, named thread (if any) and audience: each picks its own thread and `to`. */
export function threadKey(
  orderId: string,
  threadId: string | undefined,
  audience: readonly string[],
): string {
  return JSON.stringify([orderId, threadId ?? null, [...audience]]);
}
