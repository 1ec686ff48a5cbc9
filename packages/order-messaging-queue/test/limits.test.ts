import { describe, expect, it } from 'vitest';
import { limiterFor, QueueError } from '../src/index.js';

describe('limiterFor', () => {
  it('takes the tightest declared rule as the queue limiter', () => {
    const rules = {
      burst: { limit: 10, windowMs: 1000 },
      chat: { limit: 5, windowMs: 60_000, match: { methods: ['POST'] } },
    };
    expect(limiterFor(rules)).toEqual({ max: 5, duration: 60_000 });
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
