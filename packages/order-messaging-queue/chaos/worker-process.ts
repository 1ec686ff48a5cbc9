/**
 * One chaos worker process: the facade over the run's accounts (sandbox vendors, public test
 * credentials) and a send worker on the run's Redis. It stops gracefully on SIGTERM and says
 * `ready` to the coordinator once its workers listen; a SIGKILL is the chaos.
 */
import { createOrderMessaging } from '@org/order-messaging';
import { adapterFromSettings, vendorDescriptor } from '@org/order-messaging/vendors';
import { closeOnSignals, createAccountRateLimiter, createSendWorker } from '../src/index.js';
import type { ChaosWorkerConfig } from './types.js';

const config = JSON.parse(process.env.CHAOS_WORKER_CONFIG ?? 'null') as ChaosWorkerConfig | null;
if (!config) throw new Error('CHAOS_WORKER_CONFIG is not set: this file is run by chaos/run.ts');

// Each account's request budget is shared by every worker process through Redis.
const limiters = config.accounts.map((account) =>
  createAccountRateLimiter({
    redis: config.redis,
    prefix: config.prefix,
    account: account.name,
    rules: { account: { limit: account.requestsPerSecond, windowMs: 1000 } },
  }),
);
const connections = Object.fromEntries(
  config.accounts.map((account, i) => {
    const descriptor = vendorDescriptor(account.vendor);
    if (!descriptor) throw new Error(`"${account.vendor}" is not a registered vendor`);
    const adapter = adapterFromSettings(descriptor, account.settings);
    return [account.name, { adapter, rateLimiter: limiters[i]! }];
  }),
);

// The facade's defaults otherwise: retries, reconciliation (no resend).
const worker = createSendWorker({
  redis: config.redis,
  prefix: config.prefix,
  messaging: () => createOrderMessaging({ connections }),
  concurrency: config.concurrency,
  limits: Object.fromEntries(
    config.accounts.map((a) => [a.name, { max: a.jobsPerSecond, duration: 1000 }]),
  ),
  lockDurationMs: config.lockDurationMs,
  stalledIntervalMs: config.stalledIntervalMs,
});
closeOnSignals(worker);
process.send?.('ready');
