import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';
import {
  attemptsOf,
  ConfigurationError,
  createResilientFetch,
  createVendorClient,
  retryAfterMsOf,
  TransportError,
  type ResilientFetchOptions,
} from '../src/index.js';
import { parseRateLimitReset, parseRetryAfter } from '../src/retry-after.js';
import { fakeClock, ok, scriptedFetch, status, undiciError, type Step } from './support/fakes.js';

const BASE = 'https://api.vendor.test/v2';
const MESSAGES = `${BASE}/item-orders/42/messages`;

function setup(steps: Step[], options: Partial<ResilientFetchOptions> = {}) {
  const clock = fakeClock();
  const recorder = scriptedFetch(...steps);
  const resilient = createResilientFetch({
    fetch: recorder.fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...options,
  });
  return { clock, recorder, resilient };
}

const get = (url = MESSAGES) => new Request(url);
const post = (url = MESSAGES, body = '{"message":"hello"}') =>
  new Request(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

describe('which failures are retried', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries a GET answered %i', async (code) => {
    const { resilient, recorder } = setup([status(code), ok()]);
    const response = await resilient(get());
    expect(response.status).toBe(200);
    expect(recorder.requests).toHaveLength(2);
    expect(attemptsOf(response)).toBe(2);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])(
    'returns a GET answered %i without retrying',
    async (code) => {
      const { resilient, recorder } = setup([status(code)]);
      const response = await resilient(get());
      expect(response.status).toBe(code);
      expect(recorder.requests).toHaveLength(1);
      expect(attemptsOf(response)).toBe(1);
    },
  );

  it.each([408, 429])('retries a POST answered %i: the server did not act on it', async (code) => {
    const { resilient, recorder } = setup([status(code), ok()]);
    const response = await resilient(post());
    expect(response.status).toBe(200);
    expect(recorder.requests).toHaveLength(2);
    expect(recorder.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it.each([425, 500, 502, 503, 504])(
    'returns a POST answered %i untouched: it may have been stored',
    async (code) => {
      const { resilient, recorder } = setup([status(code)]);
      const response = await resilient(post());
      expect(response.status).toBe(code);
      expect(await response.json()).toEqual({ message: `status ${code}` });
      expect(recorder.requests).toHaveLength(1);
      expect(attemptsOf(response)).toBe(1);
    },
  );

  it('treats PUT and DELETE as idempotent and PATCH as not', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const { resilient, recorder } = setup([status(502), ok()]);
      await resilient(new Request(MESSAGES, { method }));
      expect(recorder.requests).toHaveLength(2);
    }
    const { resilient, recorder } = setup([status(502)]);
    expect((await resilient(new Request(MESSAGES, { method: 'PATCH', body: '{}' }))).status).toBe(
      502,
    );
    expect(recorder.requests).toHaveLength(1);
  });

  it('retries a POST on a 500 when the caller declares it idempotent', async () => {
    const { resilient, recorder } = setup([status(500), ok()]);
    const response = await resilient.withPolicy({ isIdempotent: true })(post());
    expect(response.status).toBe(200);
    expect(recorder.requests).toHaveLength(2);
  });

  it('uses a custom isIdempotent predicate', async () => {
    const { resilient, recorder } = setup([status(500), ok()], {
      isIdempotent: (request) => request.headers.has('Idempotency-Key'),
    });
    const keyed = new Request(MESSAGES, {
      method: 'POST',
      body: 'x',
      headers: { 'Idempotency-Key': 'k1' },
    });
    expect((await resilient(keyed)).status).toBe(200);
    expect(recorder.requests).toHaveLength(2);
  });

  it('retries connection failures that happened before sending, for POST too', async () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      const { resilient, recorder } = setup([undiciError(code), ok()]);
      const response = await resilient(post());
      expect(response.status, code).toBe(200);
      expect(recorder.requests, code).toHaveLength(2);
      expect(attemptsOf(response)).toBe(2);
    }
  });

  it('throws a TransportError for a POST whose connection broke after sending, without retrying', async () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT']) {
      const { resilient, recorder } = setup([undiciError(code)]);
      const error = await resilient(post()).catch((e: unknown) => e);
      expect(error, code).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({
        phase: 'sent',
        code,
        mayHaveBeenDelivered: true,
        attempts: 1,
        method: 'POST',
      });
      expect(recorder.requests).toHaveLength(1);
    }
  });

  it('retries a GET whose connection broke after sending', async () => {
    const { resilient, recorder } = setup([
      undiciError('ECONNRESET'),
      undiciError('UND_ERR_SOCKET'),
      ok(),
    ]);
    expect((await resilient(get())).status).toBe(200);
    expect(recorder.requests).toHaveLength(3);
  });

  it('does not retry a TLS rejection, though nothing was sent', async () => {
    const { resilient, recorder } = setup([undiciError('CERT_HAS_EXPIRED')]);
    const error = await resilient(get()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      phase: 'connect',
      mayHaveBeenDelivered: false,
      code: 'CERT_HAS_EXPIRED',
    });
    expect(recorder.requests).toHaveLength(1);
  });

  it('rethrows an error that is not a network failure untouched', async () => {
    const bug = new RangeError('bug in a custom fetch');
    const { resilient, recorder } = setup([bug, ok()]);
    await expect(resilient(get())).rejects.toBe(bug);
    expect(recorder.requests).toHaveLength(1);
  });

  it('gives up after maxRetries and returns the last response', async () => {
    const { resilient, recorder, clock } = setup([status(503), status(503), status(503)]);
    const response = await resilient(get());
    expect(response.status).toBe(503);
    expect(attemptsOf(response)).toBe(3);
    expect(recorder.requests).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('throws the last TransportError once retries are exhausted', async () => {
    const { resilient } = setup([
      undiciError('ECONNREFUSED'),
      undiciError('ECONNREFUSED'),
      undiciError('ECONNREFUSED'),
    ]);
    await expect(resilient(post())).rejects.toMatchObject({ phase: 'connect', attempts: 3 });
  });

  it('sends once with retry: false, and withPolicy can re-enable or reshape retries', async () => {
    const once = setup([status(503)], { retry: false });
    expect((await once.resilient(get())).status).toBe(503);
    expect(once.recorder.requests).toHaveLength(1);

    const more = setup([status(503), status(503), status(503), status(503), ok()], {
      retry: false,
    });
    const response = await more.resilient.withPolicy({ retry: { maxRetries: 4, jitter: false } })(
      get(),
    );
    expect(response.status).toBe(200);
    expect(more.clock.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('withPolicy merges over the connection settings instead of replacing them', async () => {
    const { resilient, clock } = setup([status(503), status(503), ok()], {
      retry: { initialDelayMs: 100, jitter: false, maxRetries: 0 },
    });
    await resilient.withPolicy({ retry: { maxRetries: 2 } })(get());
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('rejects settings that would loop forever or wait NaN', () => {
    expect(() => createResilientFetch({ retry: { maxRetries: Number.POSITIVE_INFINITY } })).toThrow(
      ConfigurationError,
    );
    expect(() => createResilientFetch({ retry: { maxRetries: 1.5 } })).toThrow(ConfigurationError);
    expect(() => createResilientFetch({ timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => createResilientFetch().withPolicy({ totalTimeoutMs: Number.NaN })).toThrow(
      ConfigurationError,
    );
  });
});

describe('backoff', () => {
  it('doubles from initialDelayMs and stops at maxDelayMs', async () => {
    const steps = Array.from({ length: 7 }, () => status(503));
    const { resilient, clock } = setup([...steps, ok()], {
      retry: { maxRetries: 7, jitter: false },
    });
    await resilient(get());
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('with full jitter stays in [0, ceiling) for every random value', () => {
    const options = { initialDelayMs: 500, maxDelayMs: 8000, jitter: true };
    for (let retryIndex = 0; retryIndex < 12; retryIndex++) {
      const ceiling = Math.min(8000, 500 * 2 ** retryIndex);
      for (const unit of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelay(retryIndex, options, () => unit);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(delay).toBe(Math.floor(unit * ceiling));
      }
    }
  });

  it('draws jitter from the injected random source', async () => {
    const draws = [0.1, 0.9];
    const { resilient, clock } = setup([status(502), status(502), ok()], {
      random: () => draws.shift() ?? 0,
    });
    await resilient(get());
    expect(clock.sleeps).toEqual([50, 900]);
  });
});

describe('server-requested waits', () => {
  it('honours Retry-After in delta-seconds', async () => {
    const { resilient, clock } = setup([status(429, { 'Retry-After': '3' }), ok()]);
    expect((await resilient(post())).status).toBe(200);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const clock = fakeClock();
    const date = new Date(clock.now() + 5000).toUTCString();
    const recorder = scriptedFetch(status(503, { 'Retry-After': date }), ok());
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect((await resilient(get())).status).toBe(200);
    expect(clock.sleeps).toEqual([5000]);
  });

  it('prefers retry-after-ms over Retry-After', async () => {
    const { resilient, clock } = setup([
      status(429, { 'retry-after-ms': '250', 'Retry-After': '9' }),
      ok(),
    ]);
    await resilient(get());
    expect(clock.sleeps).toEqual([250]);
  });

  it('waits for X-Ratelimit-Reset when X-RateLimit-Remaining is 0', async () => {
    const clock = fakeClock();
    const reset = String(clock.now() / 1000 + 7);
    const recorder = scriptedFetch(
      status(429, { 'X-RateLimit-Remaining': '0', 'X-Ratelimit-Reset': reset }),
      ok(),
    );
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
    });
    await resilient(post());
    expect(clock.sleeps).toEqual([7000]);
  });

  it('ignores the reset header while requests remain, and backs off instead', async () => {
    const clock = fakeClock();
    const reset = String(clock.now() / 1000 + 40);
    const recorder = scriptedFetch(
      status(429, { 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': reset }),
      ok(),
    );
    const resilient = createResilientFetch({
      fetch: recorder.fetch,
      now: clock.now,
      sleep: clock.sleep,
      retry: { jitter: false },
    });
    await resilient(get());
    expect(clock.sleeps).toEqual([500]);
  });

  it('returns the 429 without sleeping when the server asks for more than maxRetryAfterMs', async () => {
    const { resilient, recorder, clock } = setup([status(429, { 'Retry-After': '120' })]);
    const response = await resilient(post());
    expect(response.status).toBe(429);
    expect(retryAfterMsOf(response, clock.now())).toBe(120_000);
    expect(clock.sleeps).toEqual([]);
    expect(recorder.requests).toHaveLength(1);
    expect(attemptsOf(response)).toBe(1);
  });

  it('returns the 429 when the wait would outlast totalTimeoutMs', async () => {
    const { resilient, recorder, clock } = setup([status(429, { 'Retry-After': '20' })], {
      totalTimeoutMs: 10_000,
    });
    expect((await resilient(get())).status).toBe(429);
    expect(clock.sleeps).toEqual([]);
    expect(recorder.requests).toHaveLength(1);
  });

  it('stops backing off when the next delay would pass totalTimeoutMs', async () => {
    const { resilient, recorder, clock } = setup([status(503), status(503)], {
      totalTimeoutMs: 1_400,
      retry: { jitter: false, maxRetries: 5 },
    });
    const response = await resilient(get());
    expect(response.status).toBe(503);
    expect(attemptsOf(response)).toBe(2);
    expect(clock.sleeps).toEqual([500]);
    expect(recorder.requests).toHaveLength(2);
  });

  it('parses the header forms', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    // The other HTTP-date forms (RFC 850, asctime).
    expect(parseRetryAfter('Wednesday, 01-Jan-25 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed Jan  1 12:00:30 2025', now)).toBeGreaterThanOrEqual(0);
    // The header sent twice, joined: the longest wait, not a date in 2001 (a wait of zero).
    expect(parseRetryAfter('5, 10', now)).toBe(10_000);
    // Not dates, though `Date.parse` reads them as some.
    for (const junk of ['1 2', 'Fri 5', '5 10', 'Jan 5']) {
      expect(parseRetryAfter(junk, now), junk).toBeUndefined();
    }
    expect(parseRateLimitReset(String(now / 1000 + 12), now)).toBe(12_000);
    expect(parseRateLimitReset(String(now + 1500), now)).toBe(1_500);
    expect(parseRateLimitReset('30', now)).toBe(30_000);
    expect(parseRateLimitReset('later', now)).toBeUndefined();
  });
});

describe('request bodies and calls', () => {
  it('sends a copy on every attempt that may be retried, and the original on the last', async () => {
    const payload = JSON.stringify({ message: 'only once' });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(payload));
        controller.close();
      },
    });
    const request = new Request(MESSAGES, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const { resilient, recorder } = setup([status(408), status(429), ok()]);
    expect((await resilient(request)).status).toBe(200);
    expect(await Promise.all(recorder.requests.map((r) => r.text()))).toEqual([
      payload,
      payload,
      payload,
    ]);
  });

  it('hands a string body to every attempt as init.body and never reads or copies the request', async () => {
    const attempts: Array<{ input: Request; body: unknown; sent: string }> = [];
    const answers = [status(408), status(429), ok()];
    const clock = fakeClock();
    const resilient = createResilientFetch({
      now: clock.now,
      sleep: clock.sleep,
      // What the standard fetch does with its arguments: a Request from input and init.
      fetch: async (input, init) => {
        attempts.push({ input, body: init?.body, sent: await new Request(input, init).text() });
        return answers.shift()!;
      },
    });
    const payload = '{"message":"kept once"}';
    const response = await resilient(MESSAGES, { method: 'POST', body: payload });
    expect(response.status).toBe(200);
    expect(attempts.map((a) => [a.body, a.sent])).toEqual([
      [payload, payload],
      [payload, payload],
      [payload, payload],
    ]);
    // One Request serves every attempt: no clone, and its own body stream is never read.
    const [first] = attempts;
    expect(attempts.every((a) => a.input === first!.input)).toBe(true);
    expect(first!.input.bodyUsed).toBe(false);
  });

  it('sends a body-less request itself on every attempt', async () => {
    const inputs: Request[] = [];
    const answers = [status(408), status(502), ok()];
    const clock = fakeClock();
    const resilient = createResilientFetch({
      now: clock.now,
      sleep: clock.sleep,
      fetch: async (input) => {
        inputs.push(input);
        return answers.shift()!;
      },
    });
    // As the vendor clients build it; any other request is copied once, with `redirect: 'manual'`.
    const request = new Request(MESSAGES, { redirect: 'manual' });
    expect((await resilient(request)).status).toBe(200);
    expect(inputs).toEqual([request, request, request]);
    expect(inputs.every((input) => input === request)).toBe(true);
  });

  it('keeps the body a vendor client serialized, and a fetch that reads only its input still resends it', async () => {
    const clock = fakeClock();
    const answers = [status(408), ok({ data: { id: 'm1' } })];
    const seen: Array<{ body: string; hadInitBody: boolean }> = [];
    const resilient = createResilientFetch({
      now: clock.now,
      sleep: clock.sleep,
      // Reads only its first argument, consuming that request's body stream.
      fetch: async (input, init) => {
        seen.push({ body: await input.text(), hadInitBody: typeof init?.body === 'string' });
        return answers.shift()!;
      },
    });
    type Paths = {
      '/item-orders/{id}/messages': {
        post: {
          parameters: { path: { id: string } };
          requestBody: { content: { 'application/json': { message: string } } };
          responses: { 200: { content: { 'application/json': { data: { id: string } } } } };
        };
      };
    };
    const client = createVendorClient<Paths>(
      { vendor: 'gameboost', packageName: '@org/test', packageVersion: '0.0.0', operations: {} },
      { baseUrl: BASE, fetch: resilient },
      [{ in: 'header', name: 'Authorization', value: 'Bearer t0k3n-value', secret: 't0k3n-value' }],
    );
    const { data } = await client.POST('/item-orders/{id}/messages', {
      params: { path: { id: '42' } },
      body: { message: 'twice' },
    });
    expect(data).toEqual({ data: { id: 'm1' } });
    expect(seen).toEqual([
      { body: '{"message":"twice"}', hadInitBody: true },
      { body: '{"message":"twice"}', hadInitBody: true },
    ]);
  });

  it('accepts a URL and init like fetch, and passes transport extensions through to every attempt', async () => {
    const seen: Array<{ method: string; body: string; dispatcher: unknown; signal: boolean }> = [];
    const dispatcher = { name: 'test-dispatcher' };
    const answers = [status(408), ok()];
    const resilient = createResilientFetch({
      now: fakeClock().now,
      sleep: fakeClock().sleep,
      fetch: async (request, init) => {
        seen.push({
          method: request.method,
          body: await request.text(),
          dispatcher: (init as { dispatcher?: unknown } | undefined)?.dispatcher,
          signal: init?.signal instanceof AbortSignal,
        });
        return answers.shift()!;
      },
    });
    await resilient(MESSAGES, { method: 'PUT', body: 'b', dispatcher } as RequestInit);
    expect(seen).toEqual([
      { method: 'PUT', body: 'b', dispatcher, signal: true },
      { method: 'PUT', body: 'b', dispatcher, signal: true },
    ]);
  });

  it('plugs into a vendor client: auth survives the retry and openapi-fetch gets the final answer', async () => {
    const { resilient, recorder } = setup([status(408), ok({ data: { id: 'm1' } })]);
    type Paths = {
      '/item-orders/{id}/messages': {
        post: {
          parameters: { path: { id: string } };
          requestBody: { content: { 'application/json': { message: string } } };
          responses: { 200: { content: { 'application/json': { data: { id: string } } } } };
        };
      };
    };
    const client = createVendorClient<Paths>(
      { vendor: 'gameboost', packageName: '@org/test', packageVersion: '0.0.0', operations: {} },
      { baseUrl: BASE, fetch: resilient },
      [{ in: 'header', name: 'Authorization', value: 'Bearer t0k3n-value', secret: 't0k3n-value' }],
    );
    const { data, response } = await client.POST('/item-orders/{id}/messages', {
      params: { path: { id: '42' } },
      body: { message: 'hi' },
    });
    expect(data).toEqual({ data: { id: 'm1' } });
    expect(attemptsOf(response)).toBe(2);
    expect(recorder.requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer t0k3n-value',
      'Bearer t0k3n-value',
    ]);
    expect(await Promise.all(recorder.requests.map((r) => r.json()))).toEqual([
      { message: 'hi' },
      { message: 'hi' },
    ]);
  });
});
