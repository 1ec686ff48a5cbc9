import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createOmnideskClient,
  OMNIDESK_BASE_URL,
  omnideskBaseUrl,
  operationTable,
  PACKAGE_VERSION,
  type OmnideskClientOptions,
  type OmnideskErrorEnvelope,
  type OmnideskResultEnvelope,
  type OmnideskTicketCreated,
  type OmnideskTicketEnvelope,
  type OmnideskTicketListResponse,
} from '../src/index.js';
import { ERROR_ENVELOPE, SEED_MESSAGE_CREATED, TICKET } from './fixtures.js';

const API_KEY = 'omni_key_9f8e7d6c5b4a';

function client(
  responder: Parameters<typeof recordingFetch>[0],
  extra: Partial<OmnideskClientOptions> = {},
) {
  const rec = recordingFetch(responder);
  const omnidesk = createOmnideskClient({
    apiKey: API_KEY,
    account: 'acme',
    fetch: rec.fetch,
    ...extra,
  });
  return { rec, omnidesk };
}

interface RawPart {
  headers: string[];
  body: string;
}

/** Splits a multipart body into its parts, keeping each part's header lines as sent. */
function rawParts(contentType: string, text: string): RawPart[] {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [head, ...rest] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
      return { headers: head!.split('\r\n'), body: rest.join('\r\n\r\n').replace(/\r\n$/, '') };
    });
}

describe('createMessage: POST /message', () => {
  it('sends every documented field as a multipart form field, apiKey in the query', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, SEED_MESSAGE_CREATED));
    const { data, error, response } = await omnidesk.POST('/message', {
      body: {
        ticketID: 12345,
        type: '1',
        message: '<p>Thank you, your order ships tomorrow.</p>',
        userID: 7,
        toAddress: 'a@example.com,b@example.com',
        ccInput: 'cc@example.com',
        bccInput: 'bcc@example.com',
        respondMessageID: 555,
        plaintext: 'Thank you, your order ships tomorrow.',
        forwardedFileIDs: [11, 12],
        sendAt: '2024-03-06 09:00:00',
        submitStatus: 'open',
      },
    });
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data).toEqual(SEED_MESSAGE_CREATED);
    expectTypeOf(data).toEqualTypeOf<OmnideskResultEnvelope | undefined>();

    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.url.href).toBe(`https://acme.omnidesk.com/api/v2/message?apiKey=${API_KEY}`);
    expect(req.headers.get('accept')).toBe('application/json');
    expect(req.headers.get('user-agent')).toMatch(
      new RegExp(`^@org/omnidesk-client/${PACKAGE_VERSION.replace(/\./g, '\\.')} node/v\\d+`),
    );
    expect(req.headers.get('authorization')).toBeNull();
    const contentType = req.headers.get('content-type')!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);

    const parts = rawParts(contentType, await req.text());
    expect(parts.map((p) => [p.headers, p.body])).toEqual([
      [['Content-Disposition: form-data; name="ticketID"'], '12345'],
      [['Content-Disposition: form-data; name="type"'], '1'],
      [
        ['Content-Disposition: form-data; name="message"'],
        '<p>Thank you, your order ships tomorrow.</p>',
      ],
      [['Content-Disposition: form-data; name="userID"'], '7'],
      [['Content-Disposition: form-data; name="toAddress"'], 'a@example.com,b@example.com'],
      [['Content-Disposition: form-data; name="ccInput"'], 'cc@example.com'],
      [['Content-Disposition: form-data; name="bccInput"'], 'bcc@example.com'],
      [['Content-Disposition: form-data; name="respondMessageID"'], '555'],
      [
        ['Content-Disposition: form-data; name="plaintext"'],
        'Thank you, your order ships tomorrow.',
      ],
      [['Content-Disposition: form-data; name="forwardedFileIDs[]"'], '11'],
      [['Content-Disposition: form-data; name="forwardedFileIDs[]"'], '12'],
      [['Content-Disposition: form-data; name="sendAt"'], '2024-03-06 09:00:00'],
      [['Content-Disposition: form-data; name="submitStatus"'], 'open'],
    ]);

    const form = await req.formData();
    expect(form.getAll('forwardedFileIDs[]')).toEqual(['11', '12']);
    expect(form.has('forwardedFileIDs')).toBe(false);
  });

  it('sends only the required fields when the rest is omitted, and keeps unicode text intact', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, SEED_MESSAGE_CREATED));
    const message = 'Grüße aus Köln — “quoted” & <b>bold</b>\r\nline 2 ✓';
    await omnidesk.POST('/message', { body: { ticketID: 7, type: 'calllog', message } });
    const form = await rec.last().formData();
    expect([...form.keys()]).toEqual(['ticketID', 'type', 'message']);
    expect(form.get('ticketID')).toBe('7');
    expect(form.get('type')).toBe('calllog');
    expect(form.get('message')).toBe(message);
  });

  it('does not touch the body of the caller', async () => {
    const { omnidesk } = client(() => jsonResponse(200, SEED_MESSAGE_CREATED));
    const body = {
      ticketID: 1,
      type: 'contactform',
      message: 'hello there',
      forwardedFileIDs: [3],
    };
    await omnidesk.POST('/message', { body });
    expect(body).toEqual({
      ticketID: 1,
      type: 'contactform',
      message: 'hello there',
      forwardedFileIDs: [3],
    });
  });

  it('honours every x-multipart-part-name of the spec', async () => {
    const spec = readFileSync(new URL('../../../specs/omnidesk.yaml', import.meta.url), 'utf8');
    const lines = spec.split('\n');
    const renamed: [string, string][] = [];
    lines.forEach((line, index) => {
      const wire = /^(\s*)x-multipart-part-name: (\S+)$/.exec(line);
      if (!wire) return;
      const ownerIndent = wire[1]!.length - 2;
      const owner = lines
        .slice(0, index)
        .reverse()
        .map((l) => /^(\s*)(\w+):$/.exec(l))
        .find((m) => m !== null && m[1]!.length === ownerIndent);
      renamed.push([owner![2]!, wire[2]!]);
    });
    expect(renamed).toEqual([['forwardedFileIDs', 'forwardedFileIDs[]']]);
    const { rec, omnidesk } = client(() => jsonResponse(200, SEED_MESSAGE_CREATED));
    await omnidesk.POST('/message', {
      body: { ticketID: 1, type: '1', message: 'hello', forwardedFileIDs: [9] },
    });
    const form = await rec.last().formData();
    for (const [, wireName] of renamed) expect(form.getAll(wireName!)).toEqual(['9']);
  });

  it('returns the error envelope of a 400, 401, 403 and 404 as `error`', async () => {
    for (const status of [400, 401, 403, 404]) {
      const body = {
        status: 'error',
        message: `failure ${status}`,
      } satisfies OmnideskErrorEnvelope;
      const { omnidesk } = client(() => jsonResponse(status, body));
      const { data, error, response } = await omnidesk.POST('/message', {
        body: { ticketID: 1, type: '1', message: 'hello' },
      });
      expect(response.status).toBe(status);
      expect(data).toBeUndefined();
      expect(error).toEqual(body);
      expectTypeOf(error).toEqualTypeOf<OmnideskErrorEnvelope | undefined>();
    }
  });

  it('copes with the empty 400 body the vendor page shows', async () => {
    const { omnidesk } = client(() => new Response('', { status: 400 }));
    const { data, error, response } = await omnidesk.POST('/message', {
      body: { ticketID: 1, type: '1', message: 'hello' },
    });
    expect(response.status).toBe(400);
    expect(data).toBeUndefined();
    expect(error === undefined || error === ('' as unknown)).toBe(true);
  });
});

describe('getTicket: GET /ticket/{ticketID}', () => {
  it('reads a ticket with its timeline', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, TICKET));
    const { data } = await omnidesk.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: 12345 }, query: { getTicketHistory: true } },
    });
    const req = rec.last();
    expect(req.method).toBe('GET');
    expect(req.url.origin + req.url.pathname).toBe('https://acme.omnidesk.com/api/v2/ticket/12345');
    expect([...req.url.searchParams]).toEqual([
      ['getTicketHistory', 'true'],
      ['apiKey', API_KEY],
    ]);
    expect(req.headers.get('content-type')).toBeNull();
    expect(await req.text()).toBe('');
    // openapi-fetch maps the open (index-signature) schemas: equal in shape, not in identity.
    expectTypeOf(data).toExtend<OmnideskTicketEnvelope | undefined>();
    expectTypeOf<OmnideskTicketEnvelope | undefined>().toExtend<typeof data>();
    expect(data).toEqual(TICKET);
    const timeline = data!.item.timeline!;
    expect(timeline.map((entry) => entry.type)).toEqual(['message', 'note', 'event']);
    expect(timeline[0]!.id).toBe('98765');
    expect(data!.item['sla_first_response_at']).toBe('2024-03-05 12:15:00');
  });

  it('percent-encodes path parameters (/ ? # % space and unicode)', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, TICKET));
    await omnidesk.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: 'a/b?c#d%e f✓' as unknown as number } },
    });
    const req = rec.last();
    expect(req.url.pathname).toBe('/api/v2/ticket/a%2Fb%3Fc%23d%25e%20f%E2%9C%93');
    expect(req.url.search).toBe(`?apiKey=${API_KEY}`);
  });

  it('returns the 404 error envelope', async () => {
    const notFound = ERROR_ENVELOPE;
    const { omnidesk } = client(() => jsonResponse(404, notFound));
    const { data, error } = await omnidesk.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: 1 } },
    });
    expect(data).toBeUndefined();
    expect(error).toEqual(notFound);
  });
});

describe('listTickets: GET /ticket', () => {
  it('serializes every query parameter and appends the apiKey', async () => {
    const page = { type: 'list', items: [{ id: 1 }], total: 1 };
    const { rec, omnidesk } = client(() => jsonResponse(200, page));
    const { data } = await omnidesk.GET('/ticket', {
      params: {
        query: {
          applyView: 'my-view_2',
          query: 'order #42 & Grüße',
          itemStart: 30,
          itemLimit: 9999,
          searchArchived: 'no',
          status: 'open',
        },
      },
    });
    const req = rec.last();
    expect(req.method).toBe('GET');
    expect(req.url.origin + req.url.pathname).toBe('https://acme.omnidesk.com/api/v2/ticket');
    // The apiKey is appended; the other parameters keep openapi-fetch's encoding.
    expect(req.url.search).toBe(
      '?applyView=my-view_2&query=order%20%2342%20%26%20Gr%C3%BC%C3%9Fe&itemStart=30&itemLimit=9999&searchArchived=no&status=open' +
        `&apiKey=${API_KEY}`,
    );
    expect(req.url.searchParams.get('query')).toBe('order #42 & Grüße');
    expectTypeOf(data).toExtend<OmnideskTicketListResponse | undefined>();
    expectTypeOf<OmnideskTicketListResponse | undefined>().toExtend<typeof data>();
    expect(data).toEqual(page);
  });

  it('sends no query besides the apiKey when none is given', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, {}));
    await omnidesk.GET('/ticket');
    expect(rec.last().url.href).toBe(`https://acme.omnidesk.com/api/v2/ticket?apiKey=${API_KEY}`);
  });
});

describe('createTicket: POST /ticket', () => {
  it('creates an empty ticket without a body and returns the id', async () => {
    const { rec, omnidesk } = client(() => jsonResponse(200, 4711));
    const { data } = await omnidesk.POST('/ticket');
    const req = rec.last();
    expect(req.method).toBe('POST');
    expect(req.url.href).toBe(`https://acme.omnidesk.com/api/v2/ticket?apiKey=${API_KEY}`);
    expect(await req.text()).toBe('');
    expectTypeOf(data).toEqualTypeOf<OmnideskTicketCreated | undefined>();
    expect(data).toBe(4711);
  });

  it('sends free-form fields as multipart and accepts an object response', async () => {
    const created = { type: 'result', message: 4712 };
    const { rec, omnidesk } = client(() => jsonResponse(200, created));
    const { data } = await omnidesk.POST('/ticket', {
      body: { subject: 'Order 42', brandID: 3, labels: [1, 2], notify: false },
    });
    const req = rec.last();
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await req.formData();
    expect([...form.entries()]).toEqual([
      ['subject', 'Order 42'],
      ['brandID', '3'],
      ['labels', '1'],
      ['labels', '2'],
      ['notify', '0'],
    ]);
    expect(data).toEqual(created);
  });
});

describe('createOmnideskClient options', () => {
  const fetchNever = async (): Promise<Response> => {
    throw new Error('no request expected');
  };

  it('builds the base URL from account and domain, and lets baseUrl win', async () => {
    expect(OMNIDESK_BASE_URL).toBe('https://{account}.omnidesk.com/api/v2');
    expect(omnideskBaseUrl('Acme-NL')).toBe('https://acme-nl.omnidesk.com/api/v2');
    expect(omnideskBaseUrl('acme', 'omnidesk.io')).toBe('https://acme.omnidesk.io/api/v2');

    const io = client(() => jsonResponse(200, {}), { domain: 'omnidesk.io' });
    await io.omnidesk.GET('/ticket');
    expect(io.rec.last().url.origin).toBe('https://acme.omnidesk.io');

    const sandbox = client(() => jsonResponse(200, {}), {
      baseUrl: 'http://127.0.0.1:4010/api/v2',
    });
    await sandbox.omnidesk.GET('/ticket');
    expect(sandbox.rec.last().url.href).toBe(
      `http://127.0.0.1:4010/api/v2/ticket?apiKey=${API_KEY}`,
    );
  });

  it('rejects a missing or malformed account, a missing apiKey and plain http', () => {
    expect(() => createOmnideskClient({ apiKey: API_KEY, fetch: fetchNever })).toThrow(
      ConfigurationError,
    );
    for (const account of [
      '',
      'acme.evil.example',
      'evil.example/x',
      'a b',
      '-acme',
      'acme@evil',
    ]) {
      expect(() => createOmnideskClient({ apiKey: API_KEY, account, fetch: fetchNever })).toThrow(
        ConfigurationError,
      );
    }
    expect(() =>
      createOmnideskClient({
        apiKey: API_KEY,
        account: 'acme',
        domain: 'evil.com' as 'omnidesk.io',
      }),
    ).toThrow(ConfigurationError);
    expect(() => createOmnideskClient({ apiKey: '', account: 'acme', fetch: fetchNever })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      createOmnideskClient({
        account: 'acme',
        fetch: fetchNever,
      } as unknown as OmnideskClientOptions),
    ).toThrow(ConfigurationError);
    expect(() =>
      createOmnideskClient({
        apiKey: API_KEY,
        baseUrl: 'http://acme.omnidesk.com/api/v2',
        fetch: fetchNever,
      }),
    ).toThrow(ConfigurationError);
    for (const baseUrl of ['https://acme.omnidesk.com', 'https://acme.omnidesk.io/api']) {
      expect(() => createOmnideskClient({ apiKey: API_KEY, baseUrl, fetch: fetchNever })).toThrow(
        /must end with \/api\/v2/,
      );
    }
    expect(() =>
      createOmnideskClient({
        apiKey: API_KEY,
        baseUrl: 'https://acme.omnidesk.com/api/v2/',
        fetch: fetchNever,
      }),
    ).not.toThrow();
  });

  it('encodes an apiKey with reserved characters and sends user headers and User-Agent suffix', async () => {
    const apiKey = 'k+y/=&?#%ü';
    const { rec, omnidesk } = client(() => jsonResponse(200, {}), {
      apiKey,
      headers: { 'X-Trace': 'abc' },
      userAgent: 'my-app/1.2',
    });
    await omnidesk.GET('/ticket', { params: { query: { apiKey: 'spoofed' } as never } });
    const req = rec.last();
    expect(req.url.searchParams.getAll('apiKey')).toEqual([apiKey]);
    expect(req.headers.get('x-trace')).toBe('abc');
    expect(req.headers.get('user-agent')).toMatch(/ my-app\/1\.2$/);
  });

  it('never exposes the apiKey in the client, its results or configuration errors', async () => {
    const { omnidesk } = client(() =>
      jsonResponse(401, { status: 'error', message: 'Invalid API key' }),
    );
    expect(inspect(omnidesk, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(omnidesk)).not.toContain(API_KEY);
    const { data, error } = await omnidesk.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: 1 } },
    });
    expect(JSON.stringify({ data, error })).not.toContain(API_KEY);
    expect(inspect({ data, error })).not.toContain(API_KEY);
    let thrown: unknown;
    try {
      createOmnideskClient({ apiKey: API_KEY, baseUrl: 'http://example.com/api/v2' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(inspect(thrown)).not.toContain(API_KEY);
  });
});

describe('package', () => {
  it('PACKAGE_VERSION equals package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });

  it('knows every operation of the spec', () => {
    expect(
      Object.values(operationTable).map((op) => [
        op.operationId,
        op.method,
        op.path,
        op.requestMediaTypes,
      ]),
    ).toEqual([
      ['createMessage', 'POST', '/message', ['multipart/form-data']],
      ['listTickets', 'GET', '/ticket', []],
      ['createTicket', 'POST', '/ticket', ['multipart/form-data']],
      ['getTicket', 'GET', '/ticket/{ticketID}', []],
    ]);
  });
});
