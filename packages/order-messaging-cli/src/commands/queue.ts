/**
 * The Redis queue's commands: `worker` sends what `send-bulk --queue` enqueued, `queue status`
 * counts the ledger. Both load `@org/order-messaging-queue` (an optional peer) only when run.
 */
import type { Command } from 'commander';
import { connectionSettingsFor } from '../connections.js';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import {
  formatStates,
  formatStatus,
  onRedis,
  queueConnectionOf,
  queueMessaging,
  queueUrlOf,
  redactedQueueUrl,
  requireQueue,
  shortLivedRedis,
} from '../queue.js';
import type { LedgerStatus } from '../queue-types.js';
import { withSession, type CommandContext, type Session } from '../session.js';
import { isVendorName, VENDOR_NAMES, type VendorName } from '../vendors.js';
import { positiveInteger } from './shared.js';

/** `--vendor`, `--vendors a,b`, else every vendor whose connection settings are all given. */
function workerVendors(session: Session, list: string | undefined): VendorName[] {
  if (list !== undefined) {
    const names = list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !isVendorName(name));
    if (unknown.length > 0 || names.length === 0)
      throw new UsageError(`--vendors: use names among ${VENDOR_NAMES.join(', ')}`);
    return [...new Set(names)] as VendorName[];
  }
  if (session.options.vendor !== undefined) return [session.requireVendor()];
  if (session.options.sandbox) return [...VENDOR_NAMES];
  const configured = VENDOR_NAMES.filter((vendor) => {
    try {
      connectionSettingsFor(vendor, session.options);
      return true;
    } catch {
      return false;
    }
  });
  if (configured.length === 0)
    throw new UsageError(
      'worker: no vendor has its connection settings; set them (flags or environment) or pass --vendor',
    );
  return configured;
}

/** Work left for the served connections: what an idle worker waits for. */
function outstanding(status: LedgerStatus, connections: readonly string[]): number {
  return connections.reduce((sum, connection) => {
    const counts = status.byConnection[connection];
    return sum + (counts ? counts.pending + counts.sending : 0);
  }, 0);
}

async function runWorker(
  session: Session,
  context: CommandContext,
  options: Record<string, unknown>,
): Promise<number> {
  const url = queueUrlOf(options.queue, session.output);
  const vendors = workerVendors(session, options.vendors as string | undefined);
  const { createAccountRateLimiter, createSendQueue, createSendWorker, closeOnSignals } =
    await requireQueue(context.runOptions.loadQueue);
  // Every request of an account (retries, reads, checks), from every worker, shares its
  // documented limits through Redis; a vendor that documents none keeps each process's own
  // limiter, which at least learns from the 429s.
  const limiters: { close(): Promise<void> }[] = [];
  const { messaging, targets } = await session.messagingWithTargets(vendors, {
    rateLimiterFor: (_vendor, rules, target) => {
      if (Object.keys(rules).length === 0) return undefined;
      const account = queueConnectionOf(target);
      const limiter = createAccountRateLimiter({ redis: url, account, rules });
      limiters.push(limiter);
      return limiter;
    },
  });
  // Only the jobs enqueued for this worker's own targets: a sandbox worker never takes a live
  // job, nor a live worker a sandbox one or another account's.
  const served = new Map(
    targets.map((target) => [queueConnectionOf(target), target.vendor as VendorName] as const),
  );
  const connections = [...served.keys()];
  const worker = createSendWorker({
    redis: url,
    messaging: queueMessaging(messaging, served),
    connections,
    concurrency: options.concurrency as number,
    // One pace per account for every worker, from the vendor's documented limits (its tightest).
    limits: Object.fromEntries(
      [...served].map(([connection, vendor]) => [connection, messaging.rateLimits(vendor)]),
    ),
  });
  // A second client only for the progress lines and --exit-when-idle.
  const queue = createSendQueue({ redis: url });
  session.output.err(
    `worker: sending for ${connections.join(', ')} from ${redactedQueueUrl(url)} (concurrency ${String(options.concurrency)} per account); Ctrl-C stops after the sends in flight`,
  );
  let lastLine = '';
  let polling = false;
  const stopped = new Promise<{ reason: 'signal' | 'idle'; error?: unknown }>((resolve) => {
    const unhook = closeOnSignals(worker, (error) => {
      unhook();
      resolve({ reason: 'signal', error });
    });
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      queue
        .status()
        .then(async (status) => {
          const line = `worker: ${formatStates(status.byState)} review=${status.review}`;
          if (line !== lastLine) session.output.err((lastLine = line));
          if (options.exitWhenIdle === true && outstanding(status, connections) === 0) {
            clearInterval(timer);
            unhook();
            await worker.close();
            resolve({ reason: 'idle' });
          }
        })
        .catch(() => {})
        .finally(() => (polling = false));
    }, options.progressInterval as number);
  });
  const { reason, error } = await stopped;
  await queue.close();
  await Promise.all(limiters.map((limiter) => limiter.close()));
  if (error !== undefined) throw error;
  session.output.err(
    reason === 'idle'
      ? 'worker: nothing left to send; stopped'
      : 'worker: interrupted; the sends in flight finished and are in the ledger',
  );
  return reason === 'idle' ? EXIT_CODES.ok : EXIT_CODES.interrupted;
}

const WORKER_HELP = `
Jobs are kept per target, as send-bulk --queue enqueues them: sandbox:<vendor> with --sandbox,
else <vendor>:<id>, the id a digest of the settings that locate the account (base URL, instance,
shop...). A worker takes only the jobs of its own targets, built from the same flags and
environment variables as every other command; credentials never reach Redis.
Several workers (processes or machines) may serve one queue: the ledger makes each key post at most
once; every worker of an account shares one pace through Redis, the tightest of the vendor's
documented limits (none with --no-rate-limits), and every request of the account (retries and
checks too) counts against those limits in Redis; a 429 backs off that account only.
SIGINT/SIGTERM stop taking jobs, finish the sends in flight, and exit 130.`;

export function addQueueCommands(program: Command, context: CommandContext): void {
  program
    .command('worker')
    .description('send the messages enqueued on a Redis queue (by send-bulk --queue)')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://host:port')
    .option(
      '--concurrency <n>',
      'sends in flight per account in this process',
      positiveInteger('--concurrency'),
      2,
    )
    .option(
      '--vendors <list>',
      'vendors to send for, comma-separated (default: --vendor, else every configured one)',
    )
    .option('--exit-when-idle', 'exit 0 once nothing is pending or being sent for these vendors')
    .option(
      '--progress-interval <ms>',
      'how often the queue counts are checked and, when they changed, printed on stderr',
      positiveInteger('--progress-interval'),
      2000,
    )
    .addHelpText('after', WORKER_HELP)
    .action(
      withSession(context, (session, options: Record<string, unknown>) =>
        runWorker(session, context, options),
      ),
    );

  const queue = program.command('queue').description('inspect the Redis send queue');
  queue
    .command('status')
    .description(
      'counts per state (pending, sending, sent, rejected, unknown) and per account, and the review list size',
    )
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://host:port')
    .action(
      withSession(context, async (session, options: Record<string, unknown>) => {
        const url = queueUrlOf(options.queue, session.output);
        const { createSendQueue } = await requireQueue(context.runOptions.loadQueue);
        const sendQueue = createSendQueue({ redis: shortLivedRedis(url) });
        try {
          const status = await onRedis(url, () => sendQueue.status());
          if (session.json) session.output.json({ queue: redactedQueueUrl(url), ...status });
          else session.output.out(formatStatus(status));
        } finally {
          // After a lost Redis, closing fails too: the error that matters is the one already thrown.
          await sendQueue.close().catch(() => {});
        }
        return EXIT_CODES.ok;
      }),
    );
}
