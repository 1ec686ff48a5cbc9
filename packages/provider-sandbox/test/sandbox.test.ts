/**
 * The sandbox's own behaviour over loopback HTTP with plain `fetch` (so requests can
 * break the specs on purpose): auth, spec validation, state, limits, faults, rate
 * limits. Every response it sent must match the spec (checked after all tests).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';

let sb: Sandbox;
/** Added to the real clock, so rate-limit windows can be crossed without waiting. */
let clockOffsetMs = 0;

beforeAll(async () => {
  sb = await startSandbox({ clock: () => new Date(Date.now() + clockOffsetMs) });
});

beforeEach(() => {
  sb.reset();
});

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

// ---------------------------------------------------------------------------
// Request helpers, one per vendor, with that vendor's credential placement

type Init = {
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  json?: unknown;
  auth?: boolean;
};

async function call(url: string, init: Init, auth: Record<string, string>) {
  const headers: Record<string, string> = { ...(init.auth === false ? {} : auth), ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const gb = (path: string, init: Init = {}) =>
  call(`${sb.vendors.gameboost.baseUrl}${path}`, init, {
    authorization: `Bearer ${sb.vendors.gameboost.token}`,
  });
const mk = (path: string, init: Init = {}) =>
  call(`${sb.vendors.mirakl.baseUrl}${path}`, init, { authorization: sb.vendors.mirakl.apiKey });
const spp = (path: string, init: Init = {}) =>
  call(`${sb.vendors.spp.baseUrl}${path}`, init, {
    authorization: `Bearer ${sb.vendors.spp.token}`,
  });
const od = (path: string, init: Init = {}) => {
  const url = new URL(`${sb.vendors.omnidesk.baseUrl}${path}`);
  if (init.auth !== false) url.searchParams.set('apiKey', sb.vendors.omnidesk.apiKey);
  return call(url.toString(), init, {});
};

function form(
  fields: Record<string, string | Blob | (string | Blob)[]>,
  files: Record<string, string> = {},
): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof Blob) data.append(name, item, files[name] ?? 'file.bin');
      else data.append(name, item);
    }
  }
  return data;
}

const gbProcessing = () => sb.seed.gameboost.accountOrders.processing;

// ---------------------------------------------------------------------------

describe('the handle', () => {
  it('listens on 127.0.0.1 and mounts each vendor under the path of its spec server URL', () => {
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.vendors.mirakl.baseUrl).toBe(`${sb.url}/mirakl`);
    expect(sb.vendors.spp.baseUrl).toBe(`${sb.url}/spp`);
    expect(sb.vendors.omnidesk.baseUrl).toBe(`${sb.url}/omnidesk/api/v2`);
    expect(sb.vendors.gameboost.baseUrl).toBe(`${sb.url}/gameboost`);
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('seeds what tests need: every GameBoost kind in and out of processing, Mirakl orders with and without thread, long lists', async () => {
    for (const kind of ['accountOrders', 'itemOrders', 'currencyOrders'] as const) {
      const ids = sb.seed.gameboost[kind];
      expect(Object.keys(ids).sort()).toEqual([
        'delivered',
        'in_delivery',
        'pending',
        'processing',
        'refunded',
      ]);
      const prefix = kind.replace('Orders', '');
      for (const [status, id] of Object.entries(ids)) {
        const res = await gb(`/v2/${prefix}-orders/${id}`);
        expect(res.status).toBe(200);
        expect(res.json.data).toMatchObject({ id: Number(id), status });
      }
    }
    expect(sb.state.messages('mirakl', sb.seed.mirakl.orderWithThread).length).toBeGreaterThan(0);
    expect(sb.state.messages('mirakl', sb.seed.mirakl.orderWithoutThread)).toEqual([]);
    expect(sb.state.messages('spp', sb.seed.spp.orderWithManyMessages.id)).toHaveLength(25);
    expect(sb.state.messages('mirakl', sb.seed.mirakl.bigThreadOrderId).length).toBeGreaterThan(
      100,
    );
    expect(
      sb.state.messages('omnidesk', String(sb.seed.omnidesk.ticketWithMessages)).length,
    ).toBeGreaterThan(1);
  });

  it('answers 404 with the list of vendors outside any mount point', async () => {
    const res = await call(`${sb.url}/nowhere`, {}, {});
    expect(res.status).toBe(404);
    expect(res.json.vendors.gameboost).toBe(sb.vendors.gameboost.baseUrl);
  });
});

describe('authentication: 401 with each vendor body', () => {
  it('GameBoost: missing or wrong bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await gb(`/v2/account-orders/${gbProcessing()}/messages`, {
        auth: false,
        headers,
      });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        message: 'Unauthenticated.',
        request_id: res.headers.get('x-gameboost-request-id'),
      });
    }
  });

  it('Mirakl: the raw API key or a bearer token pass; a Bearer-prefixed API key does not', async () => {
    const path = `/api/inbox/threads/${sb.seed.mirakl.threadId}`;
    expect((await mk(path)).status).toBe(200);
    expect(
      (
        await mk(path, {
          auth: false,
          headers: { authorization: `Bearer ${sb.vendors.mirakl.bearerToken}` },
        })
      ).status,
    ).toBe(200);
    for (const headers of [{}, { authorization: `Bearer ${sb.vendors.mirakl.apiKey}` }] as Record<
      string,
      string
    >[]) {
      const res = await mk(path, { auth: false, headers });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Unauthorized', status: 401 });
    }
  });

  it('SPP: Laravel `Unauthenticated.`', async () => {
    const res = await spp(`/api/order_messages/${sb.seed.spp.orderWithFewMessages.id}`, {
      auth: false,
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthenticated.' });
  });

  it('Omnidesk: the apiKey query parameter', async () => {
    const res = await od(`/ticket/${sb.seed.omnidesk.ticketWithMessages}`, { auth: false });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ status: 'error', message: 'Invalid or missing API key' });
    const wrong = await call(`${sb.vendors.omnidesk.baseUrl}/ticket?apiKey=nope`, {}, {});
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('nope');
  });
});

describe('requests that break the spec are rejected as each vendor does', () => {
  it('GameBoost: 422 {message, errors, request_id} for a missing, too long or mistyped message', async () => {
    const path = `/v2/item-orders/${sb.seed.gameboost.itemOrders.processing}/messages`;
    const missing = await gb(path, { json: {} });
    expect(missing.status).toBe(422);
    expect(missing.json).toEqual({
      message: 'The message field is required.',
      errors: { message: ['The message field is required.'] },
      request_id: missing.headers.get('x-gameboost-request-id'),
    });
    const tooLong = await gb(path, { json: { message: 'x'.repeat(10_001) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.errors.message).toEqual([
      'The message field must not be greater than 10000 characters.',
    ]);
    expect((await gb(path, { json: { message: 'x'.repeat(10_000) } })).status).toBe(200);
    const mistyped = await gb(path, { json: { message: 42 } });
    expect(mistyped.status).toBe(422);
    expect(mistyped.json.errors.message).toEqual(['The message field must be a string.']);
    const noBody = await gb(path, { method: 'POST' });
    expect(noBody.status).toBe(422);
    expect(
      sb.state
        .messages('gameboost', sb.seed.gameboost.itemOrders.processing)
        .filter((m) => m.author.kind === 'seller'),
    ).toHaveLength(1);
  });

  it('Mirakl: 400 {message, status} for a missing JSON part, a JSON part that is not JSON, or a bad query', async () => {
    const order = sb.seed.mirakl.orderWithoutThread;
    const missing = await mk(`/api/orders/${order}/threads`, {
      body: form({ files: new Blob(['x']) }),
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ message: 'thread_input is required', status: 400 });
    const notJson = await mk(`/api/orders/${order}/threads`, {
      body: form({ thread_input: '{not json' }),
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toMatch(/thread_input.*not valid JSON/);
    const wrongShape = await mk(`/api/orders/${order}/threads`, {
      body: form({
        thread_input: JSON.stringify({
          body: 'hi',
          to: [{ type: 'SHOP' }],
          topic: { type: 'FREE_TEXT', value: 'x' },
        }),
      }),
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.message).toContain('thread_input.to');
    const badQuery = await mk('/api/inbox/threads?limit=0&with_messages=maybe');
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.message).toBe('with_messages must be boolean, limit must be >= 1');
    const json = await mk(`/api/orders/${order}/threads`, { json: { thread_input: {} } });
    expect(json.status).toBe(400);
    expect(json.json.message).toMatch(
      /Content-Type application\/json is not accepted; send multipart\/form-data/,
    );
    expect(sb.state.messages('mirakl', order)).toEqual([]);
  });

  it('SPP: 400 Laravel body for schema errors, 422 for an unknown user', async () => {
    const path = `/api/order_messages/${sb.seed.spp.orderWithFewMessages.id}`;
    const empty = await spp(path, { json: {} });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({
      message: 'The message field is required.',
      errors: { message: ['The message field is required.'] },
    });
    const twoErrors = await spp(path, { json: { message: '', user_id: 'me' } });
    expect(twoErrors.status).toBe(400);
    expect(twoErrors.json).toEqual({
      message: 'The message field is required. (and 1 more error)',
      errors: {
        message: ['The message field is required.'],
        user_id: ['The user id field must be an integer.'],
      },
    });
    const unknownUser = await spp(path, { json: { message: 'hi', user_id: 999 } });
    expect(unknownUser.status).toBe(422);
    expect(unknownUser.json.errors).toEqual({ user_id: ['The selected user id is invalid.'] });
    // A message id that is not an integer names no message: 404, as Laravel's route binding answers.
    expect((await spp('/api/order_messages/not-a-number', { method: 'DELETE' })).status).toBe(404);
  });

  it('Omnidesk: 400 {status:"error"} for a message under 5 characters, an unknown channel or a JSON body', async () => {
    const ticketID = String(sb.seed.omnidesk.ticketWithMessages);
    const short = await od('/message', { body: form({ ticketID, type: '1', message: 'hey!' }) });
    expect(short.status).toBe(400);
    expect(short.json).toEqual({
      status: 'error',
      message: 'The field message must be at least 5 characters',
    });
    const channel = await od('/message', {
      body: form({ ticketID, type: 'sms', message: 'hello there' }),
    });
    expect(channel.status).toBe(400);
    expect(channel.json.message).toContain('type');
    const json = await od('/message', {
      json: { ticketID: Number(ticketID), type: '1', message: 'hello there' },
    });
    expect(json.status).toBe(400);
    expect(json.json.status).toBe('error');
    const notAnId = await od('/ticket/abc');
    expect(notAnId).toMatchObject({ status: 404, json: { status: 'error' } });
  });
});

describe('unknown ids and routes: 404', () => {
  it('answers 404 in each vendor envelope', async () => {
    const g = await gb('/v2/currency-orders/999999/messages');
    expect(g.status).toBe(404);
    expect(g.json).toEqual({
      message: 'Resource not found.',
      request_id: g.headers.get('x-gameboost-request-id'),
    });
    const m = await mk('/api/inbox/threads/no-such-thread');
    expect(m).toMatchObject({ status: 404, json: { status: 404 } });
    expect(
      (
        await mk('/api/orders/NOPE/threads', {
          body: form({
            thread_input: JSON.stringify({
              body: 'hi',
              to: ['SHOP'],
              topic: { type: 'FREE_TEXT', value: 't' },
            }),
          }),
        })
      ).status,
    ).toBe(404);
    expect((await mk('/api/inbox/threads/nope/download')).status).toBe(404);
    const s = await spp('/api/order_messages/NOPE123');
    expect(s.status).toBe(404);
    expect(s.json.message).toContain('NOPE123');
    expect((await spp('/api/order_messages/424242', { method: 'DELETE' })).status).toBe(404);
    const o = await od('/ticket/1');
    expect(o).toMatchObject({ status: 404, json: { status: 'error' } });
    expect(
      (await od('/message', { body: form({ ticketID: '1', type: '1', message: 'hello there' }) }))
        .status,
    ).toBe(404);
    expect((await gb('/v2/no-such-route')).status).toBe(404);
  });

  it('answers 405 for a known path with another method', async () => {
    const res = await gb(`/v2/account-orders/${gbProcessing()}`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.json.request_id).toEqual(expect.any(String));
  });
});

describe('GameBoost state and rules', () => {
  it('stores a message on a processing order and lists it last; refuses other states with 422', async () => {
    const id = sb.seed.gameboost.currencyOrders.processing;
    const sent = await gb(`/v2/currency-orders/${id}/messages`, {
      json: { message: 'Delivered, please confirm.' },
    });
    expect(sent.status).toBe(200);
    expect(sent.json.data).toMatchObject({
      type: 'user_message',
      text: 'Delivered, please confirm.',
      attachment: null,
      sender: { id: sb.seed.gameboost.sellerId },
    });
    const list = await gb(`/v2/currency-orders/${id}/messages`);
    expect(list.json.data.at(-1)).toEqual(sent.json.data);
    expect(list.json.message).toBeNull();
    for (const status of ['pending', 'in_delivery', 'delivered', 'refunded'] as const) {
      const other = sb.seed.gameboost.accountOrders[status];
      const refused = await gb(`/v2/account-orders/${other}/messages`, { json: { message: 'hi' } });
      expect(refused.status).toBe(422);
      expect(refused.json.errors.order[0]).toContain('processing');
      clockOffsetMs += 61_000; // stay clear of the per-resource limit of 5/min
    }
    expect(sb.state.messages('gameboost', id).map((m) => m.text)).toContain(
      'Delivered, please confirm.',
    );
  });

  it('keeps item and currency ids apart: an account id is not an item order', async () => {
    const res = await gb(`/v2/item-orders/${gbProcessing()}/messages`);
    expect(res.status).toBe(404);
  });
});

describe('SPP state and paging', () => {
  const many = () => sb.seed.spp.orderWithManyMessages;

  it('lists newest first, 20 per page by default, with links and meta', async () => {
    const first = await spp(`/api/order_messages/${many().number}`);
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(20);
    expect(first.json.data[0].message).toBe('Seeded message 25 of 25');
    expect(first.json.meta).toMatchObject({
      current_page: 1,
      last_page: 2,
      per_page: 20,
      total: 25,
      from: 1,
      to: 20,
    });
    expect(first.json.links.prev).toBeNull();
    const next = await call(
      first.json.links.next,
      {},
      { authorization: `Bearer ${sb.vendors.spp.token}` },
    );
    expect(next.json.data.map((m: { message: string }) => m.message)).toEqual(
      [5, 4, 3, 2, 1].map((n) => `Seeded message ${n} of 25`),
    );
    expect(next.json.links.next).toBeNull();
    expect(next.json.meta).toMatchObject({ current_page: 2, from: 21, to: 25 });
    const small = await spp(`/api/order_messages/${many().id}?limit=10&page=3`);
    expect(small.json.meta).toMatchObject({ last_page: 3, per_page: 10, from: 21, to: 25 });
    expect(small.json.links.first).toContain('limit=10');
    const beyond = await spp(`/api/order_messages/${many().id}?page=9`);
    expect(beyond.json).toMatchObject({ data: [], meta: { from: null, to: null } });
  });

  it('creates (JSON and multipart with files), lists the new message first, deletes it', async () => {
    const order = sb.seed.spp.orderWithoutMessages;
    const created = await spp(`/api/order_messages/${order.number}`, {
      json: { message: 'Hello world!', staff_only: false },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-api-identifier')).toEqual(expect.any(String));
    expect(created.json).toMatchObject({
      message: 'Hello world!',
      user_id: sb.seed.spp.apiUserId,
      staff_only: false,
      ticket: null,
      order: { id: Number(order.id) },
    });
    const note = await spp(`/api/order_messages/${order.id}`, {
      body: form({
        message: 'Internal',
        staff_only: '1',
        user_id: String(sb.seed.spp.staffUserId),
        'attachments[]': [new Blob(['a']), new Blob(['bb'])],
      }),
    });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ staff_only: true, user_id: sb.seed.spp.staffUserId });
    expect(note.json.files).toHaveLength(2);
    const list = await spp(`/api/order_messages/${order.id}`);
    expect(list.json.data.map((m: { id: number }) => m.id)).toEqual([
      note.json.id,
      created.json.id,
    ]);
    expect((await spp(`/api/order_messages/${created.json.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(sb.state.messages('spp', order.id).map((m) => m.id)).toEqual([String(note.json.id)]);
    expect(sb.state.messages('spp', order.id)[0]).toMatchObject({
      internal: true,
      attachments: [{ size: 1 }, { size: 2 }],
    });
    expect((await spp(`/api/order_messages/${created.json.id}`, { method: 'DELETE' })).status).toBe(
      404,
    );
  });
});

describe('Mirakl threads', () => {
  const threadInput = (body: string) =>
    JSON.stringify({
      body,
      to: ['SHOP', 'CUSTOMER'],
      topic: { type: 'FREE_TEXT', value: 'Delivery' },
    });

  it('OR43 creates a thread, M12 replies, M10 reads both, M13 downloads the stored attachment', async () => {
    const order = sb.seed.mirakl.orderWithoutThread;
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const created = await mk(`/api/orders/${order}/threads`, {
      body: form(
        {
          thread_input: threadInput('First'),
          files: new Blob([bytes], { type: 'application/octet-stream' }),
        },
        { files: 'reçu été.bin' },
      ),
    });
    expect(created.status).toBe(201);
    const reply = await mk(`/api/inbox/threads/${created.json.thread_id}/message`, {
      body: form({ message_input: JSON.stringify({ body: 'Second', to: [{ type: 'OPERATOR' }] }) }),
    });
    expect(reply.status).toBe(201);
    expect(reply.json.thread_id).toBe(created.json.thread_id);
    const thread = await mk(`/api/inbox/threads/${created.json.thread_id}`);
    expect(thread.json.messages.map((m: { body: string }) => m.body)).toEqual(['First', 'Second']);
    expect(thread.json.entities).toEqual([
      { id: order, label: expect.any(String), type: 'MMP_ORDER' },
    ]);
    const attachment = thread.json.messages[0].attachments[0];
    expect(attachment).toMatchObject({ name: 'reçu été.bin', size: 5 });
    const download = await fetch(
      `${sb.vendors.mirakl.baseUrl}/api/inbox/threads/${attachment.id}/download`,
      {
        headers: { authorization: sb.vendors.mirakl.apiKey },
      },
    );
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="re_u _t_.bin"; filename*=UTF-8''${encodeURIComponent('reçu été.bin')}`,
    );
    expect(sb.state.messages('mirakl', order).map((m) => m.text)).toEqual(['First', 'Second']);
  });

  it('M11 filters by entity, caps with_messages at the last 100, and pages with seek tokens', async () => {
    const big = await mk(
      `/api/inbox/threads?entity_type=MMP_ORDER&entity_id=${sb.seed.mirakl.bigThreadOrderId}&with_messages=true`,
    );
    expect(big.json.data).toHaveLength(1);
    const messages = big.json.data[0].messages;
    expect(messages).toHaveLength(100);
    expect(messages.at(-1).body).toBe('Message 120 of 120');
    expect(messages[0].body).toBe('Message 21 of 120');
    expect(big.json.data[0].metadata.total_count).toBe(120);
    const without = await mk(
      `/api/inbox/threads?entity_type=MMP_ORDER&entity_id=${sb.seed.mirakl.orderWithThread},${sb.seed.mirakl.bigThreadOrderId}`,
    );
    expect(without.json.data).toHaveLength(2);
    expect(without.json.data[0].messages).toBeUndefined();

    const all = await mk('/api/inbox/threads');
    const seen: string[] = [];
    let page = await mk('/api/inbox/threads?limit=2');
    expect(page.json.previous_page_token).toBeUndefined();
    for (let i = 0; i < 10 && page.json; i++) {
      seen.push(...page.json.data.map((t: { id: string }) => t.id));
      if (!page.json.next_page_token) break;
      // The token carries the filters; others sent with it are ignored.
      page = await mk(
        `/api/inbox/threads?entity_type=MPS_ORDER&page_token=${page.json.next_page_token}`,
      );
      expect(page.json.previous_page_token).toEqual(expect.any(String));
    }
    expect(seen).toEqual(all.json.data.map((t: { id: string }) => t.id));
    expect(seen.length).toBeGreaterThan(2);
    expect((await mk('/api/inbox/threads?page_token=garbage')).status).toBe(400);
    // A token holds a position, not an offset: a thread that changes between pages moves to
    // the end (listed again) and shifts no other thread past the page boundary.
    const sorted = await mk('/api/inbox/threads?sort=dateUpdated,ASC');
    const before = sorted.json.data.map((t: { id: string; entities: { id: string }[] }) => t);
    const first = await mk('/api/inbox/threads?sort=dateUpdated,ASC&limit=2');
    sb.simulate.customerMessage('mirakl', before[0].entities[0].id, 'Moved on.');
    const second = await mk(`/api/inbox/threads?page_token=${first.json.next_page_token}`);
    expect(second.json.data.map((t: { id: string }) => t.id)[0]).toBe(before[2].id);
    const noType = await mk(`/api/inbox/threads?entity_id=${sb.seed.mirakl.orderWithThread}`);
    expect(noType.json).toEqual({
      message: 'entity_type is required when entity_id is specified',
      status: 400,
    });
  });

  it('stops a thread at 1000 messages', async () => {
    const path = `/api/inbox/threads/${sb.seed.mirakl.nearlyFullThreadId}/message`;
    const body = () =>
      form({ message_input: JSON.stringify({ body: 'one more', to: [{ type: 'CUSTOMER' }] }) });
    expect((await mk(path, { body: body() })).status).toBe(201);
    const refused = await mk(path, { body: body() });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toContain('1000');
  });

  it('allows 50 attachments per entity and 30 MB per message', async () => {
    const order = sb.seed.mirakl.orderNearAttachmentLimit;
    const two = form({
      thread_input: threadInput('two files'),
      files: [new Blob(['a']), new Blob(['b'])],
    });
    const tooMany = await mk(`/api/orders/${order}/threads`, { body: two });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.message).toContain('50');
    const one = await mk(`/api/orders/${order}/threads`, {
      body: form({ thread_input: threadInput('one file'), files: new Blob(['a']) }),
    });
    expect(one.status).toBe(201);
    const huge = new Blob([new Uint8Array(30 * 1024 * 1024 + 1)]);
    const big = await mk(`/api/orders/${sb.seed.mirakl.orderWithoutThread}/threads`, {
      body: form({ thread_input: threadInput('x'), files: huge }),
    });
    expect(big.status).toBe(400);
    expect(big.json.message).toContain('30 MB');
    const fits = new Blob([new Uint8Array(30 * 1024 * 1024 - 100)]);
    expect(
      (
        await mk(`/api/orders/${sb.seed.mirakl.orderWithoutThread}/threads`, {
          body: form({ thread_input: threadInput('x'), files: fits }),
        })
      ).status,
    ).toBe(201);
  });

  it('OR42 stores a legacy message that M01 lists with the sent ones', async () => {
    const order = sb.seed.mirakl.orderWithThread;
    const posted = await mk(`/api/orders/${order}/messages`, {
      json: {
        body: 'Shipped today',
        subject: 'Shipping',
        to_customer: true,
        to_operator: false,
        to_shop: false,
      },
    });
    expect(posted.status).toBe(201);
    expect(posted.json.id).toEqual(expect.any(Number));
    const sent = await mk(`/api/messages?received=FALSE&order_id=${order}`);
    expect(sent.json.messages[0]).toMatchObject({
      id: posted.json.id,
      body: 'Shipped today',
      from_type: 'SHOP',
    });
    const received = await mk(`/api/messages?order_id=${order}`);
    expect(received.json.messages.every((m: { from_type: string }) => m.from_type !== 'SHOP')).toBe(
      true,
    );
    const nobody = await mk(`/api/orders/${order}/messages`, {
      json: { body: 'x', subject: 's', to_customer: false, to_operator: false, to_shop: false },
    });
    expect(nobody.status).toBe(400);
  });

  it('refuses a shop the user cannot act as', async () => {
    const res = await mk(`/api/inbox/threads/${sb.seed.mirakl.threadId}?shop_id=9999`);
    expect(res).toMatchObject({ status: 403, json: { status: 403 } });
    expect(
      (await mk(`/api/inbox/threads/${sb.seed.mirakl.threadId}?shop_id=${sb.seed.mirakl.shopId}`))
        .status,
    ).toBe(200);
  });
});

describe('Omnidesk tickets', () => {
  it('posts into a ticket and shows the message in its timeline; submitStatus changes the status', async () => {
    const ticketID = String(sb.seed.omnidesk.ticketWithOneMessage);
    const sent = await od('/message', {
      body: form({
        ticketID,
        type: '1',
        message: 'We are on it.',
        userID: '7',
        submitStatus: 'open',
        'forwardedFileIDs[]': ['11', '12'],
      }),
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({
      type: 'result',
      message: 'Message has been sent and the ticket status was updated.',
    });
    const ticket = await od(`/ticket/${ticketID}`);
    expect(ticket.json.item.status).toBe('open');
    expect(ticket.json.item.timeline.at(-1)).toMatchObject({
      content: 'We are on it.',
      user_id: 7,
      user_name: 'Agent Smith',
      direction: 'out',
    });
    expect(sb.state.messages('omnidesk', ticketID).at(-1)?.raw).toMatchObject({
      forwardedFileIDs: [11, 12],
    });
    const unknownAgent = await od('/message', {
      body: form({ ticketID, type: '1', message: 'hello there', userID: '99' }),
    });
    expect(unknownAgent.status).toBe(400);
  });

  it('creates a ticket, lists and filters tickets, adds events with getTicketHistory', async () => {
    const created = await od('/ticket', { body: form({ title: 'New question' }) });
    expect(created.status).toBe(200);
    expect(created.json).toEqual(expect.any(Number));
    expect(
      (
        await od('/message', {
          body: form({
            ticketID: String(created.json),
            type: 'calllog',
            message: 'Called the customer.',
          }),
        })
      ).status,
    ).toBe(200);
    const list = await od('/ticket?status=new&itemLimit=10');
    expect(list.json.items.map((t: { id: number }) => t.id)).toContain(created.json);
    expect(list.json.items.every((t: { status: string }) => t.status === 'new')).toBe(true);
    const page = await od('/ticket?itemStart=1&itemLimit=1');
    expect(page.json.items).toHaveLength(1);
    const plain = await od(`/ticket/${sb.seed.omnidesk.solvedTicket}`);
    const history = await od(`/ticket/${sb.seed.omnidesk.solvedTicket}?getTicketHistory=true`);
    expect(history.json.item.timeline.length).toBeGreaterThan(plain.json.item.timeline.length);
    expect(history.json.item.timeline.some((e: { type: string }) => e.type === 'event')).toBe(true);
  });
});

describe('reset()', () => {
  it('puts back the seeded state and empties the request log and faults', async () => {
    const before = sb.state.messages('gameboost').length;
    await gb(`/v2/account-orders/${gbProcessing()}/messages`, { json: { message: 'temporary' } });
    sb.faults.inject({ vendor: 'spp', status: 503, times: 5 });
    expect(sb.state.messages('gameboost')).toHaveLength(before + 1);
    expect(sb.state.requests).toHaveLength(1);
    sb.reset();
    expect(sb.state.messages('gameboost')).toHaveLength(before);
    expect(sb.state.requests).toEqual([]);
    expect(sb.faults.pending()).toEqual([]);
  });
});

describe('fault injection', () => {
  const sendPath = () => `/v2/account-orders/${gbProcessing()}/messages`;
  const sellerMessages = () =>
    sb.state.messages('gameboost', gbProcessing()).filter((m) => m.author.kind === 'seller');

  it('answers the next N requests with a status in the vendor envelope, then recovers', async () => {
    sb.faults.inject({
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      status: 503,
      times: 2,
    });
    // Another operation of the same vendor is not affected.
    expect((await gb(sendPath())).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await gb(sendPath(), { json: { message: 'hi' } });
      expect(res.status).toBe(503);
      expect(res.json).toEqual({
        message: 'Service Unavailable',
        request_id: res.headers.get('x-gameboost-request-id'),
      });
    }
    expect(sellerMessages()).toHaveLength(0);
    expect((await gb(sendPath(), { json: { message: 'hi' } })).status).toBe(200);
    expect(sellerMessages()).toHaveLength(1);
    expect(sb.state.requests.filter((r) => r.faulted).map((r) => r.status)).toEqual([503, 503]);
  });

  it('sends 429 with Retry-After in seconds or as an HTTP date, custom headers and body', async () => {
    const date = new Date(Date.now() + 120_000);
    sb.faults.inject({ vendor: 'mirakl', status: 429, retryAfter: 7 });
    sb.faults.inject({
      vendor: 'mirakl',
      status: 429,
      retryAfter: date,
      headers: { 'X-Extra': 'yes' },
      body: { message: 'slow down' },
    });
    const first = await mk('/api/inbox/threads');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.json).toEqual({ message: 'Too Many Requests', status: 429 });
    const second = await mk('/api/inbox/threads');
    expect(second.headers.get('retry-after')).toBe(date.toUTCString());
    expect(second.headers.get('x-extra')).toBe('yes');
    expect(second.json).toEqual({ message: 'slow down' });
    expect((await mk('/api/inbox/threads')).status).toBe(200);
  });

  it('sends 500, 502 and 504, an HTML error page, malformed JSON and an empty body', async () => {
    sb.faults.inject({ vendor: 'spp', status: 500 });
    sb.faults.inject({ vendor: 'spp', status: 502, bodyKind: 'html' });
    sb.faults.inject({ vendor: 'spp', status: 504, bodyKind: 'malformed-json' });
    sb.faults.inject({ vendor: 'spp', status: 503, bodyKind: 'empty' });
    const path = `/api/order_messages/${sb.seed.spp.orderWithFewMessages.id}`;
    const server = await spp(path);
    expect(server).toMatchObject({ status: 500, json: { message: 'Server Error' } });
    const html = await spp(path);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toContain('<h1>502 Bad Gateway</h1>');
    const malformed = await spp(path);
    expect(malformed.status).toBe(504);
    expect(malformed.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(malformed.text)).toThrow();
    const empty = await spp(path);
    expect(empty.status).toBe(503);
    expect(empty.text).toBe('');
    expect((await spp(path)).status).toBe(200);
  });

  it('adds latency to an otherwise normal answer', async () => {
    sb.faults.inject({ vendor: 'omnidesk', operationId: 'getTicket', latencyMs: 300 });
    const started = performance.now();
    const res = await od(`/ticket/${sb.seed.omnidesk.ticketWithMessages}`);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('drops the connection before applying: nothing stored', async () => {
    sb.faults.inject({
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      drop: 'before-apply',
    });
    await expect(
      fetch(`${sb.vendors.gameboost.baseUrl}${sendPath()}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sb.vendors.gameboost.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ message: 'lost?' }),
      }),
    ).rejects.toThrow();
    expect(sellerMessages()).toHaveLength(0);
    expect(sb.state.requests.at(-1)).toMatchObject({
      dropped: 'before-apply',
      status: 0,
      operationId: 'sendAccountOrderMessage',
    });
  });

  it('drops the connection after storing: the client sees an error, the message exists', async () => {
    sb.faults.inject({
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      drop: 'after-apply',
    });
    await expect(
      fetch(`${sb.vendors.gameboost.baseUrl}${sendPath()}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sb.vendors.gameboost.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ message: 'ambiguous' }),
      }),
    ).rejects.toThrow();
    // A blind retry duplicates it; the state shows both.
    expect((await gb(sendPath(), { json: { message: 'ambiguous' } })).status).toBe(200);
    expect(sellerMessages().map((m) => m.text)).toEqual(['ambiguous', 'ambiguous']);
    expect(sb.state.requests.map((r) => r.dropped)).toEqual(['after-apply', undefined]);
  });

  it('rejects rules naming an unknown vendor or operation, or with nothing to do', () => {
    expect(() => sb.faults.inject({ vendor: 'acme', status: 500 })).toThrow(/unknown vendor/);
    expect(() =>
      sb.faults.inject({ vendor: 'spp', operationId: 'sendMessage', status: 500 }),
    ).toThrow(/unknown operationId/);
    expect(() => sb.faults.inject({ vendor: 'spp' })).toThrow(/status/);
    const id = sb.faults.inject({ vendor: 'spp', status: 500, times: 3 });
    expect(sb.faults.pending()).toEqual([
      { id, rule: expect.objectContaining({ status: 500 }), remaining: 3 },
    ]);
    sb.faults.clear(id);
    expect(sb.faults.pending()).toEqual([]);
  });
});

describe('rate limits', () => {
  it('GameBoost: 5 chat operations a minute by default, across reads and sends, with X-RateLimit-* and Retry-After', async () => {
    const item = sb.seed.gameboost.itemOrders.processing;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res =
        i % 2
          ? await gb(`/v2/item-orders/${item}/messages`)
          : await gb(`/v2/account-orders/${gbProcessing()}/messages`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      remaining.push(res.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await gb(`/v2/item-orders/${item}/messages`, { json: { message: 'hi' } });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      message: 'Too many requests.',
      request_id: limited.headers.get('x-gameboost-request-id'),
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.now() + clockOffsetMs);
    // Non-chat reads have their own budget.
    expect((await gb(`/v2/item-orders/${item}`)).status).toBe(200);
    expect(sb.state.messages('gameboost', item).filter((m) => m.author.kind === 'seller')).toEqual(
      [],
    );
    clockOffsetMs += 61_000;
    expect((await gb(`/v2/item-orders/${item}/messages`)).status).toBe(200);
  });

  it('can be configured per vendor and bucket, or switched off', async () => {
    const custom = await startSandbox({
      rateLimits: {
        gameboost: { chat: { limit: 2, windowMs: 60_000 } },
        spp: { all: { limit: 1, windowMs: 60_000 } },
      },
    });
    const off = await startSandbox({ rateLimits: { gameboost: false } });
    try {
      const chat = (s: Sandbox) =>
        fetch(
          `${s.vendors.gameboost.baseUrl}/v2/account-orders/${s.seed.gameboost.accountOrders.processing}/messages`,
          {
            headers: { authorization: `Bearer ${s.vendors.gameboost.token}` },
          },
        );
      expect([
        (await chat(custom)).status,
        (await chat(custom)).status,
        (await chat(custom)).status,
      ]).toEqual([200, 200, 429]);
      const statuses = [];
      for (let i = 0; i < 8; i++) statuses.push((await chat(off)).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect((await chat(off)).headers.get('x-ratelimit-limit')).toBeNull();
      const sppList = () =>
        fetch(
          `${custom.vendors.spp.baseUrl}/api/order_messages/${custom.seed.spp.orderWithFewMessages.id}`,
          {
            headers: { authorization: `Bearer ${custom.vendors.spp.token}` },
          },
        );
      expect((await sppList()).status).toBe(200);
      const limited = await sppList();
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({ message: 'Too Many Attempts.' });
      expect(limited.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
      expect(custom.responseViolations).toEqual([]);
      expect(off.responseViolations).toEqual([]);
    } finally {
      await custom.close();
      await off.close();
    }
  });

  it('counts writes to the same GameBoost order: 5 a minute', async () => {
    const noChat = await startSandbox({ rateLimits: { gameboost: { chat: false } } });
    try {
      const send = () =>
        fetch(
          `${noChat.vendors.gameboost.baseUrl}/v2/account-orders/${noChat.seed.gameboost.accountOrders.processing}/messages`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${noChat.vendors.gameboost.token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ message: 'again' }),
          },
        );
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await send()).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await noChat.close();
    }
  });

  it('puts X-GameBoost-Request-Id on every GameBoost response', async () => {
    for (const res of [
      await gb('/v2/account-orders/1'),
      await gb('/v2/account-orders/1', { auth: false }),
      await gb('/v2/x'),
    ]) {
      expect(res.headers.get('x-gameboost-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
