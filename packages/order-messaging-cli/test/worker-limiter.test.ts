/**
 * The worker's shared account limiter reaches the facade: a vendor with documented limits gets the
 * limiter the worker builds (every request of a send goes through it), one without keeps its own,
 * and `--no-rate-limits` hands it no rules.
 */
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '@org/order-messaging';
import { createMessaging } from '../src/facade.js';
import type { VendorName } from '../src/vendors.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { gameboost: false } });
});
afterAll(() => sandbox.close());

function recordingLimiter(asked: string[]): RateLimiter {
  return {
    rules: [],
    async acquire(request) {
      asked.push(`${request.method} ${new URL(request.url).pathname}`);
      return 0;
    },
    observe() {},
  };
}

describe('createMessaging with rateLimiterFor (the queue worker)', () => {
  it('a vendor with documented limits sends through the shared limiter, given its rules', async () => {
    const asked: string[] = [];
    const given = new Map<string, string[]>();
    const { baseUrl, token } = sandbox.vendors.gameboost;
    const messaging = createMessaging(
      new Map([['gameboost' as VendorName, { vendor: 'gameboost' as VendorName, baseUrl, token }]]),
      {
        rateLimiterFor: (vendor, rules) => {
          given.set(vendor, Object.keys(rules));
          return recordingLimiter(asked);
        },
      },
    );
    const orderId = sandbox.seed.gameboost.accountOrders.processing;
    await messaging.send('gameboost' as VendorName, {
      orderId,
      text: 'Through the account limiter.',
    });
    expect(given.get('gameboost')).toContain('chat');
    expect(asked.some((a) => a.startsWith('POST'))).toBe(true);
  });

  it('with --no-rate-limits the limiter is offered no rules', () => {
    const offered: number[] = [];
    const { baseUrl, token } = sandbox.vendors.gameboost;
    createMessaging(
      new Map([['gameboost' as VendorName, { vendor: 'gameboost' as VendorName, baseUrl, token }]]),
      {
        declaredRateLimits: false,
        rateLimiterFor: (_vendor, rules) => {
          offered.push(Object.keys(rules).length);
          return undefined;
        },
      },
    );
    expect(offered).toEqual([0]);
  });
});
