/**
 * `--queue`: the CLI's use of `@org/order-messaging-queue`, an optional peer loaded only by the
 * commands that take `--queue`, so a CLI user without Redis never needs it (nor BullMQ).
 */
import { createHash } from 'node:crypto';
import type { LedgerState, LedgerStatus, QueueModule } from './queue-types.js';
import { NetworkError } from '@org/order-messaging';
import { UsageError } from './exit-codes.js';
import type { Messaging } from './facade.js';
import type { JournalTarget } from './journal.js';
import type { Output } from './output.js';
import { isMissingPackage } from './sandbox.js';
import type { VendorName } from './vendors.js';

export const QUEUE_PACKAGE = '@org/order-messaging-queue';

export type LoadQueue = () => Promise<QueueModule | undefined>;

export const loadQueue: LoadQueue = async () => {
  try {
    const module: QueueModule = await import('@org/order-messaging-queue');
    return module;
  } catch (error) {
    if (isMissingPackage(error, QUEUE_PACKAGE)) return undefined;
    throw error;
  }
};

export async function requireQueue(load: LoadQueue = loadQueue): Promise<QueueModule> {
  const module = await load();
  if (!module)
    throw new UsageError(`--queue needs ${QUEUE_PACKAGE}: npm install ${QUEUE_PACKAGE} bullmq`);
  return module;
}

/** A `redis://` or `rediss://` URL; anything else is a typo better caught before connecting. */
export function queueUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^rediss?:\/\//.test(value))
    throw new UsageError('--queue takes a Redis URL: redis://host:port or rediss://host:port');
  return value;
}

/** The URL without its password, for output (the password is also scrubbed from all output). */
export function redactedQueueUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

/** A `redis://` or `rediss://` URL, its password kept out of every line the CLI prints. */
export function queueUrlOf(value: unknown, output: Output): string {
  const url = queueUrl(value);
  try {
    const password = new URL(url).password;
    if (password) {
      output.addSecret(password);
      output.addSecret(decodeURIComponent(password));
    }
  } catch {
    throw new UsageError('--queue: not a valid URL');
  }
  return url;
}

/**
 * Redis settings for the short commands (send-bulk --queue, queue status): a Redis that does not
 * answer fails the command after a few tries instead of waiting forever, as the queue package's
 * default (right for a long-lived worker riding out a Redis restart) would.
 */
export function shortLivedRedis(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: 5000,
    retryStrategy: (times: number) => (times > 3 ? null : 250 * times),
  };
}

/** A Redis that went away or never answered, as a `network` error (exit 10) naming it, not a bug. */
export async function onRedis<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (message === 'Connection is closed.' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT')
      throw new NetworkError(`the queue's Redis at ${redactedQueueUrl(url)} did not answer`, {
        delivery: 'not_sent',
        cause: error,
      });
    throw error;
  }
}

/**
 * The queue connection (account) of a target: `sandbox:<vendor>` for the embedded sandbox,
 * `<vendor>:<id>` for a live target, the id a digest of the non-secret settings that locate it
 * (as journals and cursor files record them). Jobs and ledger keys live under it, so a sandbox
 * try and a live run, or two live accounts, never share a job or a "sent" mark.
 */
export function queueConnectionOf(target: JournalTarget): string {
  if (target.sandbox) return `sandbox:${target.vendor}`;
  const settings = Object.keys(target.settings)
    .sort()
    .map((key) => [key, target.settings[key]]);
  const id = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12);
  return `${target.vendor}:${id}`;
}

/** A line's ledger key: its own key within its target's connection. */
export function queueKeyOf(connection: string, key: string): string {
  return `${connection}|${key}`;
}

/**
 * The queue's view of the CLI facade: each queue connection (see {@link queueConnectionOf}) maps
 * to the vendor whose facade connection sends it.
 */
export function queueMessaging(messaging: Messaging, connections: ReadonlyMap<string, VendorName>) {
  const vendorOf = (connection: string): VendorName => {
    const vendor = connections.get(connection);
    if (!vendor) throw new Error(`queue connection ${connection} is not served by this worker`);
    return vendor;
  };
  return {
    connections: [...connections.keys()].map((name) => ({ name })),
    send: (
      connection: string,
      request: Parameters<Messaging['send']>[1],
      options?: { signal?: AbortSignal },
    ) =>
      messaging.send(
        vendorOf(connection),
        request,
        options?.signal ? { signal: options.signal } : undefined,
      ),
    findSent: (
      connection: string,
      request: Parameters<Messaging['send']>[1],
      options: { since: Date; signal?: AbortSignal },
    ) =>
      messaging.findSent(
        vendorOf(connection),
        request,
        options.since,
        options.signal ? { signal: options.signal } : undefined,
      ),
  };
}

export const LEDGER_STATES: readonly LedgerState[] = [
  'pending',
  'sending',
  'sent',
  'rejected',
  'unknown',
];

export function formatStates(counts: Readonly<Record<LedgerState, number>>): string {
  return LEDGER_STATES.map((state) => `${state}=${counts[state]}`).join(' ');
}

export function formatStatus(status: LedgerStatus): string {
  const lines = [
    `queue: ${status.total} key(s)${status.truncated ? ' (counting stopped at the limit)' : ''}`,
    ...LEDGER_STATES.map((state) => `  ${state.padEnd(10)}${status.byState[state]}`),
    `  review    ${status.review}  (outcome unknown: check these orders by hand)`,
  ];
  const connections = Object.keys(status.byConnection).sort();
  if (connections.length > 0) {
    lines.push('per account:');
    for (const connection of connections)
      lines.push(`  ${connection.padEnd(10)}${formatStates(status.byConnection[connection]!)}`);
  }
  return lines.join('\n');
}
