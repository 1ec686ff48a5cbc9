import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertSafeBaseUrl } from '../src/base-url.js';
import {
  bearer,
  PathParameterError,
  ConfigurationError,
  createVendorClient,
  redactUrl,
  redactHeaders,
  scrubValue,
  type OperationTable,
} from '../src/index.js';
import { encodeMultipart } from '../src/multipart.js';
import { jsonResponse, recordingFetch } from '../src/testing.js';

const operations = {
  'POST /threads/{id}/message': {
    operationId: 'reply',
    method: 'POST',
    path: '/threads/{id}/message',
    requestMediaTypes: ['multipart/form-data'],
    jsonParts: ['message_input'],
  },
  'POST /messages/{id}': {
    operationId: 'create',
    method: 'POST',
    path: '/messages/{id}',
    requestMediaTypes: ['application/json', 'multipart/form-data'],
    jsonParts: [],
  },
} as const satisfies OperationTable;

type TestPaths = {
  '/threads/{id}/message': {
    post: {
      parameters: { path: { id: string } };
      requestBody: {
        content: { 'multipart/form-data': { message_input: { body: string }; files?: Blob[] } };
      };
      responses: { 201: { content: { 'application/json': { ok: boolean } } } };
    };
  };
  '/messages/{id}': {
    post: {
      parameters: { path: { id: string } };
      requestBody: {
        content: {
          'application/json': { message: string; staff_only?: boolean; attachments?: Blob[] };
        };
      };
      responses: { 201: { content: { 'application/json': { ok: boolean } } } };
    };
  };
};

const definition = {
  vendor: 'test',
  packageName: '@org/test-client',
  packageVersion: '1.2.3',
  operations,
};

function makeClient(fetch: (r: Request) => Promise<Response>) {
  return createVendorClient<TestPaths>(
    definition,
    { baseUrl: 'https://api.example.test/v1', fetch },
    [
      { in: 'header', name: 'Authorization', value: 'Bearer s3cr3t-token', secret: 's3cr3t-token' },
      { in: 'query', name: 'apiKey', value: 'q-secret-key' },
    ],
  );
}

describe('encodeMultipart', () => {
  it('writes JSON parts without filename, one part per file, booleans as 1/0', async () => {
    const { body, contentType } = encodeMultipart(
      {
        message_input: { body: 'hi', to: [{ type: 'SHOP' }] },
        files: [
          new File(['a'], 'a "x".txt', { type: 'text/plain' }),
          new Blob([new Uint8Array([1, 2])]),
        ],
        staff_only: true,
        skipped: undefined,
      },
      { jsonParts: ['message_input'] },
      'BOUNDARY',
    );
    expect(contentType).toBe('multipart/form-data; boundary=BOUNDARY');
    expect(body).toBeInstanceOf(Blob);
    const text = await (body as Blob).text();
    expect(text).toContain(
      'Content-Disposition: form-data; name="message_input"\r\nContent-Type: application/json\r\n\r\n{"body":"hi","to":[{"type":"SHOP"}]}\r\n',
    );
    expect(text).toContain(
      'name="files"; filename="a %22x%22.txt"\r\nContent-Type: text/plain\r\n\r\na\r\n',
    );
    expect(text).toContain(
      'name="files"; filename="files"\r\nContent-Type: application/octet-stream',
    );
    expect(text).toContain('name="staff_only"\r\n\r\n1\r\n');
    expect(text).not.toContain('skipped');
    const form = await new Response(body, { headers: { 'Content-Type': contentType } }).formData();
    expect(form.getAll('files')).toHaveLength(2);
    expect(JSON.parse(String(form.get('message_input')))).toEqual({
      body: 'hi',
      to: [{ type: 'SHOP' }],
    });
  });
});

describe('encodeMultipart without files', () => {
  it('returns the text itself, which fetch sends without copying a Blob', async () => {
    const { body } = encodeMultipart({ ticketID: 5, message: 'hello' }, { jsonParts: [] }, 'B');
    expect(body).toBe(
      '--B\r\nContent-Disposition: form-data; name="ticketID"\r\n\r\n5\r\n' +
        '--B\r\nContent-Disposition: form-data; name="message"\r\n\r\nhello\r\n--B--\r\n',
    );
  });
});

describe('createVendorClient', () => {
  it('sends auth, User-Agent and Accept, and encodes multipart-only operations as multipart', async () => {
    const rec = recordingFetch(() => jsonResponse(201, { ok: true }));
    const client = makeClient(rec.fetch);
    const { data } = await client.POST('/threads/{id}/message', {
      params: { path: { id: 'a/b?c#d%e é' } },
      body: {
        message_input: { body: 'hello' },
        files: [new File(['x'], 'x.pdf', { type: 'application/pdf' })],
      },
    });
    expect(data).toEqual({ ok: true });
    const req = rec.last();
    expect(req.url.pathname).toBe('/v1/threads/a%2Fb%3Fc%23d%25e%20%C3%A9/message');
    expect(req.url.searchParams.get('apiKey')).toBe('q-secret-key');
    expect(req.url.search).toBe('?apiKey=q-secret-key');
    expect(req.headers.get('authorization')).toBe('Bearer s3cr3t-token');
    expect(req.headers.get('accept')).toBe('application/json');
    expect(req.headers.get('user-agent')).toMatch(/^@org\/test-client\/1\.2\.3 node\/v\d+/);
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await req.formData();
    expect((form.get('files') as File).name).toBe('x.pdf');
  });

  it('adds query credentials without re-encoding the other parameters', async () => {
    const rec = recordingFetch(() => jsonResponse(200, {}));
    const client = makeClient(rec.fetch);
    await client.POST('/messages/{id}', {
      params: { path: { id: '1' }, query: { q: 'a b,c', apiKey: 'caller-supplied' } as never },
      body: { message: 'x' },
    });
    expect(rec.last().url.search).toBe('?q=a%20b%2Cc&apiKey=q-secret-key');
  });

  it('keeps JSON for operations that accept both, until a file is attached', async () => {
    const rec = recordingFetch(() => jsonResponse(201, { ok: true }));
    const client = makeClient(rec.fetch);
    await client.POST('/messages/{id}', {
      params: { path: { id: '1' } },
      body: { message: 'hi', staff_only: true },
    });
    expect(rec.last().headers.get('content-type')).toBe('application/json');
    expect(await rec.last().json()).toEqual({ message: 'hi', staff_only: true });
    await client.POST('/messages/{id}', {
      params: { path: { id: '1' } },
      body: { message: 'hi', attachments: [new File(['x'], 'x.txt')] },
    });
    expect(rec.last().headers.get('content-type')).toMatch(/^multipart\/form-data/);
  });

  it('refuses path values that would leave the route, before any request', async () => {
    const rec = recordingFetch(() => jsonResponse(201, { ok: true }));
    const client = makeClient(rec.fetch);
    for (const id of ['..', '.', '', '  ']) {
      await expect(
        client.POST('/messages/{id}', { params: { path: { id } }, body: { message: 'x' } }),
      ).rejects.toBeInstanceOf(PathParameterError);
    }
    await expect(
      client.POST('/messages/{id}', {
        params: { path: {} as { id: string } },
        body: { message: 'x' },
      }),
    ).rejects.toThrow('path parameter "id" is required');
    expect(rec.requests).toHaveLength(0);
    await client.POST('/messages/{id}', {
      params: { path: { id: '../x' } },
      body: { message: 'x' },
    });
    expect(rec.last().url.pathname).toBe('/v1/messages/..%2Fx');
  });

  it('rejects a bearer credential built from undefined', () => {
    expect(() =>
      createVendorClient(definition, { baseUrl: 'https://x.test' }, [
        bearer(undefined as unknown as string),
      ]),
    ).toThrow(ConfigurationError);
  });

  it('rejects unsafe base URLs and missing credentials', () => {
    expect(() => assertSafeBaseUrl('http://api.example.test')).toThrow(ConfigurationError);
    expect(() => assertSafeBaseUrl('https://user:pw@api.example.test')).toThrow(ConfigurationError);
    expect(assertSafeBaseUrl('http://127.0.0.1:8080').port).toBe('8080');
    expect(assertSafeBaseUrl('http://[::1]:8080').hostname).toBe('[::1]');
    expect(assertSafeBaseUrl('http://10.0.0.1', true).protocol).toBe('http:');
    // Only `true` opts in: the string "false" from an environment variable is not consent.
    for (const notTrue of ['false', 'true', 1, {}]) {
      expect(() => assertSafeBaseUrl('http://10.0.0.1', notTrue as never)).toThrow(
        ConfigurationError,
      );
    }
    // Another scheme may be the user part of a misplaced `user:secret@host`: it is not quoted.
    expect(() => assertSafeBaseUrl('skLEAKCANARY:x@acme.example')).toThrow(
      /^baseUrl must use https; plain http/,
    );
    expect(() =>
      createVendorClient(definition, { baseUrl: 'https://x.test' }, [
        { in: 'header', name: 'Authorization', value: ' ' },
      ]),
    ).toThrow(/Authorization is missing or not a string/);
  });

  it('keeps secrets out of inspect and JSON', () => {
    const client = makeClient(async () => jsonResponse(200, {}));
    expect(inspect(client, { depth: 10 })).not.toContain('s3cr3t');
    expect(JSON.stringify(client)).not.toContain('s3cr3t');
  });
});

describe('redaction', () => {
  it('masks credentials in URLs, headers and nested values', () => {
    expect(redactUrl('https://a.test/x?apiKey=abc&page=2')).toBe(
      'https://a.test/x?apiKey=%5BREDACTED%5D&page=2',
    );
    expect(redactHeaders({ Authorization: 'Bearer x', 'X-Api-Version': '1' })).toEqual({
      Authorization: '[REDACTED]',
      'X-Api-Version': '1',
    });
    const polluted = JSON.parse(
      '{"__proto__": {"polluted": true}, "message": "bad token tok_12345"}',
    );
    const clean = scrubValue(polluted, ['tok_12345']);
    expect(clean).toEqual({ message: 'bad token [REDACTED]' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
