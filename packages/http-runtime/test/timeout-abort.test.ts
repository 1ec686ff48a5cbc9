import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  abortableSleep,
  createRateLimiter,
  createResilientFetch,
  TransportError,
} from '../src/index.js';
import { hangingFetch, ok, scriptedFetch, status } from './support/fakes.js';

const URL_ = 'https://api.vendor.test/v2/item-orders/42/messages';
const post = () => new Request(URL_, { method: 'POST', body: '{"message":"hi"}' });

/** Elapsed real milliseconds of a promise that must settle quickly. */
async function timed<T>(
  promise: Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - start, result: result! };
}

describe('caller aborts', () => {
  it('ends a 10 s backoff sleep promptly with the caller reason, and sends nothing more', async () => {
    const recorder = scriptedFetch(status(503), ok());
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      signal: controller.signal,
      retry: { initialDelayMs: 10_000, jitter: false },
    });
    setTimeout(() => controller.abort(reason), 30);
    const { ms, result } = await timed(resilient(new Request(URL_)));
    expect(result).toEqual({ status: 'rejected', reason });
    expect(ms).toBeLessThan(2_000);
    expect(recorder.requests).toHaveLength(1);
  });

  it('ends a rate-limiter wait promptly with the caller reason', async () => {
    const recorder = scriptedFetch(ok(), ok());
    const limiter = createRateLimiter({ rules: [{ name: 'chat', limit: 1, windowMs: 60_000 }] });
    const resilient = createResilientFetch({ fetch: recorder.fetch, rateLimiter: limiter });
    await resilient(new Request(URL_));
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 30);
    const { ms, result } = await timed(
      resilient.withPolicy({ signal: controller.signal })(new Request(URL_)),
    );
    expect(result).toEqual({ status: 'rejected', reason });
    expect(ms).toBeLessThan(2_000);
    expect(recorder.requests).toHaveLength(1);
  });

  it('aborts the in-flight attempt and does not retry it, even for a GET', async () => {
    const hanging = hangingFetch();
    const controller = new AbortController();
    const resilient = createResilientFetch({ fetch: hanging.fetch, retry: { initialDelayMs: 0 } });
    setTimeout(() => controller.abort(), 30);
    const { result } = await timed(resilient(new Request(URL_, { signal: controller.signal })));
    expect(result.status).toBe('rejected');
    const reason = (result as PromiseRejectedResult).reason;
    expect(reason).toBe(controller.signal.reason);
    expect(reason).toMatchObject({ name: 'AbortError' });
    expect(hanging.calls()).toBe(1);
  });

  it('honours a signal given in init, as fetch does', async () => {
    const hanging = hangingFetch();
    const controller = new AbortController();
    const reason = new Error('init signal');
    setTimeout(() => controller.abort(reason), 20);
    const resilient = createResilientFetch({ fetch: hanging.fetch });
    await expect(resilient(URL_, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const recorder = scriptedFetch(ok());
    const reason = new Error('too late');
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      signal: AbortSignal.abort(reason),
    });
    await expect(resilient(post())).rejects.toBe(reason);
    expect(recorder.requests).toHaveLength(0);
  });

  it('leaves no listener on a long-lived connection signal once calls finish', async () => {
    const connection = new AbortController();
    const recorder = scriptedFetch(...Array.from({ length: 20 }, () => ok()));
    const resilient = createResilientFetch({ fetch: recorder.fetch, signal: connection.signal });
    for (let i = 0; i < 20; i++) await resilient(new Request(URL_));
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(0);
  });
});

describe('attempt timeouts', () => {
  it('retries a GET that timed out, then throws a timeout TransportError', async () => {
    const hanging = hangingFetch();
    const resilient = createResilientFetch({
      fetch: hanging.fetch,
      timeoutMs: 40,
      retry: { maxRetries: 1, initialDelayMs: 1, jitter: false },
    });
    const error = await resilient(new Request(URL_)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ phase: 'timeout', mayHaveBeenDelivered: true, attempts: 2 });
    expect((error as Error).message).toContain('no response within 40 ms');
    expect(hanging.calls()).toBe(2);
  });

  it('does not retry a POST that timed out: it may have been delivered', async () => {
    const hanging = hangingFetch();
    const resilient = createResilientFetch({ fetch: hanging.fetch, timeoutMs: 40 });
    await expect(resilient(post())).rejects.toMatchObject({
      name: 'TransportError',
      phase: 'timeout',
      mayHaveBeenDelivered: true,
      attempts: 1,
    });
    expect(hanging.calls()).toBe(1);
  });

  it('shortens the last attempt to the overall deadline', async () => {
    const hanging = hangingFetch();
    const resilient = createResilientFetch({
      fetch: hanging.fetch,
      timeoutMs: 30_000,
      totalTimeoutMs: 60,
    });
    const { ms, result } = await timed(resilient(new Request(URL_)));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ phase: 'timeout' });
    expect(ms).toBeLessThan(2_000);
    expect(hanging.calls()).toBe(1);
  });

  it('tells a timeout from a caller abort', async () => {
    const hanging = hangingFetch();
    const controller = new AbortController();
    const resilient = createResilientFetch({
      fetch: hanging.fetch,
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    const pending = resilient(post());
    setTimeout(() => controller.abort(new Error('caller')), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ message: 'caller' });
  });
});

describe('abortableSleep past the timer range', () => {
  it('does not end after 1 ms, as a longer timer would', async () => {
    const controller = new AbortController();
    let ended = false;
    const sleeping = abortableSleep(2 ** 31, controller.signal).then(
      () => (ended = true),
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ended).toBe(false);
    controller.abort();
    await sleeping;
  });
});
