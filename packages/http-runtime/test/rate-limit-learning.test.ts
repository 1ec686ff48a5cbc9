/** With no declared rule for a request, the limiter learns the server's limit from its 429s. */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createRateLimiter, type RateLimitWait } from '../src/index.js';
import { fakeClock, ok, status } from './support/fakes.js';

const post = () => new Request('https://api.example.test/messages', { method: 'POST', body: '{}' });
const get = () => new Request('https://api.example.test/orders');

function learningLimiter(options: { learnFromHeaders?: boolean; learnLimit?: boolean } = {}) {
  const clock = fakeClock();
  const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep, ...options });
  /** `accepted` answers, then a 429 with the given headers, all at the current time. */
  const burst = (accepted: number, throttled: Record<string, string>) => {
    for (let i = 0; i < accepted; i++) limiter.observe(ok(), post());
    limiter.observe(status(429, throttled), post());
  };
  /** How many requests go at once before one has to wait, and that wait. */
  const capacity = async () => {
    let sent = 0;
    const waits: RateLimitWait[] = [];
    while (waits.length === 0 && sent < 1_000) {
      const slot = await limiter.reserve(post(), undefined, { onWait: (w) => waits.push(w) });
      slot.release();
      if (waits.length === 0) sent++;
    }
    return { sent, wait: waits[0] };
  };
  return { clock, limiter, burst, capacity };
}

describe('a rule learned from 429s', () => {
  it('allows what the server accepted in the window before the 429, per the wait it asked for', async () => {
    const { clock, burst, capacity } = learningLimiter();
    burst(20, { 'Retry-After': '1' });
    // The hold first: nothing goes for the second the server asked for.
    clock.advance(1_000);
    expect(await capacity()).toEqual({
      sent: 20,
      wait: { waitMs: 1_000, rule: 'learned', source: 'learned' },
    });
  });

  it('takes X-RateLimit-Limit when the server sends it', async () => {
    const { clock, burst, capacity } = learningLimiter();
    burst(3, { 'Retry-After': '2', 'X-RateLimit-Limit': '50' });
    clock.advance(2_000);
    expect(await capacity()).toMatchObject({ sent: 50, wait: { waitMs: 2_000 } });
  });

  it('raises the count for late answers of the same burst, and lowers it on a 429 after the burst', async () => {
    const { clock, burst, capacity, limiter } = learningLimiter();
    burst(12, { 'Retry-After': '1' });
    burst(8, { 'Retry-After': '1' }); // the rest of the burst's answers, arriving after a 429
    clock.advance(1_000);
    expect((await capacity()).sent).toBe(20);
    // Later, keeping to 20 a second, the server still says no after 15 in a second.
    clock.advance(5_000);
    for (let i = 0; i < 15; i++) limiter.observe(ok(), post());
    limiter.observe(status(429, { 'Retry-After': '1' }), post());
    clock.advance(1_000);
    expect((await capacity()).sent).toBe(15);
  });

  it('learns no limit from a 429 before any accepted answer: after its hold, requests go', async () => {
    const { clock, burst, capacity } = learningLimiter();
    burst(0, { 'Retry-After': '2' }); // the first answer this process gets is a 429
    clock.advance(2_000);
    // It used to learn 1 per 2 s, and keep every later window to one request for ten minutes.
    expect((await capacity()).sent).toBe(1_000);
  });

  it('counts answers accepted after the 429 but sent before it (slow answers of the burst)', async () => {
    const { clock, burst, capacity, limiter } = learningLimiter();
    burst(5, { 'Retry-After': '1' });
    clock.advance(300);
    // The burst's slower answers, accepted by the server within the same budget.
    for (let i = 0; i < 15; i++) limiter.observe(ok(), post());
    clock.advance(700);
    expect((await capacity()).sent).toBe(20);
  });

  it('counts a window of at least a second, whatever the sub-second wait', async () => {
    const { clock, burst, capacity } = learningLimiter();
    burst(10, { 'Retry-After-Ms': '50' });
    clock.advance(50);
    expect(await capacity()).toMatchObject({ sent: 10, wait: { waitMs: 1_000 } });
  });

  it('is forgotten ten minutes after the last 429', async () => {
    const { clock, burst, capacity } = learningLimiter();
    burst(5, { 'Retry-After': '1' });
    clock.advance(10 * 60_000 + 1);
    expect((await capacity()).sent).toBe(1_000);
  });

  it('covers only requests no declared rule covers', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      rules: [{ name: 'reads', limit: 100, windowMs: 1_000, match: (r) => r.method === 'GET' }],
      now: clock.now,
      sleep: clock.sleep,
    });
    limiter.observe(ok(), post());
    limiter.observe(status(429, { 'Retry-After': '1' }), post());
    clock.advance(1_000);
    expect(await limiter.acquire(post())).toBe(0);
    expect(await limiter.acquire(post())).toBe(1_000);
    // A GET counts against `reads`, not the learned rule.
    for (let i = 0; i < 10; i++) expect(await limiter.acquire(get())).toBe(0);
  });

  it('is not learned when headers are ignored', async () => {
    const { burst, capacity } = learningLimiter({ learnFromHeaders: false });
    burst(5, { 'Retry-After': '1' });
    expect((await capacity()).sent).toBe(1_000);
  });

  it('is not learned with learnLimit: false, while the 429 still holds for the wait asked', async () => {
    // Several processes sharing one account: one process's accepted count is only its share.
    const { clock, burst, capacity } = learningLimiter({ learnLimit: false });
    burst(5, { 'Retry-After': '1' });
    const held = await capacity();
    expect(held).toEqual({ sent: 0, wait: { waitMs: 1_000, rule: '*', source: 'server' } });
    clock.advance(1_000);
    expect((await capacity()).sent).toBe(1_000);
  });

  it('keeps its name to itself: a declared rule may not be called "learned"', () => {
    expect(() =>
      createRateLimiter({ rules: [{ name: 'learned', limit: 1, windowMs: 1 }] }),
    ).toThrow(ConfigurationError);
  });
});
