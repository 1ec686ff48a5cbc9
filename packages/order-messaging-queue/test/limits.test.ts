import { describe, expect, it } from 'vitest';
import { gameboostRateLimits } from '@org/order-messaging/gameboost';
import { limiterFor, pacedLimiter, QueueError } from '../src/index.js';

describe('limiterFor', () => {
  it('takes the tightest declared rule as the queue limiter', () => {
    const rules = {
      burst: { limit: 10, windowMs: 1000 },
      chat: { limit: 5, windowMs: 60_000, match: { methods: ['POST'] } },
    };
    expect(limiterFor(rules)).toEqual({ max: 5, duration: 60_000 });
  });

  it("skips keyed (per-order) rules: they bound one order, not the queue's pace", () => {
    const rules = {
      chat: { limit: 5, windowMs: 60_000 },
      perOrderHourly: {
        limit: 10,
        windowMs: 3_600_000,
        key: (request: Request) => new URL(request.url).pathname,
      },
    };
    expect(limiterFor(rules)).toEqual({ max: 5, duration: 60_000 });
    expect(limiterFor({ perOrderHourly: rules.perOrderHourly })).toBeUndefined();
  });

  it('GameBoost: the account-wide chat rule sets the pace, not the per-order hourly one', () => {
    expect(limiterFor(gameboostRateLimits)).toEqual({ max: 5, duration: 60_000 });
  });

  it('passes an explicit limiter through and refuses an empty one', () => {
    expect(limiterFor({ max: 3, duration: 500 })).toEqual({ max: 3, duration: 500 });
    expect(() => limiterFor({ max: 0, duration: 500 })).toThrow(QueueError);
  });

  it('nothing declared: no limiter', () => {
    expect(limiterFor({})).toBeUndefined();
    expect(limiterFor(undefined)).toBeUndefined();
  });
});

describe('pacedLimiter', () => {
  it('cuts a window into sub-windows with equal shares of its jobs, a little longer', () => {
    expect(pacedLimiter({ max: 50, duration: 1000 })).toEqual({ max: 10, duration: 202 });
    expect(pacedLimiter({ max: 16, duration: 1000 })).toEqual({ max: 4, duration: 252 });
    expect(pacedLimiter({ max: 10, duration: 1000 })).toEqual({ max: 5, duration: 502 });
  });

  it('picks the cut that keeps the rate: a share rounded down is lost', () => {
    for (const max of [8, 10, 12, 16, 25, 33, 50, 100, 1000]) {
      const paced = pacedLimiter({ max, duration: 1000 });
      expect((paced.max * 1000) / paced.duration / max).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('leaves small windows whole: a share would round down to nothing useful', () => {
    expect(pacedLimiter({ max: 5, duration: 60_000 })).toEqual({ max: 5, duration: 60_000 });
    expect(pacedLimiter({ max: 7, duration: 1000 })).toEqual({ max: 7, duration: 1000 });
  });

  it('never lets more jobs into any vendor window than it allows, whatever the phase', () => {
    for (const max of [8, 9, 12, 16, 25, 33, 50, 100, 1000]) {
      const paced = pacedLimiter({ max, duration: 1000 });
      // Bursts start every paced.duration: a vendor window, whatever its phase, holds at most this many.
      const bursts = Math.ceil(1000 / paced.duration);
      expect(bursts * paced.max).toBeLessThanOrEqual(max);
    }
  });
});
