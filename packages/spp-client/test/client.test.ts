import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  createSppClient,
  operationTable,
  PACKAGE_VERSION,
  SPP_DEFAULT_API_VERSION,
  sppBaseUrl,
} from '../src/index.js';
import {
  messageCollectionExample,
  messageResourceExample,
  notFoundExample,
  unauthenticatedExample,
  validationErrorExample,
} from './fixtures.js';

const TOKEN = 'spp_test_token_6f1c2a';
const BASE = 'https://example.spp.co';

const spec = YAML.parse(
  readFileSync(new URL('../../../specs/spp.yaml', import.meta.url), 'utf8'),
) as {
  components: {
    examples: Record<string, { value: unknown }>;
    responses: Record<string, { content: Record<string, { example?: unknown }> }>;
  };
};

function clientWith(responder: Parameters<typeof recordingFetch>[0], extra: object = {}) {
  const rec = recordingFetch(responder);
  const client = createSppClient({
    token: TOKEN,
    workspaceUrl: 'example.spp.co',
    fetch: rec.fetch,
    ...extra,
  });
  return { rec, client };
}

/** Each part of a raw multipart body: its header lines and its content. */
function multipartParts(raw: string, contentType: string) {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const sections = raw.split(`--${boundary}`);
  expect(sections.at(-1)).toBe('--\r\n');
  return sections.slice(1, -1).map((section) => {
    const [head, ...body] = section.replace(/^\r\n/, '').split('\r\n\r\n');
    return { headers: head!.split('\r\n'), body: body.join('\r\n\r\n').replace(/\r\n$/, '') };
  });
}

describe('package', () => {
  it('PACKAGE_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });

  it('the operation table lists the four operations of the spec', () => {
    expect(Object.values(operationTable).map((op) => [op.operationId, op.method, op.path])).toEqual(
      [
        ['listOrderMessages', 'GET', '/api/order_messages/{order}'],
        ['createOrderMessage', 'POST', '/api/order_messages/{order}'],
        ['deleteOrderMessage', 'DELETE', '/api/order_messages/{message}'],
        ['listOrders', 'GET', '/api/orders'],
      ],
    );
    expect(operationTable['GET /api/orders'].inferredLimits).toEqual(['defaultLimit', 'maxLimit']);
    expect(operationTable['POST /api/order_messages/{order}'].requestMediaTypes).toEqual([
      'application/json',
      'multipart/form-data',
    ]);
  });

  it('the typed fixtures are exactly the examples of specs/spp.yaml', () => {
    expect(messageResourceExample).toEqual(spec.components.examples['MessageResource']!.value);
    expect(messageCollectionExample).toEqual(spec.components.examples['MessageCollection']!.value);
    expect(validationErrorExample).toEqual(spec.components.examples['ValidationError']!.value);
    expect(unauthenticatedExample).toEqual(
      spec.components.responses['Unauthenticated']!.content['application/json']!.example,
    );
    expect(notFoundExample).toEqual(
      spec.components.responses['NotFound']!.content['application/json']!.example,
    );
  });
});

describe('configuration', () => {
  const fetch = async () => jsonResponse(200, {});

  it('builds https://<workspaceUrl>', () => {
    expect(sppBaseUrl('example.spp.co')).toBe('https://example.spp.co');
    expect(sppBaseUrl(' support.example.org:8443 ')).toBe('https://support.example.org:8443');
  });

  it.each([
    ['https://example.spp.co'],
    ['example.spp.co/api'],
    ['user@example.spp.co'],
    ['example.spp.co?x=1'],
    [''],
  ])('rejects workspaceUrl %j', (workspaceUrl) => {
    expect(() => createSppClient({ token: TOKEN, workspaceUrl, fetch })).toThrow(
      ConfigurationError,
    );
  });

  it('requires workspaceUrl or baseUrl', () => {
    expect(() => createSppClient({ token: TOKEN, fetch })).toThrow(/workspaceUrl .* or baseUrl/);
  });

  it('requires a token', () => {
    expect(() => createSppClient({ token: '', workspaceUrl: 'example.spp.co', fetch })).toThrow(
      ConfigurationError,
    );
    expect(() => createSppClient({ token: '  ', workspaceUrl: 'example.spp.co', fetch })).toThrow(
      ConfigurationError,
    );
  });

  it('rejects a plain-http base URL that is not loopback', () => {
    expect(() =>
      createSppClient({ token: TOKEN, baseUrl: 'http://example.spp.co', fetch }),
    ).toThrow(ConfigurationError);
    expect(() =>
      createSppClient({ token: TOKEN, baseUrl: 'http://127.0.0.1:8080', fetch }),
    ).not.toThrow();
  });

  it('rejects a base URL that already ends with /api', () => {
    expect(() =>
      createSppClient({ token: TOKEN, baseUrl: 'https://example.spp.co/api', fetch }),
    ).toThrow(/must not end with \/api/);
    expect(() =>
      createSppClient({ token: TOKEN, baseUrl: 'https://example.spp.co/api/', fetch }),
    ).toThrow(ConfigurationError);
  });

  it('rejects an empty apiVersion', () => {
    expect(() =>
      createSppClient({ token: TOKEN, workspaceUrl: 'example.spp.co', apiVersion: '', fetch }),
    ).toThrow(ConfigurationError);
  });

  it('never puts the token in configuration errors', () => {
    try {
      createSppClient({ token: TOKEN, baseUrl: 'http://example.spp.co', fetch });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
      expect(inspect(error)).not.toContain(TOKEN);
    }
  });
});

describe('listOrderMessages', () => {
  it('sends GET with page and limit and parses the example page', async () => {
    const { rec, client } = clientWith(() =>
      jsonResponse(200, messageCollectionExample, {
        'X-Api-Identifier': 'efc995d2-bfdb-3bc9-80a3-e828bb9c83c2',
      }),
    );
    const { data, error, response } = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' }, query: { page: 2, limit: 50 } },
    });

    const req = rec.last();
    expect(req.method).toBe('GET');
    expect(req.request.url).toBe(`${BASE}/api/order_messages/E4A269FC?page=2&limit=50`);
    expect(req.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('Accept')).toBe('application/json');
    expect(req.headers.get('X-Api-Version')).toBe('2024-03-05');
    expect(req.headers.get('User-Agent')).toMatch(/^@org\/spp-client\/0\.1\.0 node\/v\d+/);
    expect(req.headers.get('Content-Type')).toBeNull();
    expect(await req.text()).toBe('');

    expect(error).toBeUndefined();
    expect(data).toEqual(messageCollectionExample);
    expect(data?.data[0]?.ticket).toBeNull();
    expect(data?.links.prev).toBeNull();
    expect(response.headers.get('X-Api-Identifier')).toBe('efc995d2-bfdb-3bc9-80a3-e828bb9c83c2');
  });

  it('sends no query string when page and limit are left out', async () => {
    const { rec, client } = clientWith(() => jsonResponse(200, messageCollectionExample));
    await client.GET('/api/order_messages/{order}', { params: { path: { order: '123' } } });
    expect(rec.last().request.url).toBe(`${BASE}/api/order_messages/123`);
  });

  it('percent-encodes / ? # % and unicode in the order path parameter', async () => {
    const { rec, client } = clientWith(() => jsonResponse(200, messageCollectionExample));
    await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'A/B?C#D%E ü€' }, query: { limit: 5 } },
    });
    expect(rec.last().request.url).toBe(
      `${BASE}/api/order_messages/A%2FB%3FC%23D%25E%20%C3%BC%E2%82%AC?limit=5`,
    );
    expect(rec.last().url.pathname).toBe('/api/order_messages/A%2FB%3FC%23D%25E%20%C3%BC%E2%82%AC');
  });

  it.each([[''], ['..'], ['.']])('refuses the order %j before sending anything', async (order) => {
    const { rec, client } = clientWith(() => jsonResponse(200, messageCollectionExample));
    await expect(
      client.GET('/api/order_messages/{order}', { params: { path: { order } } }),
    ).rejects.toThrow(/path parameter "order"/);
    expect(rec.requests).toHaveLength(0);
  });

  it('returns the 401 body as error', async () => {
    const { client } = clientWith(() => jsonResponse(401, unauthenticatedExample));
    const { data, error, response } = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toEqual({ message: 'Unauthenticated.' });
  });

  it('returns the 404 body as error', async () => {
    const { client } = clientWith(() => jsonResponse(404, notFoundExample));
    const { error, response } = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'NOPE' } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual(notFoundExample);
  });
});

describe('listOrders', () => {
  it('sends sort and the filters[field][$op] parameters the way SPP (Laravel/PHP) reads them', async () => {
    const example = spec.components.examples['OrderCollection']!.value;
    const { rec, client } = clientWith(() => jsonResponse(200, example));
    const { data } = await client.GET('/api/orders', {
      params: {
        query: {
          sort: 'last_message_at:desc',
          'filters[last_message_at][$gt]': '2024-01-15T09:00:00+00:00',
          'filters[status][$in][]': ['Working', 'Pending'],
          'filters[id][$lt]': 2000,
          limit: 100,
        },
      },
    });
    const url = new URL(rec.last().request.url);
    expect(url.pathname).toBe('/api/orders');
    // PHP keeps every value of a name ending in [] and only the last of any other repeated name.
    expect([...url.searchParams]).toEqual([
      ['sort', 'last_message_at:desc'],
      ['filters[last_message_at][$gt]', '2024-01-15T09:00:00+00:00'],
      ['filters[status][$in][]', 'Working'],
      ['filters[status][$in][]', 'Pending'],
      ['filters[id][$lt]', '2000'],
      ['limit', '100'],
    ]);
    expect(data).toEqual(example);
  });
});

describe('X-Api-Version', () => {
  const send = async (extra: object, header?: Record<string, string>) => {
    const { rec, client } = clientWith(() => jsonResponse(200, messageCollectionExample), extra);
    await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' }, ...(header ? { header } : {}) },
    });
    return rec.last().headers.get('X-Api-Version');
  };

  it('defaults to SPP_DEFAULT_API_VERSION', async () => {
    expect(SPP_DEFAULT_API_VERSION).toBe('2024-03-05');
    expect(await send({})).toBe('2024-03-05');
  });

  it('uses the apiVersion option', async () => {
    expect(await send({ apiVersion: '2025-01-01' })).toBe('2025-01-01');
  });

  it('is left out with apiVersion: null', async () => {
    expect(await send({ apiVersion: null })).toBeNull();
  });

  it('lets a user header win, whatever its case, without duplicating the value', async () => {
    expect(await send({ headers: { 'x-api-version': '2023-12-14' } })).toBe('2023-12-14');
    expect(
      await send({ apiVersion: '2025-01-01', headers: { 'X-API-VERSION': '2023-12-14' } }),
    ).toBe('2023-12-14');
  });

  it('lets a per-request header parameter win', async () => {
    expect(await send({}, { 'X-Api-Version': '2022-02-02' })).toBe('2022-02-02');
  });
});

describe('createOrderMessage', () => {
  it('sends the JSON body exactly and parses the 201 example', async () => {
    const { rec, client } = clientWith(() =>
      jsonResponse(201, messageResourceExample, {
        'X-Api-Identifier': 'efc995d2-bfdb-3bc9-80a3-e828bb9c83c2',
        'X-Api-Version': '20231214',
      }),
    );
    const { data, error, response } = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: { message: 'Hello world!', user_id: 1, staff_only: false },
    });

    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.request.url).toBe(`${BASE}/api/order_messages/E4A269FC`);
    expect(req.headers.get('Content-Type')).toBe('application/json');
    expect(req.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('X-Api-Version')).toBe('2024-03-05');
    expect(await req.text()).toBe('{"message":"Hello world!","user_id":1,"staff_only":false}');

    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
    expect(data).toEqual(messageResourceExample);
    expect(data?.ticket?.client.role.name).toBe('Administrator');
    expect(response.headers.get('X-Api-Version')).toBe('20231214');
  });

  it('sends multipart with one attachments[] part per file and booleans as 1/0', async () => {
    const { rec, client } = clientWith(() => jsonResponse(201, messageResourceExample));
    const notes = new File(['first file'], 'notes.txt', { type: 'text/plain' });
    const photo = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'photo ü.png', {
      type: 'image/png',
    });
    const { data } = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: { message: 'See attached', user_id: 7, staff_only: true, attachments: [notes, photo] },
    });
    expect(data).toEqual(messageResourceExample);

    const req = rec.last();
    const contentType = req.headers.get('Content-Type') ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=\S+$/);

    const form = await req.formData();
    expect([...form.keys()]).toEqual([
      'message',
      'user_id',
      'staff_only',
      'attachments[]',
      'attachments[]',
    ]);
    expect(form.get('message')).toBe('See attached');
    expect(form.get('user_id')).toBe('7');
    expect(form.get('staff_only')).toBe('1');
    expect(form.has('attachments')).toBe(false);
    const files = form.getAll('attachments[]') as File[];
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['notes.txt', 'text/plain'],
      ['photo ü.png', 'image/png'],
    ]);
    expect(await files[0]!.text()).toBe('first file');
    expect([...new Uint8Array(await files[1]!.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const parts = multipartParts(await req.text(), contentType);
    expect(parts.map((p) => p.headers)).toEqual([
      ['Content-Disposition: form-data; name="message"'],
      ['Content-Disposition: form-data; name="user_id"'],
      ['Content-Disposition: form-data; name="staff_only"'],
      [
        'Content-Disposition: form-data; name="attachments[]"; filename="notes.txt"',
        'Content-Type: text/plain',
      ],
      [
        'Content-Disposition: form-data; name="attachments[]"; filename="photo ü.png"',
        'Content-Type: image/png',
      ],
    ]);
    expect(parts.slice(0, 4).map((p) => p.body)).toEqual(['See attached', '7', '1', 'first file']);
  });

  it('leaves attachments that are not files under their own name, in JSON, for the server to reject', async () => {
    const { rec, client } = clientWith(() => jsonResponse(400, validationErrorExample));
    const untypedBody = { message: 'x', attachments: ['https://example.org/a.pdf'] } as never;
    await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: untypedBody,
    });
    expect(rec.last().headers.get('Content-Type')).toBe('application/json');
    expect(await rec.last().json()).toEqual({
      message: 'x',
      attachments: ['https://example.org/a.pdf'],
    });
  });

  it('sends staff_only false as 0 in multipart', async () => {
    const { rec, client } = clientWith(() => jsonResponse(201, messageResourceExample));
    await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: {
        message: 'x',
        staff_only: false,
        attachments: [new Blob(['a'], { type: 'text/plain' })],
      },
    });
    const form = await rec.last().formData();
    expect(form.get('staff_only')).toBe('0');
    expect(form.getAll('attachments[]')).toHaveLength(1);
  });

  it.each([
    [400, validationErrorExample],
    [422, validationErrorExample],
    [404, notFoundExample],
  ])('returns the %i body as error', async (status, body) => {
    const { client } = clientWith(() => jsonResponse(status, body));
    const { data, error, response } = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: { message: 'Hello world!' },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(status);
    expect(error).toEqual(body);
  });
});

describe('deleteOrderMessage', () => {
  it('sends DELETE to the message id and handles 204', async () => {
    const { rec, client } = clientWith(() => new Response(null, { status: 204 }));
    const { data, error, response } = await client.DELETE('/api/order_messages/{message}', {
      params: { path: { message: 123 } },
    });
    const req = rec.last();
    expect(req.method).toBe('DELETE');
    expect(req.request.url).toBe(`${BASE}/api/order_messages/123`);
    expect(req.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('X-Api-Version')).toBe('2024-03-05');
    expect(await req.text()).toBe('');
    expect(response.status).toBe(204);
    expect(error).toBeUndefined();
    expect(data).toBeUndefined();
  });

  it('returns the 404 body as error', async () => {
    const { client } = clientWith(() => jsonResponse(404, notFoundExample));
    const { error, response } = await client.DELETE('/api/order_messages/{message}', {
      params: { path: { message: 999 } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual(notFoundExample);
  });
});

describe('secrets', () => {
  it('keeps the token out of inspect and JSON output', async () => {
    const { client } = clientWith(() => jsonResponse(401, unauthenticatedExample));
    const result = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
    });
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(inspect(result, { depth: 10 })).not.toContain(TOKEN);
  });
});
