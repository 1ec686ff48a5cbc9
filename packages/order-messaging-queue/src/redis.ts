/** Redis settings shared by the queue, the workers and the ledger, and the names they use. */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

/** A `redis://` URL or ioredis options. Each queue, worker and ledger opens its own connection. */
export type RedisSettings = string | RedisOptions;

/** Key prefix of the queues and the ledger (BullMQ's `prefix`). */
export const DEFAULT_PREFIX = 'om';

export function openRedis(settings: RedisSettings): Redis {
  // BullMQ's blocking workers need `maxRetriesPerRequest: null`; the ledger shares the setting so a
  // Redis restart delays a write instead of failing a send that already left.
  return typeof settings === 'string'
    ? new Redis(settings, { maxRetriesPerRequest: null })
    : new Redis({ ...settings, maxRetriesPerRequest: null });
}

/** One queue per connection: BullMQ rate-limits per queue, and the limit is the account's. */
export function queueName(connection: string): string {
  const readable = connection.replace(/[^\w.-]/g, '_').slice(0, 60);
  return `send.${readable}.${digest(connection).slice(0, 8)}`;
}

/** BullMQ refuses job ids with `:` or that look like integers; a digest of the caller key has neither. */
export function jobIdOf(key: string): string {
  return `k${digest(key)}`;
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
