/**
 * The account limiter when its Redis fails: away (ioredis holds commands until it returns) or
 * answering with an error (a read-only replica during a failover). Nothing is sent, the caller
 * hears so within its own bound, as the typed `not_sent` error the facade maps to
 * `RateLimitedError`, and the queue puts the job back instead of sending it to review.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { LocalRateLimitError } from '@org/http-runtime';
import { createOrderMessaging, RateLimitedError } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createAccountRateLimiter, type AccountRateLimiter } from '../src/index.js';
import type { LedgerEntry, SendLedger } from '../src/ledger.js';
import type { SendJobData } from '../src/queue.js';
import { processSend } from '../src/worker.js';
import { posts, request } from './support/harness.js';
import { queueTestsEnabled, startRedis, type TestRedis } from './support/redis.js';

const enabled = queueTestsEnabled();
const RULES = { account: { limit: 50, windowMs: 1000 } };
/** Longer than any bound given below: an old limiter still waiting then is stuck. */
const STUCK_MS = 5000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  return Promise.race([
    promise,
    new Promise<'still pending'>((resolve) => setTimeout(() => resolve('still pending'), ms)),
  ]);
}

describe.skipIf(!enabled)('createAccountRateLimiter when Redis fails', () => {
  let sb: Sandbox;
  const open: AccountRateLimiter[] = [];
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(async () => {
    await Promise.all(open.map((l) => l.close().catch(() => {})));
    await sb?.close();
  });

  function messagingOver(redis: TestRedis) {
    const limiter = createAccountRateLimiter({ redis: redis.url, account: 'spp', rules: RULES });
    open.push(limiter);
    const v = sb.vendors;
    const messaging = createOrderMessaging({
      connections: {
        'spp-main': {
          adapter: spp({ baseUrl: v.spp.baseUrl, token: v.spp.token }),
          rateLimiter: limiter,
        },
      },
      retry: false,
      reconcile: { settleDelayMs: 0, maxResends: 0 },
    });
    return { limiter, messaging };
  }

  it("Redis away: the limiter gives up within the caller's bound, typed and not sent", async () => {
    const redis = await startRedis();
    const { limiter, messaging } = messagingOver(redis);
    await (await limiter.reserve!(new Request('http://x/m', { method: 'POST' }))).release();
    await redis.stop();
    sb.reset();

    const started = Date.now();
    const reserved = limiter.reserve!(new Request('http://x/m', { method: 'POST' }), undefined, {
      maxWaitMs: 1000,
    });
    const error = await within(
      reserved.then(
        () => 'granted',
        (e: unknown) => e,
      ),
      STUCK_MS,
    );
    expect(error).toBeInstanceOf(LocalRateLimitError);
    expect((error as LocalRateLimitError).mayHaveBeenDelivered).toBe(false);
    expect(Date.now() - started).toBeLessThan(2500);

    const send = messaging.send('spp-main', request(sb, 'spp-main', 'redis away'), {
      totalTimeoutMs: 2000,
      maxRateLimitWaitMs: 1000,
    });
    const failed = await within(
      send.then(
        () => 'sent',
        (e: unknown) => e,
      ),
      STUCK_MS,
    );
    expect(failed).toBeInstanceOf(RateLimitedError);
    expect(failed).toMatchObject({ delivery: 'not_sent', retryable: true });
    expect(posts(sb, 'spp-main')).toHaveLength(0);
  }, 20_000);

  it('a Redis error reply (read-only replica): typed not_sent, and the job goes back to pending', async () => {
    const redis = await startRedis();
    try {
      const { messaging } = messagingOver(redis);
      // A replica of a master that is not there: it refuses every write with READONLY.
      execFileSync('redis-cli', ['-p', String(redis.port), 'replicaof', '127.0.0.1', '1']);
      sb.reset();

      const send = messaging.send('spp-main', request(sb, 'spp-main', 'read-only'));
      const failed = await send.then(
        () => 'sent',
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(RateLimitedError);
      expect(failed).toMatchObject({ delivery: 'not_sent', retryable: true });

      // The worker: the key is not put on review, it waits for the next run.
      const entries = new Map<string, LedgerEntry>([
        ['k', { state: 'pending' } as unknown as LedgerEntry],
      ]);
      const ledger = {
        get: async (key: string) => entries.get(key),
        transition: async (key: string, from: string[], to: string, extra = {}) => {
          const entry = entries.get(key)!;
          if (!from.includes(entry.state)) return false;
          entries.set(key, { ...entry, state: to, ...extra } as LedgerEntry);
          return true;
        },
      } as unknown as SendLedger;
      const pauses: number[] = [];
      const job = {
        data: {
          key: 'k',
          connection: 'spp-main',
          request: request(sb, 'spp-main', 'read-only job'),
        },
        opts: { attempts: 3 },
        attemptsMade: 0,
      } as unknown as Job<SendJobData>;
      const ran = processSend(job, {
        messaging,
        ledger,
        rateLimit: async (ms) => void pauses.push(ms),
        defaultRetryAfterMs: 10,
      });
      await expect(ran).rejects.toThrow();
      expect(entries.get('k')!.state).toBe('pending');
      expect(pauses).toHaveLength(1);
      expect(posts(sb, 'spp-main')).toHaveLength(0);
    } finally {
      await redis.stop();
    }
  }, 20_000);
});
