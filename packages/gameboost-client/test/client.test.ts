import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import YAML from 'yaml';
import {
  createGameBoostClient,
  GAMEBOOST_BASE_URL,
  GAMEBOOST_LIMITS,
  operationTable,
  PACKAGE_VERSION,
  type GameBoostAccountOrderResponse,
  type GameBoostCurrencyOrderResponse,
  type GameBoostError,
  type GameBoostItemOrderResponse,
  type GameBoostMessage,
  type GameBoostMessageListResponse,
  type GameBoostSendMessageResponse,
  type GameBoostValidationError,
} from '../src/index.js';

const TOKEN = 'tok_test_0123456789abcdef';
const specText = readFileSync(new URL('../../../specs/gameboost.yaml', import.meta.url), 'utf8');
const spec = YAML.parse(specText) as any;
const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

function setup(responder: Parameters<typeof recordingFetch>[0] = () => jsonResponse(200, {})) {
  const rec = recordingFetch(responder);
  const client = createGameBoostClient({ token: TOKEN, fetch: rec.fetch });
  return { rec, client };
}

// ---- Examples, typed (the spec holds the same values; a test below checks they stay in sync) ----

const sentMessage = {
  data: {
    id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    type: 'user_message',
    text: 'Hi! I have completed the currency delivery. Please check your account and confirm receipt.',
    attachment: null,
    sender: { id: 1001, username: 's***r', is_admin: null },
    sent_at: 1731000900,
  },
} satisfies GameBoostSendMessageResponse;

const messageList = {
  data: [
    sentMessage.data,
    {
      id: '1c6e2a1e-7d44-4f0e-a5a9-3d6f2d0b8e11',
      type: 'system_message',
      text: 'The order has been marked as delivered.',
      attachment: null,
      sender: { id: 1, username: 'G***t', is_admin: true },
      sent_at: 1731001000,
    },
  ],
  message: null,
} satisfies GameBoostMessageListResponse;

const accountOrder = {
  data: {
    id: 123456,
    account_offer_id: 98765,
    game: { id: 1, name: 'Valorant', slug: 'valorant' },
    buyer: { id: 4242, username: 'b***r' },
    rating: null,
    title: 'Immortal 3 account with 40 skins',
    description: 'Full access, email changeable.',
    parameters: {},
    status: 'in_delivery',
    is_disputed: false,
    dispute_case_id: null,
    delivery_time: {
      duration: 20,
      unit: 'minutes',
      format: '20m',
      format_long: '20 minutes',
      seconds: 1200,
    },
    is_manual_delivery: true,
    credentials: null,
    delivery_instructions: null,
    price: '49.99',
    price_usd: '54.10',
    image_urls: ['https://cdn.gameboost.com/example.png'],
    created_at: 1731000000,
    updated_at: 1731000300,
    purchased_at: 1731000000,
    completed_at: null,
    refunded_at: null,
  },
} satisfies GameBoostAccountOrderResponse;

const itemOrder = {
  data: {
    id: 555001,
    game: { id: 7, name: 'Grow a Garden', slug: 'grow-a-garden' },
    buyer: { id: 4242, username: 'b***r' },
    status: 'pending',
    is_disputed: false,
    dispute_case_id: null,
    quantity: 3,
    price_eur: '7.50',
    price_usd: '8.10',
    unit_price_eur: '2.50',
    unit_price_usd: '2.70',
    created_at: 1731000000,
    updated_at: 1731000000,
  },
} satisfies GameBoostItemOrderResponse;

const currencyOrder = {
  data: {
    id: 777001,
    game: { id: 3, name: 'World of Warcraft', slug: 'world-of-warcraft' },
    buyer: { id: 4242, username: 'b***r' },
    status: 'pending',
    is_disputed: false,
    dispute_case_id: null,
    quantity: 100000,
    currency_unit: 'Gold',
    price_eur: '12.00',
    price_usd: '13.00',
    unit_price_eur: '0.00012',
    unit_price_usd: '0.00013',
    credentials: { uid: 'Buyerchar-Server' },
    completion_proof_url: null,
    created_at: 1731000000,
    updated_at: 1731000000,
  },
} satisfies GameBoostCurrencyOrderResponse;

// The seed's (004) error bodies, plus request_id.
const REQUEST_ID = '01JCX3T9ZQ8M5V6N7P8R9S0T1U';
const unauthenticated = {
  message: 'Unauthenticated.',
  request_id: REQUEST_ID,
} satisfies GameBoostError;
const forbidden = {
  message: 'This action is unauthorized.',
  request_id: REQUEST_ID,
} satisfies GameBoostError;
const notFound = {
  message: 'Resource not found.',
  request_id: REQUEST_ID,
} satisfies GameBoostError;
const rateLimited = {
  message: 'Too many requests.',
  request_id: REQUEST_ID,
} satisfies GameBoostError;
const validationSeed = {
  message: 'The given data was invalid.',
  errors: { field: ['Something is wrong with this field!'] },
  request_id: REQUEST_ID,
} satisfies GameBoostValidationError;
const validationDocs = {
  message: 'The given data was invalid.',
  errors: { message: 'The message field is required.' },
  request_id: REQUEST_ID,
} satisfies GameBoostValidationError;

const rateLimitHeaders = {
  'X-RateLimit-Limit': '5',
  'X-RateLimit-Remaining': '4',
  'X-Ratelimit-Reset': '1731000960',
  'X-GameBoost-Request-Id': REQUEST_ID,
};

const KINDS = [
  {
    kind: 'account',
    path: '/v2/account-orders/{accountOrder}',
    param: 'accountOrder',
    segment: 'account-orders',
  },
  { kind: 'item', path: '/v2/item-orders/{itemOrder}', param: 'itemOrder', segment: 'item-orders' },
  {
    kind: 'currency',
    path: '/v2/currency-orders/{currencyOrder}',
    param: 'currencyOrder',
    segment: 'currency-orders',
  },
] as const;

describe('package', () => {
  it('PACKAGE_VERSION equals package.json version', () => {
    expect(PACKAGE_VERSION).toBe(packageJson.version);
  });

  it('defaults to the production host', () => {
    expect(GAMEBOOST_BASE_URL).toBe('https://api.gameboost.com');
    expect(spec.servers[0].url).toBe(GAMEBOOST_BASE_URL);
  });

  it('operationTable lists the twelve operations with their operationIds', () => {
    expect(
      Object.fromEntries(
        Object.entries(operationTable).map(([key, info]) => [key, info.operationId]),
      ),
    ).toEqual({
      'GET /v2/account-orders': 'listAccountOrders',
      'GET /v2/item-orders': 'listItemOrders',
      'GET /v2/currency-orders': 'listCurrencyOrders',
      'GET /v2/account-orders/{accountOrder}': 'getAccountOrder',
      'GET /v2/account-orders/{accountOrder}/messages': 'listAccountOrderMessages',
      'POST /v2/account-orders/{accountOrder}/messages': 'sendAccountOrderMessage',
      'GET /v2/item-orders/{itemOrder}': 'getItemOrder',
      'GET /v2/item-orders/{itemOrder}/messages': 'listItemOrderMessages',
      'POST /v2/item-orders/{itemOrder}/messages': 'sendItemOrderMessage',
      'GET /v2/currency-orders/{currencyOrder}': 'getCurrencyOrder',
      'GET /v2/currency-orders/{currencyOrder}/messages': 'listCurrencyOrderMessages',
      'POST /v2/currency-orders/{currencyOrder}/messages': 'sendCurrencyOrderMessage',
    });
  });
});

describe('configuration', () => {
  it('rejects a plain-http non-loopback base URL', () => {
    expect(() =>
      createGameBoostClient({ token: TOKEN, baseUrl: 'http://api.gameboost.com' }),
    ).toThrow(ConfigurationError);
  });

  it('accepts a loopback http base URL (sandbox)', async () => {
    const rec = recordingFetch(() => jsonResponse(200, messageList));
    const client = createGameBoostClient({
      token: TOKEN,
      baseUrl: 'http://127.0.0.1:4010',
      fetch: rec.fetch,
    });
    await client.GET('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: '1' } },
    });
    expect(rec.last().url.toString()).toBe('http://127.0.0.1:4010/v2/item-orders/1/messages');
  });

  it('rejects a missing or empty token', () => {
    expect(() => createGameBoostClient({ token: '' })).toThrow(ConfigurationError);
    expect(() => createGameBoostClient({ token: '   ' })).toThrow(ConfigurationError);
    // @ts-expect-error token is required
    expect(() => createGameBoostClient({})).toThrow(ConfigurationError);
  });
});

describe('send a message', () => {
  for (const { kind, path, param, segment } of KINDS) {
    it(`POSTs {message} to the ${kind} order with bearer auth, JSON headers and User-Agent`, async () => {
      const { rec, client } = setup(() => jsonResponse(200, sentMessage, rateLimitHeaders));
      const messagesPath = `${path}/messages` as const;
      const { data, error, response } = await client.POST(messagesPath, {
        params: { path: { [param]: '42' } as never },
        body: { message: 'Hi! Delivery done.' },
      });
      const req = rec.last();
      expect(req.method).toBe('POST');
      expect(req.url.toString()).toBe(`https://api.gameboost.com/v2/${segment}/42/messages`);
      expect(req.url.search).toBe('');
      expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      expect(req.headers.get('accept')).toBe('application/json');
      expect(req.headers.get('content-type')).toBe('application/json');
      expect(req.headers.get('user-agent')).toMatch(/^@org\/gameboost-client\/0\.1\.0 node\/v\d+/);
      expect(await req.text()).toBe('{"message":"Hi! Delivery done."}');
      expect(error).toBeUndefined();
      expect(data).toEqual(sentMessage);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('4');
      expect(response.headers.get('x-gameboost-request-id')).toBe(REQUEST_ID);
    });
  }

  it('sends a 10000-character message and unicode text unchanged', async () => {
    const { rec, client } = setup(() => jsonResponse(200, sentMessage));
    const long = 'é'.repeat(9991) + '🎮 Привет';
    expect(long.length).toBe(10000);
    await client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
      body: { message: long },
    });
    expect(await rec.last().json()).toEqual({ message: long });
    expect(spec.components.schemas.SendMessageRequest.properties.message.maxLength).toBe(10000);
  });

  it('adds the user agent suffix and extra headers', async () => {
    const rec = recordingFetch(() => jsonResponse(200, sentMessage));
    const client = createGameBoostClient({
      token: TOKEN,
      fetch: rec.fetch,
      userAgent: 'my-app/1.2',
      headers: { 'X-Trace': 'abc' },
    });
    await client.POST('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: '7' } },
      body: { message: 'x' },
    });
    expect(rec.last().headers.get('user-agent')).toMatch(/ my-app\/1\.2$/);
    expect(rec.last().headers.get('x-trace')).toBe('abc');
  });
});

describe('list messages and get orders', () => {
  for (const { kind, path, param, segment } of KINDS) {
    it(`GETs the ${kind} order's messages (no pagination, no body)`, async () => {
      const { rec, client } = setup(() => jsonResponse(200, messageList, rateLimitHeaders));
      const { data } = await client.GET(`${path}/messages` as const, {
        params: { path: { [param]: '42' } as never },
      });
      const req = rec.last();
      expect(req.method).toBe('GET');
      expect(req.url.toString()).toBe(`https://api.gameboost.com/v2/${segment}/42/messages`);
      expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      expect(req.headers.get('content-type')).toBeNull();
      expect(await req.text()).toBe('');
      expect(data).toEqual(messageList);
    });

    it(`GETs one ${kind} order`, async () => {
      const example = { account: accountOrder, item: itemOrder, currency: currencyOrder }[kind];
      const { rec, client } = setup(() => jsonResponse(200, example));
      const { data } = await client.GET(path, { params: { path: { [param]: '42' } as never } });
      expect(rec.last().method).toBe('GET');
      expect(rec.last().url.toString()).toBe(`https://api.gameboost.com/v2/${segment}/42`);
      expect(data).toEqual(example);
    });
  }

  for (const { kind, segment } of KINDS) {
    it(`GETs a page of ${kind} orders with per_page, sort and filter[...]`, async () => {
      const page = {
        data: [{ id: 1, status: 'in_delivery', updated_at: 1731000300 }],
        meta: { current_page: 2, from: 51, last_page: 2, per_page: 50, to: 51, total: 51 },
        links: { first: 'f', last: 'l', prev: 'p', next: null },
      };
      const { rec, client } = setup(() => jsonResponse(200, page, rateLimitHeaders));
      const { data } = await client.GET(`/v2/${segment}`, {
        params: {
          query: { page: 2, per_page: 50, sort: '-updated_at', 'filter[status]': 'in_delivery' },
        },
      });
      const url = new URL(rec.last().url);
      expect(url.pathname).toBe(`/v2/${segment}`);
      expect([...url.searchParams]).toEqual([
        ['page', '2'],
        ['per_page', '50'],
        ['sort', '-updated_at'],
        ['filter[status]', 'in_delivery'],
      ]);
      expect(data).toEqual(page);
    });
  }

  it('typed access to the order status and messages', async () => {
    const { client } = setup(() => jsonResponse(200, accountOrder));
    const { data } = await client.GET('/v2/account-orders/{accountOrder}', {
      params: { path: { accountOrder: '123456' } },
    });
    expect(data?.data?.status).toBe('in_delivery');
    const list = await setup(() => jsonResponse(200, messageList)).client.GET(
      '/v2/currency-orders/{currencyOrder}/messages',
      { params: { path: { currencyOrder: '777001' } } },
    );
    const messages: GameBoostMessage[] = list.data?.data ?? [];
    expect(messages.map((m) => m.type)).toEqual(['user_message', 'system_message']);
  });
});

describe('path parameter encoding', () => {
  const cases: Array<[string, string]> = [
    ['a/b', 'a%2Fb'],
    ['a?b', 'a%3Fb'],
    ['a#b', 'a%23b'],
    ['100%', '100%25'],
    ['a b', 'a%20b'],
    ['заказ-ü', '%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7-%C3%BC'],
    ['🎮', '%F0%9F%8E%AE'],
  ];
  for (const [raw, encoded] of cases) {
    it(`encodes ${JSON.stringify(raw)} as one path segment`, async () => {
      const { rec, client } = setup(() => jsonResponse(200, sentMessage));
      await client.POST('/v2/account-orders/{accountOrder}/messages', {
        params: { path: { accountOrder: raw } },
        body: { message: 'x' },
      });
      const url = rec.last().url;
      expect(url.pathname).toBe(`/v2/account-orders/${encoded}/messages`);
      expect(url.search).toBe('');
      expect(url.hash).toBe('');
      expect(decodeURIComponent(url.pathname.split('/')[3]!)).toBe(raw);
    });
  }
});

describe('errors', () => {
  const cases: Array<[number, unknown]> = [
    [401, unauthenticated],
    [403, forbidden],
    [404, notFound],
    [422, validationSeed],
    [422, validationDocs],
    [429, rateLimited],
  ];
  for (const [status, body] of cases) {
    it(`returns the ${status} body as error`, async () => {
      const { client } = setup(() =>
        jsonResponse(
          status,
          body,
          status === 429 ? { ...rateLimitHeaders, 'Retry-After': '30' } : rateLimitHeaders,
        ),
      );
      const { data, error, response } = await client.POST(
        '/v2/account-orders/{accountOrder}/messages',
        {
          params: { path: { accountOrder: '1' } },
          body: { message: 'x' },
        },
      );
      expect(data).toBeUndefined();
      expect(error).toEqual(body);
      expect(response.status).toBe(status);
      if (status === 429) expect(response.headers.get('retry-after')).toBe('30');
      if (error) {
        expectTypeOf(error).toEqualTypeOf<GameBoostError | GameBoostValidationError>();
        expect(error.request_id).toBe(REQUEST_ID);
      }
    });
  }

  it('parses unknown fields and new enum values', async () => {
    const future = {
      data: {
        ...sentMessage.data,
        type: 'offer_message',
        attachment: { url: 'https://x/y.png', size: 3 },
        extra: 1,
      },
      request_id: REQUEST_ID,
    };
    const { client } = setup(() => jsonResponse(200, future));
    const { data } = await client.POST('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: '1' } },
      body: { message: 'x' },
    });
    expect(data).toEqual(future);
    expect(data?.data?.attachment?.['url']).toBe('https://x/y.png');
  });
});

describe('secrets', () => {
  it('the token does not appear in util.inspect(client) nor in anything the client returns', async () => {
    const { client } = setup(() => jsonResponse(401, unauthenticated));
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    const result = await client.GET('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
    });
    expect(JSON.stringify(result.error)).not.toContain(TOKEN);
    expect(JSON.stringify(result.data ?? null)).not.toContain(TOKEN);
    expect(JSON.stringify([...result.response.headers])).not.toContain(TOKEN);
    expect(inspect(result.response)).not.toContain(TOKEN);
  });
});

describe('the spec examples', () => {
  /** Every response example in the spec, with the literal the tests use for it. */
  const responses = spec.components.responses;
  const paths = spec.paths;
  const expected: Array<[string, unknown, unknown]> = [
    ['MessageSent', responses.MessageSent.content['application/json'].example, sentMessage],
    ['MessageList', responses.MessageList.content['application/json'].example, messageList],
    [
      'getAccountOrder',
      paths['/v2/account-orders/{accountOrder}'].get.responses['200'].content['application/json']
        .example,
      accountOrder,
    ],
    [
      'getItemOrder',
      paths['/v2/item-orders/{itemOrder}'].get.responses['200'].content['application/json'].example,
      itemOrder,
    ],
    [
      'getCurrencyOrder',
      paths['/v2/currency-orders/{currencyOrder}'].get.responses['200'].content['application/json']
        .example,
      currencyOrder,
    ],
    [
      'ErrorUnauthenticated',
      responses.ErrorUnauthenticated.content['application/json'].example,
      unauthenticated,
    ],
    ['ErrorForbidden', responses.ErrorForbidden.content['application/json'].example, forbidden],
    ['ErrorNotFound', responses.ErrorNotFound.content['application/json'].example, notFound],
    [
      'ErrorRateLimited',
      responses.ErrorRateLimited.content['application/json'].example,
      rateLimited,
    ],
    [
      'ErrorValidation seed',
      responses.ErrorValidation.content['application/json'].examples.seed.value,
      validationSeed,
    ],
    [
      'ErrorValidation docs',
      responses.ErrorValidation.content['application/json'].examples.docs.value,
      validationDocs,
    ],
  ];
  for (const [name, fromSpec, literal] of expected) {
    it(`${name}: the typed literal equals the spec example`, () => {
      expect(fromSpec).toEqual(literal);
    });
  }

  it("keeps the seed's request example and error messages", () => {
    expect(spec.components.requestBodies.SendMessage.content['application/json'].example).toEqual({
      message:
        'Hi! I have completed the currency delivery. Please check your account and confirm receipt.',
    });
  });

  it('declares the rate-limit headers and the chat limit on every message operation', () => {
    for (const [key, info] of Object.entries(operationTable)) {
      const op = spec.paths[info.path][info.method.toLowerCase()];
      const buckets = (
        op['x-rate-limit'] as Array<{ bucket: string; limit: number; periodSeconds: number }>
      ).map((b) => `${b.bucket}:${b.limit}/${b.periodSeconds}`);
      if (info.path.endsWith('/messages')) expect(buckets, key).toContain('chat:5/60');
      expect(buckets, key).toContain(info.method === 'GET' ? 'reads:1000/60' : 'writes:500/60');
    }
    expect(Object.keys(spec.components.headers)).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-Ratelimit-Reset',
      'X-GameBoost-Request-Id',
      'Retry-After',
    ]);
    expect(Object.keys(responses.ErrorRateLimited.headers)).toContain('Retry-After');
  });

  it('GAMEBOOST_LIMITS matches the spec', () => {
    const send = spec.paths['/v2/account-orders/{accountOrder}/messages'].post;
    const list = spec.paths['/v2/account-orders/{accountOrder}/messages'].get;
    const bucket = (op: any, name: string) =>
      (op['x-rate-limit'] as Array<{ bucket: string; limit: number; periodSeconds: number }>).find(
        (b) => b.bucket === name,
      );
    expect(GAMEBOOST_LIMITS.maxMessageLength).toBe(
      spec.components.schemas.SendMessageRequest.properties.message.maxLength,
    );
    expect(bucket(send, 'chat')).toMatchObject({
      limit: GAMEBOOST_LIMITS.chatPerMinute,
      periodSeconds: 60,
    });
    expect(bucket(list, 'reads')).toMatchObject({
      limit: GAMEBOOST_LIMITS.readsPerMinute,
      periodSeconds: 60,
    });
    expect(bucket(send, 'writes')).toMatchObject({
      limit: GAMEBOOST_LIMITS.writesPerMinute,
      periodSeconds: 60,
    });
    expect(bucket(send, 'writesSameResource')).toMatchObject({
      limit: GAMEBOOST_LIMITS.writesPerResourcePerMinute,
      periodSeconds: 60,
    });
    expect(bucket(send, 'writesSameResourceHourly')).toMatchObject({
      limit: GAMEBOOST_LIMITS.writesPerResourcePerHour,
      periodSeconds: 3600,
    });
  });

  it('declares the seven webhook events', () => {
    expect(Object.keys(spec.webhooks)).toEqual([
      'account.order.purchased',
      'item.order.purchased',
      'currency.order.purchased',
      'gift_card.order.purchased',
      'order.report.issued',
      'order.dispute.created',
      'order.dispute.updated',
    ]);
    expect(spec.webhooks['order.report.issued'].post.deprecated).toBe(true);
  });
});
