/**
 * The spec machinery on its own: mount points from server URLs, the response check
 * that keeps the sandbox honest (it must be able to fail), and the OpenAPI
 * deserialization of form bodies before Ajv sees them.
 */
import { describe, expect, it } from 'vitest';
import { parseForm } from '../src/multipart.js';
import {
  compileSpec,
  defaultSpecsDir,
  deserializeScalar,
  formToBody,
  loadSpec,
  responseProblems,
} from '../src/spec/index.js';

const specsDir = defaultSpecsDir();
const gameboost = loadSpec('gameboost', specsDir);
const spp = loadSpec('spp', specsDir);
const mirakl = loadSpec('mirakl', specsDir);
const omnidesk = loadSpec('omnidesk', specsDir);

describe('mount points', () => {
  it('take the path of the first server URL, so a new vendor needs no core change', () => {
    expect(omnidesk.serverPath).toBe('/api/v2');
    expect(gameboost.serverPath).toBe('');
    expect(mirakl.serverPath).toBe('');
    const fifth = compileSpec('acme', {
      openapi: '3.1.0',
      servers: [{ url: 'https://{tenant}.acme.test/rest/v3/' }],
      paths: {
        '/notes/{id}': {
          get: {
            operationId: 'getNote',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });
    expect(fifth.serverPath).toBe('/rest/v3');
    expect(fifth.operations.map((o) => [o.operationId, o.match('/notes/7')])).toEqual([
      ['getNote', { id: '7' }],
    ]);
  });

  it('match literal routes before templated ones and decode path segments', () => {
    const download = mirakl.operations.find(
      (o) => o.match('/api/inbox/threads/a%2Fb/download') && o.method === 'GET',
    );
    expect(download?.operationId).toBe('downloadAttachment');
    expect(download?.match('/api/inbox/threads/a%2Fb/download')).toEqual({ attachment_id: 'a/b' });
  });
});

describe('response check', () => {
  const sendMessage = gameboost.operation('sendAccountOrderMessage')!;

  it('passes a response that matches the spec', () => {
    const body = {
      data: {
        id: 'm1',
        type: 'user_message',
        text: 'hi',
        attachment: null,
        sender: { id: 1, username: 'a', is_admin: null },
        sent_at: 1,
      },
    };
    expect(
      responseProblems(
        gameboost,
        sendMessage,
        { status: 200, body },
        { 'Content-Type': 'application/json', 'X-RateLimit-Limit': '5' },
      ),
    ).toEqual([]);
  });

  it('reports a wrong body, an undocumented status, a bad header value and a missing body', () => {
    const wrongBody = responseProblems(
      gameboost,
      sendMessage,
      { status: 200, body: { data: { id: 5, sent_at: 'yesterday' } } },
      { 'Content-Type': 'application/json' },
    );
    expect(wrongBody).toEqual([
      expect.stringContaining('body/data/id must be string'),
      expect.stringContaining('body/data/sent_at must be integer'),
    ]);
    expect(
      responseProblems(
        gameboost,
        sendMessage,
        { status: 201, body: {} },
        { 'Content-Type': 'application/json' },
      ),
    ).toEqual(['status 201 is not documented for sendAccountOrderMessage']);
    expect(
      responseProblems(
        gameboost,
        sendMessage,
        { status: 429, body: { message: 'slow' } },
        { 'Content-Type': 'application/json', 'Retry-After': 'soon' },
      ),
    ).toEqual(['header retry-after must be integer']);
    expect(responseProblems(gameboost, sendMessage, { status: 422 }, {})).toEqual([
      'status 422 must have a application/json body',
    ]);
  });

  it('reports a missing required header (SPP 201 without X-Api-Identifier)', () => {
    const create = spp.operation('createOrderMessage')!;
    const problems = responseProblems(
      spp,
      create,
      { status: 201, body: { id: 1 } },
      { 'Content-Type': 'application/json', 'X-Api-Version': 'x' },
    );
    expect(problems).toContain('header x-api-identifier is required');
    expect(problems.some((p) => p.includes("must have required property 'user_id'"))).toBe(true);
  });

  it('accepts a binary download but not JSON where only bytes are documented', () => {
    const download = mirakl.operation('downloadAttachment')!;
    const binary = {
      status: 200,
      binary: { bytes: new Uint8Array([1]), contentType: 'application/pdf' },
    };
    expect(
      responseProblems(mirakl, download, binary, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': 'attachment; filename="a.pdf"',
      }),
    ).toEqual([]);
    expect(
      responseProblems(
        mirakl,
        download,
        { status: 200, body: { id: 1 } },
        { 'Content-Type': 'application/json' },
      ),
    ).toEqual(['a application/json body is not documented for status 200']);
  });
});

describe('form bodies', () => {
  it('reads JSON parts, repeated file parts and scalars as the schema types them', async () => {
    const create = spp.operation('createOrderMessage')!;
    const media = create.requestBody!.content.find((m) => m.mediaType === 'multipart/form-data')!;
    const data = new FormData();
    data.append('message', 'Hi');
    data.append('staff_only', '1');
    data.append('user_id', '2');
    data.append('attachments[]', new Blob(['ab'], { type: 'text/plain' }), 'a.txt');
    data.append('attachments[]', new Blob(['c']), 'b.bin');
    const request = new Request('http://x/', { method: 'POST', body: data });
    const form = await parseForm(
      new Uint8Array(await request.arrayBuffer()),
      request.headers.get('content-type')!,
    );
    const { body, issues } = await formToBody(spp, media, form);
    expect(issues).toEqual([]);
    expect(body).toMatchObject({
      message: 'Hi',
      staff_only: true,
      user_id: 2,
      attachments: [
        { filename: 'a.txt', contentType: 'text/plain', size: 2 },
        { filename: 'b.bin', contentType: 'application/octet-stream', size: 1 },
      ],
    });
  });

  it('reports a JSON part that does not parse', async () => {
    const reply = mirakl.operation('replyToThread')!;
    const data = new FormData();
    data.append('message_input', '{"body":');
    const request = new Request('http://x/', { method: 'POST', body: data });
    const form = await parseForm(
      new Uint8Array(await request.arrayBuffer()),
      request.headers.get('content-type')!,
    );
    const { issues } = await formToBody(mirakl, reply.requestBody!.content[0]!, form);
    expect(issues).toEqual([expect.objectContaining({ field: 'message_input', rule: 'json' })]);
  });

  it('converts text to the scalar the schema wants and leaves what does not convert', () => {
    expect(deserializeScalar(spp, { type: 'boolean' }, '0')).toBe(false);
    expect(deserializeScalar(spp, { type: 'boolean' }, 'true')).toBe(true);
    expect(deserializeScalar(spp, { type: 'integer' }, '42')).toBe(42);
    expect(deserializeScalar(spp, { type: 'integer' }, 'forty')).toBe('forty');
    expect(deserializeScalar(spp, { type: ['integer', 'string'] }, '42')).toBe('42');
  });
});
