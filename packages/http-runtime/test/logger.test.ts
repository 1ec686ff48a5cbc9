import { describe, expect, it } from 'vitest';
import {
  consoleLogger,
  createVendorClient,
  createRateLimiter,
  createResilientFetch,
  requestIdOf,
  withLevel,
  type FetchFunction,
  type LogLevel,
  type ResilientFetchOptions,
} from '../src/index.js';
import {
  capturingLogger,
  fakeClock,
  hangingFetch,
  ok,
  scriptedFetch,
  status,
  undiciError,
} from './support/fakes.js';

const TOKEN = 'gb_live_T0KEN_5ecret_value';
/** A request as the vendor client sends it: token in a header, in the query, and (carelessly) in the path. */
function authorized(method: string, body?: string): Request {
  const request = new Request(
    `https://api.gameboost.test/v2/item-orders/${TOKEN}/messages?apiKey=${TOKEN}&page=2`,
    {
      method,
      ...(body === undefined ? {} : { body }),
      headers: { Authorization: `Bearer ${TOKEN}` },
    },
  );
  return request;
}

const everyLine = (lines: ReturnType<typeof capturingLogger>['lines']) =>
  lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields)}`);

describe('logging through every path leaks no secret', () => {
  it('covers responses, retries, server waits, rate-limit waits, transport failures, timeouts and aborts', async () => {
    const { logger, lines } = capturingLogger();
    const clock = fakeClock();
    const common: ResilientFetchOptions = {
      logger,
      secrets: [TOKEN],
      vendor: 'gameboost',
      requestIdHeaders: ['x-gameboost-request-id'],
      connection: 'eu-shop',
      now: clock.now,
      sleep: clock.sleep,
    };
    const withFetch = (fetch: FetchFunction, extra: Partial<ResilientFetchOptions> = {}) =>
      createResilientFetch({ ...common, fetch, ...extra });
    const echoesToken = { 'X-GameBoost-Request-Id': 'gb-req-9', 'X-Echo': TOKEN };

    // response + backoff retry + retry-after retry + retries exhausted
    await withFetch(
      scriptedFetch(status(503, echoesToken), status(429, { 'Retry-After': '1' }), status(503))
        .fetch,
    )(authorized('GET'));
    // server asks for a wait longer than allowed
    await withFetch(scriptedFetch(status(429, { 'Retry-After': '3600' })).fetch)(
      authorized('POST', TOKEN),
    );
    // no time left for another attempt
    await withFetch(scriptedFetch(status(502)).fetch, {
      totalTimeoutMs: 10,
      retry: { jitter: false },
    })(authorized('GET'));
    // transport failure retried, then a failure thrown
    await withFetch(
      scriptedFetch(
        undiciError('ECONNREFUSED', `connect to ${TOKEN}`),
        undiciError('ECONNRESET', TOKEN),
      ).fetch,
    )(authorized('POST', 'x')).catch(() => {});
    // rate-limit wait, then a wait too long to take
    const limiter = createRateLimiter({
      rules: [{ name: 'chat', limit: 1, windowMs: 1_000 }],
      ...clock,
    });
    const limited = withFetch(scriptedFetch(ok(), ok()).fetch, { rateLimiter: limiter });
    await limited(authorized('GET'));
    await limited(authorized('GET'));
    await limited
      .withPolicy({ maxRateLimitWaitMs: 10 })(authorized('GET'))
      .catch(() => {});
    // attempt timeout (real timers, 20 ms)
    await createResilientFetch({
      ...common,
      now: Date.now,
      sleep: undefined,
      fetch: hangingFetch().fetch,
      timeoutMs: 20,
    })(authorized('POST', 'x')).catch(() => {});
    // caller abort
    await withFetch(hangingFetch().fetch, { signal: AbortSignal.abort() })(authorized('GET')).catch(
      () => {},
    );

    const messages = new Set(lines.map((l) => l.message));
    for (const expected of [
      'response received',
      'retrying after response',
      'giving up: retries exhausted',
      'server asked to wait longer than allowed; returning its response',
      'giving up: no time left for another attempt',
      'retrying after transport failure',
      'request failed without a response',
      'waiting for rate limit',
      'rate limit wait too long; request not sent',
      'aborted by the caller',
    ]) {
      expect(messages, expected).toContain(expected);
    }
    expect(lines.some((l) => l.fields?.phase === 'timeout')).toBe(true);
    expect(new Set(lines.map((l) => l.fields?.waitReason).filter(Boolean))).toEqual(
      new Set(['backoff', 'retry-after', 'rate-limit']),
    );

    for (const text of everyLine(lines)) expect(text).not.toContain(TOKEN);
    for (const line of lines) {
      expect(line.fields).toMatchObject({
        vendor: 'gameboost',
        connection: 'eu-shop',
        method: expect.stringMatching(/^(GET|POST)$/),
        url: 'https://api.gameboost.test/v2/item-orders/[REDACTED]/messages?apiKey=%5BREDACTED%5D&page=2',
        attempt: expect.any(Number),
      });
    }
    const firstResponse = lines.find((l) => l.message === 'response received');
    expect(firstResponse?.fields).toMatchObject({ status: 503, requestId: 'gb-req-9', attempt: 1 });
  });

  it('never lets a throwing logger fail the request', async () => {
    const throwing = {
      debug: () => {
        throw new Error('sink down');
      },
      info: () => {},
      warn: () => {
        throw new Error('sink down');
      },
      error: () => {},
    };
    const clock = fakeClock();
    const resilient = createResilientFetch({
      fetch: scriptedFetch(status(503), ok()).fetch,
      logger: throwing,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect((await resilient(authorized('GET'))).status).toBe(200);
  });

  it('works under a vendor client: the query credential it adds never reaches a log line', async () => {
    const { logger, lines } = capturingLogger();
    const clock = fakeClock();
    const resilient = createResilientFetch({
      fetch: scriptedFetch(status(503), ok()).fetch,
      logger,
      secrets: [TOKEN],
      now: clock.now,
      sleep: clock.sleep,
    });
    const client = createVendorClient<{ '/x': { get: { responses: { 200: never } } } }>(
      { vendor: 'test', packageName: '@org/test', packageVersion: '0.0.0', operations: {} },
      { baseUrl: 'https://api.vendor.test', fetch: resilient },
      [{ in: 'query', name: 'token', value: TOKEN }],
    );
    await client.GET('/x');
    expect(lines.length).toBeGreaterThan(0);
    for (const text of everyLine(lines)) expect(text).not.toContain(TOKEN);
  });
});

describe('logger helpers', () => {
  it('filters by level', () => {
    const written: string[] = [];
    const sink = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as LogLevel[]).map((level) => [
        level,
        (m: string) => written.push(`${level}:${m}`),
      ]),
    ) as unknown as Console;
    const logger = consoleLogger('warn', sink);
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(written).toEqual(['warn:c', 'error:d']);

    written.length = 0;
    const silent = withLevel(consoleLogger('debug', sink), 'silent');
    silent.error('e');
    expect(written).toEqual([]);
  });

  it('reads the request id from each vendor header', () => {
    expect(requestIdOf(ok({}, { 'X-Request-Id': 'a' }))).toBe('a');
    expect(requestIdOf(ok({}, { 'X-Api-Identifier': 'spp-1' }), ['x-api-identifier'])).toBe(
      'spp-1',
    );
    expect(requestIdOf(ok({}, { 'X-Api-Identifier': 'spp-1' }))).toBeUndefined();
    expect(
      requestIdOf(ok({}, { 'X-GameBoost-Request-Id': 'gb-1' }), ['x-gameboost-request-id']),
    ).toBe('gb-1');
    expect(requestIdOf(ok())).toBeUndefined();
  });
});
