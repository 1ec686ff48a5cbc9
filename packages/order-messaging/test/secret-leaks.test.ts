/**
 * No credential leaves its header or query parameter: every error kind, built for every vendor
 * from real sandbox answers and scripted faults whose bodies echo the credential back (raw and
 * percent-encoded, as a vendor echoing the request URL would), is searched for the token in
 * `message`, `stack`, `String(err)`, `JSON.stringify(err)`, `util.inspect(err, {depth: 10})`,
 * `err.body` and `err.cause`, and so is every line a capturing logger got at debug level.
 *
 * The fake tokens contain `+`, `/` and `=` (as base64 keys do), so their URL-encoded form differs
 * from the raw one: Omnidesk sends its key in the query string, Mirakl as a raw Authorization value.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type FaultRule, type Sandbox } from '@org/provider-sandbox';
import {
  createOrderMessaging,
  OrderMessagingError,
  type ConnectionEntry,
  type ConnectionSettings,
  type ErrorKind,
  type Logger,
  type SendRequest,
} from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { mirakl } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';

type Vendor = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';
const VENDORS: readonly Vendor[] = ['mirakl', 'spp', 'omnidesk', 'gameboost'];

/** Recognizable fake credentials; the sandbox refuses them (401) unless a fault answers first. */
const FAKE: Record<Vendor, string> = {
  mirakl: 'FAKE+mirakl/LEAKCANARY=7d1c9a3b',
  spp: 'FAKE+spp/LEAKCANARY=3c1e5b7a',
  omnidesk: 'FAKE+omnidesk/LEAKCANARY=5b2f8c1d',
  gameboost: 'FAKE+gameboost/LEAKCANARY=9f8e7d6c',
};

const SEND_OPERATION: Record<Vendor, string> = {
  mirakl: 'createOrderThread',
  spp: 'createOrderMessage',
  omnidesk: 'createMessage',
  gameboost: 'sendAccountOrderMessage',
};

let sb: Sandbox;
beforeAll(async () => {
  // GameBoost's documented limits stay on here: one case runs into the real chat limit.
  sb = await startSandbox();
});
afterAll(() => sb?.close());
beforeEach(() => sb.reset());

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The token base64-encoded as a vendor may echo it: alone, or inside a `Basic` credential. */
function base64LeakForms(token: string): string[] {
  const plain = [token, `:${token}`, `${token}:`, `merchant:${token}`, `ab:${token}`];
  return plain.flatMap((text) => [b64(text), b64(text).replace(/=+$/, ''), b64url(text)]);
}

/**
 * Every form in which a token can show up in text: raw, percent-encoded (query strings),
 * JSON-escaped, base64 and base64url (`Basic` credentials).
 */
function leakForms(token: string): string[] {
  return [
    ...new Set([
      token,
      encodeURIComponent(token),
      JSON.stringify(token).slice(1, -1),
      ...base64LeakForms(token),
    ]),
  ];
}

/** Whether a base64 run in the text decodes, at any of its alignments, to text holding the token. */
function leaksBase64(text: string, token: string): boolean {
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let start = 0; start < 4; start++) {
      if (Buffer.from(run.slice(start), 'base64').toString('utf8').includes(token)) return true;
    }
  }
  return false;
}

function capturingLogger() {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${inspect(fields ?? {}, { depth: 10 })}`);
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  return { logger, lines };
}

/** The places an error's text can reach a log, a bug tracker or a screen. */
function errorViews(error: OrderMessagingError): Record<string, string> {
  return {
    message: error.message,
    stack: error.stack ?? '',
    'String(err)': String(error),
    'JSON.stringify(err)': JSON.stringify(error),
    'util.inspect(err)': inspect(error, { depth: 10 }),
    'err.body': JSON.stringify(error.body) ?? '',
    'err.cause': inspect(error.cause, { depth: 10 }),
  };
}

function expectNoLeak(views: Record<string, string>, tokens: readonly string[]): void {
  for (const [where, text] of Object.entries(views)) {
    for (const token of tokens) {
      for (const form of leakForms(token)) {
        expect(text.includes(form), `${where} contains the credential (${form})`).toBe(false);
      }
      expect(leaksBase64(text, token), `${where} contains the credential base64-encoded`).toBe(
        false,
      );
    }
  }
}

/** A vendor error body that echoes the credential back, raw and as it appeared in the URL. */
function echoBody(vendor: Vendor, token: string, withUrl = true) {
  const encoded = encodeURIComponent(token);
  const url =
    vendor === 'omnidesk'
      ? `https://acme.omnidesk.com/api/v2/ticket/1?apiKey=${encoded}`
      : `https://vendor.example/api/orders/1?key=${encoded}`;
  return {
    message: withUrl
      ? `Request GET ${url} refused for credential ${token}`
      : `The message is invalid for credential ${token}`,
    status: 'error',
    errors: { message: [`credential ${token}`, `seen in ${url}`] },
    detail: {
      url,
      headers: { Authorization: token, 'X-Forwarded-Authorization': `Bearer ${token}` },
    },
    request_id: 'req-echo-1',
  };
}

/** A 401 body echoing the `Basic` credential (and its parts) that the vendor says it received. */
function basicEcho(token: string) {
  const basic = b64(`merchant:${token}`);
  return {
    message: `Invalid credentials: Authorization: Basic ${basic}`,
    status: 'error',
    errors: {
      authorization: [`Basic ${b64(`:${token}`)}`, `Basic ${b64url(`${token}:`)}`],
      token: [b64(token), b64url(token).replace(/=+$/, '')],
    },
    detail: { received: `Basic ${basic}`, 'X-Echo': [`Basic ${b64(`ab:${token}`)}`] },
    request_id: 'req-echo-basic',
  };
}

function htmlEcho(vendor: Vendor, token: string): string {
  const encoded = encodeURIComponent(token);
  const query = vendor === 'omnidesk' ? `apiKey=${encoded}` : `key=${encoded}`;
  return `<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>upstream failed: GET /api/v2/ticket/1?${query}</p><!-- auth: ${token} --></body></html>`;
}

function adapterFor(vendor: Vendor, token: string, extra: Record<string, unknown> = {}) {
  const v = sb.vendors;
  switch (vendor) {
    case 'mirakl':
      // The raw key goes in the Authorization header, without a scheme.
      return mirakl({
        baseUrl: v.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: token },
        ...extra,
      });
    case 'spp':
      return spp({ baseUrl: v.spp.baseUrl, token, ...extra });
    case 'omnidesk':
      // The key goes in the query string (`?apiKey=`).
      return omnidesk({ baseUrl: v.omnidesk.baseUrl, apiKey: token, ...extra });
    case 'gameboost':
      return gameboost({ baseUrl: v.gameboost.baseUrl, token, ...extra });
  }
}

function realToken(vendor: Vendor): string {
  const v = sb.vendors;
  switch (vendor) {
    case 'mirakl':
      return v.mirakl.apiKey;
    case 'spp':
      return v.spp.token;
    case 'omnidesk':
      return v.omnidesk.apiKey;
    case 'gameboost':
      return v.gameboost.token;
  }
}

function orderOf(vendor: Vendor): string {
  switch (vendor) {
    case 'mirakl':
      return sb.seed.mirakl.orderWithoutThread;
    case 'spp':
      return sb.seed.spp.orderWithFewMessages.number;
    case 'omnidesk':
      return String(sb.seed.omnidesk.ticketWithMessages);
    case 'gameboost':
      return sb.seed.gameboost.accountOrders.processing;
  }
}

const inject = (rule: FaultRule) => sb.faults.inject(rule);

/**
 * With a fake token every unfaulted request is refused (401). Mirakl and Omnidesk read the order
 * before posting, so their first read is answered by a fault (faults come before authentication).
 */
function letTheFirstReadPass(vendor: Vendor): void {
  if (vendor === 'mirakl') {
    inject({ vendor, operationId: 'listThreads', status: 200, body: { data: [] } });
  }
  if (vendor === 'omnidesk') {
    inject({
      vendor,
      operationId: 'getTicket',
      status: 200,
      body: { type: 'item', item: { id: Number(orderOf(vendor)), customer_id: 1, timeline: [] } },
    });
  }
}

interface LeakCase {
  readonly name: string;
  readonly kind: ErrorKind;
  /** Per vendor when the mapping differs. */
  readonly kindFor?: Partial<Record<Vendor, ErrorKind>>;
  readonly credentials: 'fake' | 'real';
  readonly vendors?: readonly Vendor[];
  /** Adapter options for this case. */
  readonly adapterOptions?: Record<string, unknown>;
  /** The connection's runtime settings (rate limits, timeouts, retries). */
  readonly connectionSettings?: ConnectionSettings;
  arrange?(vendor: Vendor, token: string): void;
  run(
    messaging: ReturnType<
      typeof createOrderMessaging<Record<string, ConnectionEntry<ReturnType<typeof adapterFor>>>>
    >,
    vendor: Vendor,
  ): Promise<unknown>;
}

const send = (request?: Partial<SendRequest>) =>
  ((messaging, vendor) =>
    messaging.send(vendor, {
      orderId: orderOf(vendor),
      text: 'Your parcel left today.',
      ...request,
    })) satisfies LeakCase['run'];

const onSend = (rule: Omit<FaultRule, 'vendor' | 'operationId'>) => (vendor: Vendor) => {
  letTheFirstReadPass(vendor);
  inject({ vendor, operationId: SEND_OPERATION[vendor], ...rule });
};

const CASES: readonly LeakCase[] = [
  {
    name: 'validation before the network',
    kind: 'validation',
    credentials: 'fake',
    run: send({ text: '   ' }),
  },
  {
    name: 'authentication: the sandbox refuses the fake credential (401)',
    kind: 'authentication',
    credentials: 'fake',
    run: send(),
  },
  {
    name: 'validation: 400/422 echoing the credential',
    kind: 'validation',
    credentials: 'fake',
    arrange: (vendor, token) =>
      onSend({ status: vendor === 'gameboost' ? 422 : 400, body: echoBody(vendor, token, false) })(
        vendor,
      ),
    run: send(),
  },
  {
    name: 'permission: 403 echoing the credential',
    kind: 'permission',
    credentials: 'fake',
    arrange: (vendor, token) => onSend({ status: 403, body: echoBody(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'not_found: 404 echoing the credential',
    kind: 'not_found',
    credentials: 'fake',
    arrange: (vendor, token) => onSend({ status: 404, body: echoBody(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'invalid_order_state: 409 echoing the credential',
    kind: 'invalid_order_state',
    credentials: 'fake',
    arrange: (vendor, token) => onSend({ status: 409, body: echoBody(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'authentication: 401 echoing the credential base64-encoded (Basic)',
    kind: 'authentication',
    credentials: 'fake',
    arrange: (vendor, token) => onSend({ status: 401, body: basicEcho(token) })(vendor),
    run: send(),
  },
  {
    name: 'vendor_server: 500 text body echoing the Basic credential',
    kind: 'vendor_server',
    credentials: 'fake',
    arrange: (vendor, token) =>
      onSend({
        status: 500,
        body: `upstream refused Authorization: Basic ${b64(`merchant:${token}`)} (${b64url(token)})`,
      })(vendor),
    run: send(),
  },
  {
    name: 'rate_limited: 429 echoing the credential, Retry-After too long to wait',
    kind: 'rate_limited',
    credentials: 'fake',
    arrange: (vendor, token) =>
      onSend({ status: 429, retryAfter: 3600, body: echoBody(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'rate_limited: the local limiter cannot grant a slot',
    kind: 'rate_limited',
    credentials: 'fake',
    connectionSettings: {
      rateLimits: { all: { limit: 1, windowMs: 60_000 } },
      totalTimeoutMs: 200,
    },
    run: async (messaging, vendor) => {
      await messaging.send(vendor, { orderId: orderOf(vendor), text: 'first one' }).catch(() => {});
      return messaging.send(vendor, { orderId: orderOf(vendor), text: 'second one' });
    },
  },
  {
    name: 'vendor_server: 502 HTML page echoing the request URL',
    kind: 'vendor_server',
    credentials: 'fake',
    arrange: (vendor, token) =>
      onSend({ status: 502, bodyKind: 'html', body: htmlEcho(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'vendor_server: 2xx whose body is not JSON and starts with the credential',
    kind: 'vendor_server',
    credentials: 'fake',
    arrange: (vendor, token) =>
      onSend({ status: 200, body: `${token} ${encodeURIComponent(token)}` })(vendor),
    run: send(),
  },
  {
    name: 'network: connection dropped, then the check fails too (delivery unknown)',
    kind: 'network',
    credentials: 'fake',
    arrange: onSend({ drop: 'before-apply' }),
    run: send(),
  },
  {
    name: 'timeout: the vendor answers too late',
    kind: 'timeout',
    credentials: 'fake',
    connectionSettings: { timeoutMs: 100 },
    arrange: onSend({ latencyMs: 300, drop: 'before-apply' }),
    run: send(),
  },
  {
    name: 'unsupported: 501 echoing the credential',
    kind: 'unsupported',
    credentials: 'fake',
    arrange: (vendor, token) => onSend({ status: 501, body: echoBody(vendor, token) })(vendor),
    run: send(),
  },
  {
    name: 'attachment download: unsupported (Mirakl, which has it: the refused credential)',
    kind: 'unsupported',
    kindFor: { mirakl: 'authentication' },
    credentials: 'fake',
    run: (messaging, vendor) => messaging.downloadAttachment(vendor, 'attachment-1'),
  },
  {
    name: 'listing: 500 on every read, echoing the credential',
    kind: 'vendor_server',
    credentials: 'fake',
    arrange: (vendor, token) =>
      void inject({
        vendor,
        status: 500,
        body: echoBody(vendor, token),
        times: Number.POSITIVE_INFINITY,
      }),
    run: (messaging, vendor) => messaging.listAll(vendor, { orderId: orderOf(vendor) }),
  },
  // Real sandbox answers with the sandbox's own credentials.
  {
    name: 'not_found: an order the vendor does not know (real answer)',
    kind: 'not_found',
    credentials: 'real',
    run: send({ orderId: '424242' }),
  },
  {
    name: 'invalid_order_state: a GameBoost order that is not processing (real 422)',
    kind: 'invalid_order_state',
    credentials: 'real',
    vendors: ['gameboost'],
    run: (messaging, vendor) =>
      messaging.send(vendor, {
        orderId: sb.seed.gameboost.accountOrders.pending,
        text: 'too early',
      }),
  },
  {
    name: 'validation: Omnidesk refuses an unknown userID (real 400)',
    kind: 'validation',
    credentials: 'real',
    vendors: ['omnidesk'],
    adapterOptions: { userId: 999_999 },
    run: send(),
  },
  {
    // The sandbox's fifth answer says the quota is spent (`X-RateLimit-Remaining: 0`); the sixth
    // call would wait for the reset, and with no wait allowed fails at once.
    name: 'rate_limited: GameBoost chat limit reached (quota spent, as the server said)',
    kind: 'rate_limited',
    credentials: 'real',
    vendors: ['gameboost'],
    connectionSettings: { rateLimits: false, retry: false, maxRateLimitWaitMs: 0 },
    run: async (messaging, vendor) => {
      for (let i = 0; i < 5; i++) {
        await messaging.send(vendor, { orderId: orderOf(vendor), text: `chat ${i}` });
      }
      return messaging.send(vendor, { orderId: orderOf(vendor), text: 'one too many' });
    },
  },
];

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, leakCase) => {
  it.each(leakCase.vendors ?? VENDORS)('%s', async (vendor) => {
    const token = leakCase.credentials === 'fake' ? FAKE[vendor] : realToken(vendor);
    const { logger, lines } = capturingLogger();
    const connections: Record<string, ConnectionEntry<ReturnType<typeof adapterFor>>> = {
      [vendor]: {
        adapter: adapterFor(vendor, token, leakCase.adapterOptions),
        ...leakCase.connectionSettings,
      },
    };
    const messaging = createOrderMessaging({
      connections,
      retry: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 10 },
      logger,
      reconcile: { settleDelayMs: 0 },
    });
    leakCase.arrange?.(vendor, token);

    const error = await leakCase.run(messaging, vendor).then(
      (value) => ({ unexpectedSuccess: value }),
      (caught: unknown) => caught,
    );
    expect(error, 'the case produced an error').toBeInstanceOf(OrderMessagingError);
    const typed = error as OrderMessagingError;
    expect(typed.kind).toBe(leakCase.kindFor?.[vendor] ?? leakCase.kind);

    expectNoLeak(errorViews(typed), [token]);
    expectNoLeak({ 'log lines': lines.join('\n') }, [token]);
    // The echoing vendor bodies are kept for debugging, scrubbed.
    if (
      leakCase.arrange &&
      typed.body !== undefined &&
      JSON.stringify(typed.body).includes('credential')
    ) {
      expect(JSON.stringify(typed.body)).toContain('[REDACTED]');
    }
  });
});

describe('successful sends over real HTTP', () => {
  it.each(VENDORS)('%s: the result and the debug log carry no credential', async (vendor) => {
    const token = realToken(vendor);
    const { logger, lines } = capturingLogger();
    const messaging = createOrderMessaging({
      connections: { [vendor]: adapterFor(vendor, token) },
      logger,
      reconcile: { settleDelayMs: 0 },
    });
    // One ambiguous send on the way, so reconciliation logs too.
    sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'after-apply' });
    const result = await messaging.send(vendor, {
      orderId: orderOf(vendor),
      text: 'All good here.',
    });
    expect(result.reconciled).toBe(true);
    expect(lines.some((line) => line.startsWith('debug '))).toBe(true);
    expectNoLeak(
      {
        'util.inspect(result)': inspect(result, { depth: 10 }),
        'JSON.stringify(result)': JSON.stringify(result),
        'log lines': lines.join('\n'),
        'util.inspect(messaging)': inspect(messaging, { depth: 10 }),
      },
      [token],
    );
  });

  it('the Omnidesk key did travel in the query string and the Mirakl key as the raw header', async () => {
    const seen: Request[] = [];
    const recording = async (request: Request) => {
      seen.push(request.clone());
      return fetch(request);
    };
    const messaging = createOrderMessaging({
      connections: {
        desk: {
          adapter: omnidesk({ baseUrl: sb.vendors.omnidesk.baseUrl, apiKey: FAKE.omnidesk }),
          fetch: recording,
        },
        market: {
          adapter: mirakl({
            baseUrl: sb.vendors.mirakl.baseUrl,
            auth: { type: 'apiKey', apiKey: FAKE.mirakl },
          }),
          fetch: recording,
        },
      },
      retry: false,
    });
    await messaging.listAll('desk', { orderId: '1' }).catch(() => {});
    await messaging.listAll('market', { orderId: 'X' }).catch(() => {});
    expect(new URL(seen[0]!.url).searchParams.get('apiKey')).toBe(FAKE.omnidesk);
    expect(seen[0]!.url).toContain(`apiKey=${encodeURIComponent(FAKE.omnidesk)}`);
    expect(seen[1]!.headers.get('authorization')).toBe(FAKE.mirakl);
  });
});
