import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { jsonResponse, recordingFetch, type Responder } from '@org/http-runtime/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import YAML from 'yaml';
import {
  contentDispositionFileName,
  createMiraklClient,
  MIRAKL_LIMITS,
  miraklBaseUrl,
  PACKAGE_VERSION,
  type MiraklClientOptions,
  type MiraklCreateOrderThreadBody,
  type MiraklError,
  type MiraklLegacyMessageList,
  type MiraklMessageCreated,
  type MiraklOrderMessageCreate,
  type MiraklReplyToThreadBody,
  type MiraklThreadCreated,
  type MiraklThreadList,
  type MiraklThreadReplyCreated,
  type MiraklThreadWithMessages,
} from '../src/index.js';

/** Mutual assignability: openapi-fetch flattens intersections, so exact type identity is too strict. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const spec = YAML.parse(
  readFileSync(new URL('../../../specs/mirakl.yaml', import.meta.url), 'utf8'),
);
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// ---- The spec's examples, typed (`satisfies` is the assignability check). ----

const threadExample = {
  id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  topic: { type: 'FREE_TEXT', value: 'Delivery' },
  entities: [{ id: 'order1-A', label: 'order1-A', type: 'MMP_ORDER' }],
  authorized_participants: [
    { display_name: 'Operator', type: 'OPERATOR' },
    { display_name: 'My Shop', id: '2010', type: 'SHOP' },
    { display_name: 'Jane Doe', id: 'customer-42', type: 'CUSTOMER' },
  ],
  current_participants: [
    { display_name: 'My Shop', id: '2010', type: 'SHOP' },
    { display_name: 'Jane Doe', id: 'customer-42', type: 'CUSTOMER' },
  ],
  date_created: '2019-08-24T14:15:22Z',
  date_updated: '2019-08-24T14:15:22Z',
  messages: [
    {
      id: '9f2c1a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
      body: 'Where is my order?',
      date_created: '2019-08-24T14:15:22Z',
      from: {
        display_name: 'Jane Doe',
        type: 'CUSTOMER',
        organization_details: { display_name: 'Jane Doe', id: 'customer-42', type: 'CUSTOMER' },
      },
      to: [{ display_name: 'My Shop', id: '2010', type: 'SHOP' }],
      attachments: [
        { id: '5d7a1f0e-2c3b-4a5d-8e9f-0a1b2c3d4e5f', name: 'photo.jpg', size: 204800 },
      ],
    },
  ],
  metadata: {
    total_count: 1,
    last_message_date: '2019-08-24T14:15:22Z',
    last_sender: { display_name: 'Jane Doe', type: 'CUSTOMER' },
    shop_reply_needed_since: '2019-08-24T14:15:22Z',
  },
} satisfies MiraklThreadWithMessages;

const threadListExample = {
  data: [
    {
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      topic: { type: 'REASON_CODE', value: 'ORDER_DELAY' },
      entities: [{ id: 'order1-A', label: 'order1-A', type: 'MMP_ORDER' }],
      authorized_participants: [
        { display_name: 'Operator', type: 'OPERATOR' },
        { display_name: 'My Shop', id: '2010', type: 'SHOP' },
      ],
      current_participants: [{ display_name: 'My Shop', id: '2010', type: 'SHOP' }],
      date_created: '2019-08-24T14:15:22Z',
      date_updated: '2019-08-24T14:15:22Z',
      metadata: { total_count: 3, last_message_date: '2019-08-24T14:15:22Z' },
    },
  ],
  next_page_token: 'eyJvZmZzZXQiOjUwfQ',
} satisfies MiraklThreadList;

const legacyMessageListExample = {
  messages: [
    {
      id: 1234,
      body: 'Your order has shipped.',
      subject: 'Shipping',
      commercial_id: 'order1',
      date_created: '2019-08-24T14:15:22Z',
      from_id: 2010,
      from_name: 'My Shop',
      from_type: 'SHOP',
      to_operator: false,
      to_customer_id: 'customer-42',
      to_customer_name: 'Jane Doe',
      order_id: 'order1-A',
      documents: [
        {
          id: 2031,
          type: 'CUSTOMER_INVOICE',
          file_name: 'invoice.pdf',
          file_size: 10240,
          date_uploaded: '2019-08-24T14:15:22Z',
        },
      ],
    },
  ],
  total_count: 1,
} satisfies MiraklLegacyMessageList;

const threadReplyCreatedExample = {
  message_id: '9f2c1a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  thread_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
} satisfies MiraklThreadReplyCreated;

const threadCreatedExample = {
  message_id: '9f2c1a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  thread_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
} satisfies MiraklThreadCreated;

const messageCreatedExample = { id: 1234 } satisfies MiraklMessageCreated;

const errorExamples = {
  BadRequest: { message: 'entity_type is required when entity_id is specified', status: 400 },
  Unauthorized: { message: 'Unauthorized', status: 401 },
  Forbidden: { message: 'Forbidden', status: 403 },
  NotFound: { message: 'Thread not found', status: 404 },
  TooManyRequests: { message: 'Too Many Requests', status: 429 },
  ServerError: { message: 'Internal Server Error', status: 500 },
} satisfies Record<string, MiraklError>;

const replyRequestExample = {
  message_input: {
    body: 'Hello, the parcel left our warehouse this morning.',
    to: [{ type: 'OPERATOR' }, { id: '116', type: 'SHOP' }],
  },
} satisfies MiraklReplyToThreadBody;

const orderThreadRequestExample = {
  thread_input: {
    body: 'Where is my order?',
    to: ['SHOP', 'OPERATOR'],
    topic: { type: 'FREE_TEXT', value: 'Delivery' },
  },
} satisfies MiraklCreateOrderThreadBody;

const orderMessageFromShopExample = {
  body: 'Your order has shipped.',
  subject: 'Shipping',
  to_customer: true,
  to_operator: false,
  to_shop: false,
} satisfies MiraklOrderMessageCreate;

const orderMessageFromCustomerExample = {
  body: 'Can you confirm the delivery date?',
  subject: 'Delivery',
  to_customer: false,
  to_operator: false,
  to_shop: true,
  customer_id: 'customer-42',
  customer_email: 'jane.doe@example.com',
  customer_firstname: 'Jane',
  customer_lastname: 'Doe',
  customer_locale: 'en_US',
  document_ids: [2031],
} satisfies MiraklOrderMessageCreate;

// ---- Helpers ----

const API_KEY = 'mirakl-raw-key-0123456789';
const TOKEN = 'eyJhbGciOi.jwt-token.signature';

function client(responder?: Responder, extra: Partial<MiraklClientOptions> = {}) {
  const rec = recordingFetch(responder);
  const api = createMiraklClient({
    instance: 'acme-prod',
    auth: { type: 'apiKey', apiKey: API_KEY },
    fetch: rec.fetch,
    ...extra,
  });
  return { rec, api };
}

/** Splits a recorded multipart body into its parts, headers and content kept verbatim. */
function multipartParts(raw: string, contentType: string) {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const sections = raw.split(`--${boundary}`);
  expect(sections.at(-1)).toBe('--\r\n');
  return sections.slice(1, -1).map((section) => {
    const [head, ...rest] = section.replace(/^\r\n/, '').split('\r\n\r\n');
    const headers = Object.fromEntries(
      head!.split('\r\n').map((line) => {
        const i = line.indexOf(':');
        return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
      }),
    );
    return { headers, content: rest.join('\r\n\r\n').replace(/\r\n$/, '') };
  });
}

function resolveRef(ref: string): any {
  return ref
    .slice(2)
    .split('/')
    .reduce((node: any, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
}

// ---- Tests ----

describe('spec examples', () => {
  it('the typed fixtures are exactly the examples of specs/mirakl.yaml, and every example has one', () => {
    const fixtures: Record<string, unknown> = {
      'GET /api/inbox/threads/{thread_id} 200 thread': threadExample,
      'GET /api/inbox/threads 200 page': threadListExample,
      'GET /api/messages 200 page': legacyMessageListExample,
      'POST /api/inbox/threads/{thread_id}/message 201 created': threadReplyCreatedExample,
      'POST /api/orders/{order_id}/threads 201 created': threadCreatedExample,
      'POST /api/orders/{order_id}/messages 201 created': messageCreatedExample,
      'POST /api/inbox/threads/{thread_id}/message request toOperatorAndShop': replyRequestExample,
      'POST /api/orders/{order_id}/threads request toShopAndOperator': orderThreadRequestExample,
      'POST /api/orders/{order_id}/messages request fromShop': orderMessageFromShopExample,
      'POST /api/orders/{order_id}/messages request fromCustomer': orderMessageFromCustomerExample,
    };
    const found: Record<string, unknown> = {};
    const collect = (prefix: string, content: Record<string, any> | undefined) => {
      for (const media of Object.values(content ?? {})) {
        for (const [name, example] of Object.entries<any>(media.examples ?? {})) {
          found[`${prefix} ${name}`] = (example.$ref ? resolveRef(example.$ref) : example).value;
        }
      }
    };
    for (const [route, item] of Object.entries<any>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const prefix = `${method.toUpperCase()} ${route}`;
        collect(`${prefix} request`, op.requestBody?.content);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (!response.$ref) collect(`${prefix} ${status}`, response.content);
        }
      }
    }
    expect(found).toEqual(fixtures);

    const errors: Record<string, unknown> = {};
    for (const [name, response] of Object.entries<any>(spec.components.responses)) {
      const examples = Object.values<any>(response.content['application/json'].examples);
      expect(examples).toHaveLength(1);
      errors[name] = examples[0].value;
    }
    expect(errors).toEqual(errorExamples);
  });

  it('every spec response example parses through the client into the typed result', async () => {
    const { api } = client(() => jsonResponse(200, threadExample));
    const { data } = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: threadExample.id } },
    });
    expectTypeOf<Same<typeof data, MiraklThreadWithMessages | undefined>>().toEqualTypeOf<true>();
    expect(data).toEqual(threadExample);
    expect(data?.messages[0]?.attachments?.[0]?.size).toBe(204800);

    const list = await client(() => jsonResponse(200, threadListExample)).api.GET(
      '/api/inbox/threads',
    );
    expectTypeOf(list.data).toEqualTypeOf<MiraklThreadList | undefined>();
    expect(list.data).toEqual(threadListExample);

    const legacy = await client(() => jsonResponse(200, legacyMessageListExample)).api.GET(
      '/api/messages',
    );
    expectTypeOf(legacy.data).toEqualTypeOf<MiraklLegacyMessageList | undefined>();
    expect(legacy.data).toEqual(legacyMessageListExample);
  });

  it('x-limits of the spec match MIRAKL_LIMITS', () => {
    const op = (route: string, method: string) => spec.paths[route][method];
    expect(op('/api/inbox/threads/{thread_id}/message', 'post')['x-limits']).toEqual({
      maxMessagesPerThread: MIRAKL_LIMITS.maxMessagesPerThread,
      maxAttachmentsPerEntity: MIRAKL_LIMITS.maxAttachmentsPerEntity,
      maxMessageBytes: MIRAKL_LIMITS.maxMessageBytes,
    });
    expect(op('/api/inbox/threads/{thread_id}/message', 'post')['x-limits-inferred']).toEqual([
      'maxMessageBytes',
    ]);
    expect(op('/api/orders/{order_id}/threads', 'post')['x-limits']).toEqual({
      maxMessageBytes: 30 * 1024 * 1024,
    });
    expect(op('/api/orders/{order_id}/messages', 'post')['x-limits']).toEqual({
      maxMessagesPerThread: 1000,
    });
    expect(op('/api/inbox/threads', 'get')['x-limits']).toEqual({
      defaultPageSize: MIRAKL_LIMITS.defaultThreadPageSize,
      withMessagesMaxMessagesPerThread: MIRAKL_LIMITS.withMessagesMaxMessagesPerThread,
    });
  });
});

describe('createMiraklClient configuration', () => {
  it('PACKAGE_VERSION is the package.json version', () => {
    expect(PACKAGE_VERSION).toBe(packageJson.version);
  });

  it('builds the instance URL and sends requests to it', async () => {
    expect(miraklBaseUrl('acme-prod')).toBe('https://acme-prod.mirakl.net');
    const { rec, api } = client();
    await api.GET('/api/inbox/threads');
    expect(rec.last().url.href).toBe('https://acme-prod.mirakl.net/api/inbox/threads');
  });

  it('baseUrl wins over instance (custom domains, sandbox on loopback http)', async () => {
    const { rec, api } = client(undefined, { baseUrl: 'http://127.0.0.1:4010' });
    await api.GET('/api/inbox/threads');
    expect(rec.last().url.href).toBe('http://127.0.0.1:4010/api/inbox/threads');
  });

  it('rejects missing or unusable configuration with ConfigurationError', () => {
    const auth = { type: 'apiKey', apiKey: API_KEY } as const;
    expect(() => createMiraklClient({ auth })).toThrow(ConfigurationError);
    expect(() => createMiraklClient({ auth, baseUrl: 'http://acme.mirakl.net' })).toThrow(
      ConfigurationError,
    );
    expect(() => createMiraklClient({ auth, baseUrl: 'https://acme.mirakl.net/api' })).toThrow(
      /must not end with \/api/,
    );
    expect(() => createMiraklClient({ auth, instance: 'evil.com/x?' })).toThrow(ConfigurationError);
    expect(() => createMiraklClient({ auth, instance: 'a@b' })).toThrow(ConfigurationError);
    expect(() => createMiraklClient({ auth, instance: 'acme', shopId: 0 })).toThrow(
      ConfigurationError,
    );
  });

  it('rejects a missing credential with ConfigurationError', () => {
    expect(() =>
      createMiraklClient({ instance: 'acme', auth: { type: 'apiKey', apiKey: '' } }),
    ).toThrow(ConfigurationError);
    expect(() =>
      createMiraklClient({ instance: 'acme', auth: { type: 'bearer', token: ' ' } }),
    ).toThrow(ConfigurationError);
    expect(() =>
      createMiraklClient({ instance: 'acme' } as unknown as MiraklClientOptions),
    ).toThrow(ConfigurationError);
    expect(() =>
      createMiraklClient({
        instance: 'acme',
        auth: { type: 'basic' },
      } as unknown as MiraklClientOptions),
    ).toThrow(ConfigurationError);
  });
});

describe('headers', () => {
  it('apiKey: the raw key in Authorization, no Bearer prefix; Accept and User-Agent', async () => {
    const { rec, api } = client(undefined, {
      userAgent: 'my-app/1.2',
      headers: { 'X-Trace': 't-1' },
    });
    await api.GET('/api/inbox/threads');
    const req = rec.last();
    expect(req.method).toBe('GET');
    expect(req.headers.get('authorization')).toBe(API_KEY);
    expect(req.headers.get('accept')).toBe('application/json');
    expect(req.headers.get('user-agent')).toBe(
      `@org/mirakl-client/${packageJson.version} node/${process.version} my-app/1.2`,
    );
    expect(req.headers.get('x-trace')).toBe('t-1');
  });

  it('bearer: Authorization: Bearer <token>', async () => {
    const { rec, api } = client(undefined, { auth: { type: 'bearer', token: TOKEN } });
    await api.GET('/api/inbox/threads');
    expect(rec.last().headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('credentials do not appear in inspect/JSON output of the client or of what it returns', async () => {
    for (const auth of [
      { type: 'apiKey', apiKey: API_KEY },
      { type: 'bearer', token: TOKEN },
    ] as const) {
      const { api } = client(() => jsonResponse(401, errorExamples.Unauthorized), { auth });
      const secret = auth.type === 'apiKey' ? auth.apiKey : auth.token;
      const result = await api.GET('/api/inbox/threads');
      expect(inspect(api, { depth: 10, showHidden: true })).not.toContain(secret);
      expect(JSON.stringify(api)).not.toContain(secret);
      expect(inspect(result, { depth: 10 })).not.toContain(secret);
      expect(JSON.stringify({ data: result.data, error: result.error })).not.toContain(secret);
    }
  });
});

describe('M10 getThread', () => {
  it('encodes the thread id (/ ? # % and unicode) and sends shop_id / customer_id', async () => {
    const { rec, api } = client(() => jsonResponse(200, threadExample));
    await api.GET('/api/inbox/threads/{thread_id}', {
      params: {
        path: { thread_id: 'a/b?c#d%e é✓' },
        query: { shop_id: 2010, customer_id: 'cust 1&x' },
      },
    });
    const req = rec.last();
    expect(req.url.pathname).toBe('/api/inbox/threads/a%2Fb%3Fc%23d%25e%20%C3%A9%E2%9C%93');
    expect(req.url.search).toBe('?shop_id=2010&customer_id=cust%201%26x');
    expect(req.url.hash).toBe('');
  });

  it('returns the Error body on 404', async () => {
    const { api } = client(() => jsonResponse(404, errorExamples.NotFound));
    const { data, error, response } = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: 'missing' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expectTypeOf<Same<typeof error, MiraklError | undefined>>().toEqualTypeOf<true>();
    expect(error).toEqual({ message: 'Thread not found', status: 404 });
  });
});

describe('M11 listThreads', () => {
  it('sends entity_id and channel_codes comma-joined in one parameter (style form, explode false)', async () => {
    const { rec, api } = client(() => jsonResponse(200, threadListExample));
    await api.GET('/api/inbox/threads', {
      params: {
        query: {
          entity_type: 'MMP_ORDER',
          entity_id: ['order1-A', 'order20-A', 'with,comma é'],
          updated_since: '2019-08-24T14:15:22Z',
          with_messages: true,
          channel_codes: ['WEB', 'MOBILE'],
          limit: 20,
          sort: 'dateUpdated,DESC',
        },
      },
    });
    expect(rec.last().url.search).toBe(
      '?entity_type=MMP_ORDER&entity_id=order1-A,order20-A,with%2Ccomma%20%C3%A9' +
        '&updated_since=2019-08-24T14%3A15%3A22Z&with_messages=true&channel_codes=WEB,MOBILE' +
        '&limit=20&sort=dateUpdated%2CDESC',
    );
    expect(rec.last().url.searchParams.get('entity_id')).toBe('order1-A,order20-A,with,comma é');
  });

  it('leaves a single-value array and the other parameters untouched', async () => {
    const { rec, api } = client(() => jsonResponse(200, threadListExample));
    await api.GET('/api/inbox/threads', {
      params: { query: { entity_type: 'MMP_ORDER', entity_id: ['my-order-1'], shop_id: 7 } },
    });
    expect(rec.last().url.search).toBe('?entity_type=MMP_ORDER&entity_id=my-order-1&shop_id=7');
  });

  it('follows next_page_token with page_token until it is absent', async () => {
    const pages: Record<string, MiraklThreadList> = {
      first: { data: [{ ...threadListExample.data[0]!, id: 't1' }], next_page_token: 'tok 2+/=' },
      'tok 2+/=': {
        data: [{ ...threadListExample.data[0]!, id: 't2' }],
        previous_page_token: 'first',
      },
    };
    const { rec, api } = client((request) => {
      const token = new URL(request.url).searchParams.get('page_token') ?? 'first';
      return jsonResponse(200, pages[token]);
    });
    const ids: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const { data } = await api.GET('/api/inbox/threads', {
        params: {
          query: pageToken
            ? { page_token: pageToken }
            : { entity_type: 'MMP_ORDER', entity_id: ['o1'] },
        },
      });
      ids.push(...(data?.data ?? []).map((thread) => thread.id));
      pageToken = data?.next_page_token;
      if (!pageToken) break;
    }
    expect(ids).toEqual(['t1', 't2']);
    expect(rec.requests.map((r) => r.url.search)).toEqual([
      '?entity_type=MMP_ORDER&entity_id=o1',
      '?page_token=tok%202%2B%2F%3D',
    ]);
  });

  it('400 when entity_id is sent without entity_type comes back as a typed error', async () => {
    const { api } = client(() => jsonResponse(400, errorExamples.BadRequest));
    const { error } = await api.GET('/api/inbox/threads', {
      params: { query: { entity_id: ['o1'] } },
    });
    expect(error?.message).toBe('entity_type is required when entity_id is specified');
  });

  it('429 comes back as a typed error with its Retry-After header', async () => {
    const { api } = client(() =>
      jsonResponse(429, errorExamples.TooManyRequests, { 'Retry-After': '30' }),
    );
    const { error, response } = await api.GET('/api/inbox/threads');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(error).toEqual({ message: 'Too Many Requests', status: 429 });
  });
});

describe('shopId option', () => {
  it('adds shop_id to every request that does not set it', async () => {
    const { rec, api } = client(() => jsonResponse(201, messageCreatedExample), { shopId: 2010 });
    await api.GET('/api/inbox/threads', {
      params: { query: { entity_id: ['a', 'b'], entity_type: 'MMP_ORDER' } },
    });
    expect(rec.last().url.search).toBe('?entity_id=a,b&entity_type=MMP_ORDER&shop_id=2010');
    await api.GET('/api/inbox/threads', { params: { query: { shop_id: 3 } } });
    expect(rec.last().url.search).toBe('?shop_id=3');
    await api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: 'o-1' } },
      body: orderMessageFromShopExample,
    });
    expect(rec.last().url.search).toBe('?shop_id=2010');
    expect(await rec.last().json()).toEqual(orderMessageFromShopExample);
  });
});

describe('M12 replyToThread (multipart)', () => {
  it('sends message_input as a JSON part without filename and one files part per file', async () => {
    const { rec, api } = client(() => jsonResponse(201, threadReplyCreatedExample));
    const files = [
      new File(['%PDF-1.4 fake'], 'facture n°1.pdf', { type: 'application/pdf' }),
      new File([new Uint8Array([0, 1, 2, 255])], 'raw.bin'),
    ];
    const { data } = await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: {
        path: { thread_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
        query: { shop_id: 2010 },
      },
      body: {
        ...replyRequestExample,
        message_input: {
          ...replyRequestExample.message_input,
          topic: { type: 'REASON_CODE', value: 'ORDER_DELAY' },
        },
        files,
      },
    });
    expectTypeOf(data).toEqualTypeOf<MiraklThreadReplyCreated | undefined>();
    expect(data).toEqual(threadReplyCreatedExample);

    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.url.href).toBe(
      'https://acme-prod.mirakl.net/api/inbox/threads/3fa85f64-5717-4562-b3fc-2c963f66afa6/message?shop_id=2010',
    );
    const contentType = req.headers.get('content-type')!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.headers.get('authorization')).toBe(API_KEY);

    const parts = multipartParts(await req.text(), contentType);
    expect(parts.map((p) => p.headers)).toEqual([
      {
        'content-disposition': 'form-data; name="message_input"',
        'content-type': 'application/json',
      },
      {
        'content-disposition': 'form-data; name="files"; filename="facture n°1.pdf"',
        'content-type': 'application/pdf',
      },
      {
        'content-disposition': 'form-data; name="files"; filename="raw.bin"',
        'content-type': 'application/octet-stream',
      },
    ]);
    expect(JSON.parse(parts[0]!.content)).toEqual({
      body: 'Hello, the parcel left our warehouse this morning.',
      to: [{ type: 'OPERATOR' }, { id: '116', type: 'SHOP' }],
      topic: { type: 'REASON_CODE', value: 'ORDER_DELAY' },
    });

    const form = await req.formData();
    expect(form.get('message_input')).toBeTypeOf('string');
    const sent = form.getAll('files') as File[];
    expect(sent.map((f) => f.name)).toEqual(['facture n°1.pdf', 'raw.bin']);
    expect(new Uint8Array(await sent[1]!.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(await sent[0]!.text()).toBe('%PDF-1.4 fake');
  });

  it('without files sends only the message_input part', async () => {
    const { rec, api } = client(() => jsonResponse(201, threadReplyCreatedExample));
    await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't/1' } },
      body: replyRequestExample,
    });
    const req = rec.last();
    expect(req.url.pathname).toBe('/api/inbox/threads/t%2F1/message');
    const parts = multipartParts(await req.text(), req.headers.get('content-type')!);
    expect(parts).toHaveLength(1);
    expect(JSON.parse(parts[0]!.content)).toEqual(replyRequestExample.message_input);
  });
});

describe('OR43 createOrderThread (multipart)', () => {
  it('sends thread_input as a JSON part and the files parts', async () => {
    const { rec, api } = client(() => jsonResponse(201, threadCreatedExample), {
      auth: { type: 'bearer', token: TOKEN },
    });
    const { data } = await api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: 'order1-A' } },
      body: {
        ...orderThreadRequestExample,
        files: [new File(['hello'], 'note.txt', { type: 'text/plain' })],
      },
    });
    expectTypeOf(data).toEqualTypeOf<MiraklThreadCreated | undefined>();
    expect(data).toEqual(threadCreatedExample);

    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.url.href).toBe('https://acme-prod.mirakl.net/api/orders/order1-A/threads');
    expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    const parts = multipartParts(await req.text(), req.headers.get('content-type')!);
    expect(parts).toEqual([
      {
        headers: {
          'content-disposition': 'form-data; name="thread_input"',
          'content-type': 'application/json',
        },
        content: JSON.stringify(orderThreadRequestExample.thread_input),
      },
      {
        headers: {
          'content-disposition': 'form-data; name="files"; filename="note.txt"',
          'content-type': 'text/plain',
        },
        content: 'hello',
      },
    ]);
  });
});

describe('OR42 postOrderMessage (JSON)', () => {
  it('sends the JSON body exactly and returns {id}', async () => {
    const { rec, api } = client(() => jsonResponse(201, messageCreatedExample));
    const { data } = await api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: 'order #1/é' } },
      body: orderMessageFromCustomerExample,
    });
    expectTypeOf(data).toEqualTypeOf<MiraklMessageCreated | undefined>();
    expect(data).toEqual({ id: 1234 });
    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.url.pathname).toBe('/api/orders/order%20%231%2F%C3%A9/messages');
    expect(req.headers.get('content-type')).toBe('application/json');
    expect(await req.text()).toBe(JSON.stringify(orderMessageFromCustomerExample));
  });
});

describe('M13 downloadAttachment', () => {
  it('downloads the bytes as a Blob and exposes the Content-Disposition file name', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const { rec, api } = client(
      () =>
        new Response(bytes, {
          status: 200,
          headers: {
            'Content-Type': 'image/png',
            'Content-Disposition': `attachment; filename="photo.png"; filename*=UTF-8''photo%20%C3%A9t%C3%A9.png`,
          },
        }),
    );
    const { data, response } = await api.GET('/api/inbox/threads/{attachment_id}/download', {
      params: { path: { attachment_id: '5d7a1f0e/2c3b' }, query: { shop_id: 2010 } },
      parseAs: 'blob',
    });
    const req = rec.last();
    expect(req.method).toBe('GET');
    expect(req.url.href).toBe(
      'https://acme-prod.mirakl.net/api/inbox/threads/5d7a1f0e%2F2c3b/download?shop_id=2010',
    );
    expect(data).toBeInstanceOf(Blob);
    expect(new Uint8Array(await data!.arrayBuffer())).toEqual(bytes);
    expect(data!.type).toBe('image/png');
    expect(contentDispositionFileName(response.headers.get('content-disposition'))).toBe(
      'photo été.png',
    );
  });

  it('parses the Content-Disposition file name forms', () => {
    expect(contentDispositionFileName('attachment; filename="invoice.pdf"')).toBe('invoice.pdf');
    expect(contentDispositionFileName('attachment; filename=invoice.pdf')).toBe('invoice.pdf');
    expect(contentDispositionFileName('attachment; filename="a \\"b\\".txt"')).toBe('a "b".txt');
    expect(contentDispositionFileName("attachment; filename*=utf-8''%E2%9C%93.txt")).toBe('✓.txt');
    expect(
      contentDispositionFileName('attachment; filename*=UTF-8\'\'%E0%A4%A; filename="x.txt"'),
    ).toBe('x.txt');
    expect(contentDispositionFileName('inline')).toBeUndefined();
    expect(contentDispositionFileName(null)).toBeUndefined();
  });
});

describe('M01 listMessages (offset pagination)', () => {
  it('sends the offset pagination, sort and filter parameters', async () => {
    const { rec, api } = client(() => jsonResponse(200, legacyMessageListExample));
    const { data } = await api.GET('/api/messages', {
      params: {
        query: {
          order_id: 'order1-A',
          offer_id: 42,
          received: 'ALL',
          visible: 'TRUE',
          start_date: '2024-01-31T10:00:00+00:00',
          max: 100,
          offset: 200,
          paginate: false,
          sort: 'dateCreated',
          order: 'asc',
        },
      },
    });
    expect(rec.last().url.search).toBe(
      '?order_id=order1-A&offer_id=42&received=ALL&visible=TRUE' +
        '&start_date=2024-01-31T10%3A00%3A00%2B00%3A00&max=100&offset=200&paginate=false&sort=dateCreated&order=asc',
    );
    expect(data?.total_count).toBe(1);
  });
});
