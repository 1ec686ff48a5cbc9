/**
 * The "Writing an adapter" guide of the README, run: an adapter for a vendor this package does
 * not know, written as a third party would, with nothing but public entry points. Also checks
 * that the built-in adapters need nothing more than those entry points.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrderMessaging, ValidationError } from '@org/order-messaging';
import {
  checkSettings,
  clientOptionsOf,
  defineAdapter,
  defineVendor,
  isoDate,
  stringSetting,
  type AdapterContext,
  type Capabilities,
  type ClientTransport,
  type ConnectionOptions,
  type OrderMessage,
} from '@org/order-messaging/adapter-kit';

// --- the guide's adapter: a help desk whose API is POST/GET /tickets/{id}/notes ---

interface AcmeNote {
  id: number;
  body: string;
  author: 'agent' | 'customer';
  created_at: string;
}

interface AcmeDeskOptions extends ConnectionOptions {
  baseUrl: string;
  apiKey: string;
}

/** A hand-written client: any shape works, as long as every request goes through `transport.fetch`. */
function createAcmeClient(options: AcmeDeskOptions, transport: ClientTransport) {
  const { baseUrl } = clientOptionsOf(options);
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await transport.fetch(
      new Request(`${baseUrl}${path}`, {
        method,
        headers: { 'X-Api-Key': options.apiKey, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const data: unknown = await response.json().catch(() => undefined);
    return response.ok ? { data, response } : { error: data ?? '', response };
  };
  return {
    notes: (ticket: string) => request('GET', `/tickets/${encodeURIComponent(ticket)}/notes`),
    addNote: (ticket: string, body: string) =>
      request('POST', `/tickets/${encodeURIComponent(ticket)}/notes`, { body }),
  };
}
type AcmeClient = ReturnType<typeof createAcmeClient>;

const acmeCapabilities: Capabilities = {
  vendor: 'acme-desk',
  list: true,
  send: true,
  text: { minLength: 1, maxLength: 2000 },
  attachments: false,
  internalNotes: false,
  audiences: [],
  sendOptions: [],
  pagination: 'none',
  reconcile: 'by-listing',
};

function normalize(note: AcmeNote, orderId: string, ctx: AdapterContext<AcmeClient>) {
  return {
    id: String(note.id),
    orderId,
    text: note.body,
    author: { kind: note.author === 'agent' ? 'staff' : 'customer' },
    sentAt: isoDate(note.created_at) ?? new Date(0),
    attachments: [],
    internal: false,
    vendor: 'acme-desk',
    connection: ctx.connection,
    raw: note,
  } satisfies OrderMessage<AcmeNote>;
}

function acmeDesk(options: AcmeDeskOptions) {
  return defineAdapter({
    vendor: 'acme-desk',
    capabilities: acmeCapabilities,
    createClient: (transport) => createAcmeClient(options, transport),
    secrets: () => [options.apiKey],
    async send(request, ctx) {
      const { data } = await ctx.call(
        'add note',
        () => ctx.client.addNote(request.orderId, request.text),
        { write: true },
      );
      return normalize(data as AcmeNote, request.orderId, ctx);
    },
    async *list(ref, ctx) {
      const { data } = await ctx.call('list notes', () => ctx.client.notes(ref.orderId));
      if (!Array.isArray(data)) throw ctx.unexpected('list notes', 'no array', data);
      for (const note of data as AcmeNote[]) yield normalize(note, ref.orderId, ctx);
    },
    // findSent is left out: with `reconcile: 'by-listing'`, defineAdapter finds sent notes in `list`.
  });
}

const acmeDeskVendor = defineVendor({
  name: 'acme-desk',
  title: 'Acme Desk',
  createAdapter: acmeDesk,
  capabilities: acmeCapabilities,
  settings: [
    { key: 'baseUrl', placeholder: '<url>', description: 'API origin' },
    { key: 'apiKey', placeholder: '<key>', description: 'API key', secret: true },
  ],
  requirements: [{ anyOf: ['baseUrl'] }, { anyOf: ['apiKey'] }],
  toOptions: (values) => ({
    baseUrl: stringSetting(values, 'baseUrl')!,
    apiKey: stringSetting(values, 'apiKey')!,
  }),
  sandbox: {
    settings: (access: { baseUrl: string; apiKey: string }) => ({ ...access }),
    exampleOrder: () => '1',
  },
});

// --- a fake of the vendor, on 127.0.0.1 ---

const API_KEY = 'acme_live_0123456789abcdef';
const notes = new Map<string, AcmeNote[]>();
let requests = 0;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    const match = /^\/tickets\/([^/]+)\/notes$/.exec(req.url ?? '');
    if (!match || req.headers['x-api-key'] !== API_KEY) {
      res.writeHead(match ? 401 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'no' }));
      return;
    }
    const ticket = decodeURIComponent(match[1]!);
    const list = notes.get(ticket) ?? [];
    notes.set(ticket, list);
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'POST') {
        const note: AcmeNote = {
          id: list.length + 1,
          body: (JSON.parse(text) as { body: string }).body,
          author: 'agent',
          created_at: new Date().toISOString(),
        };
        list.push(note);
        res.writeHead(201).end(JSON.stringify(note));
      } else res.writeHead(200).end(JSON.stringify(list));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  notes.clear();
  requests = 0;
});

describe('an adapter written outside this repository', () => {
  it('sends and lists through the facade, from settings given as data', async () => {
    const values = acmeDeskVendor.sandbox.settings({ baseUrl, apiKey: API_KEY });
    expect(checkSettings(acmeDeskVendor, values)).toEqual([]);
    const messaging = createOrderMessaging({
      connections: { desk: acmeDeskVendor.createAdapter(acmeDeskVendor.toOptions(values)) },
      reconcile: { settleDelayMs: 0 },
    });
    const { message } = await messaging.send('desk', { orderId: 'T-1', text: 'Hello' });
    expect(message).toMatchObject({ id: '1', text: 'Hello', vendor: 'acme-desk' });
    expect(await messaging.listAll('desk', { orderId: 'T-1' })).toHaveLength(1);
    const found = await messaging.findSent(
      'desk',
      { orderId: 'T-1', text: 'Hello' },
      { since: new Date(Date.now() - 1000) },
    );
    expect(found?.id).toBe('1');
  });

  it('gets validation, the call context and secret hiding from the kit', async () => {
    const adapter = acmeDesk({ baseUrl, apiKey: API_KEY });
    expect(inspect(adapter)).not.toContain(API_KEY);
    expect(JSON.stringify(adapter)).not.toContain(API_KEY);
    expect(Object.isFrozen(adapter)).toBe(true);
    const messaging = createOrderMessaging({ connections: { desk: adapter } });
    await expect(
      messaging.send('desk', { orderId: 'T-1', text: 'x'.repeat(2001) }),
    ).rejects.toBeInstanceOf(ValidationError);
    const controller = new AbortController();
    controller.abort();
    await expect(
      messaging.listAll('desk', { orderId: 'T-1' }, { signal: controller.signal }),
    ).rejects.toBeDefined();
    expect(requests).toBe(0);
  });
});

describe('built-in adapters', () => {
  const dir = new URL('../src/adapters/', import.meta.url);
  const entries = readdirSync(dir, { withFileTypes: true });
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const specifiersOf = (file: string) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    return [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]!);
  };
  /** Exactly the kit (as `kit`), the runtime, the vendor's own client, or a module under `parts`. */
  const allowed = (vendor: string, kit: string, parts: string) => {
    const modules = [kit, '@org/http-runtime', `@org/${vendor}-client`].map(escape).join('|');
    return new RegExp(`^(${modules}|${escape(parts)}[\\w-]+\\.js)$`);
  };

  const adapters = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => e.name);
  it.each(adapters)(
    '%s imports only public entry points (the adapter kit, the runtime, its vendor client)',
    (file) => {
      const vendor = file.replace(/\.ts$/, '');
      const specifiers = specifiersOf(file);
      expect(specifiers.length).toBeGreaterThan(0);
      // An adapter may be split into parts under `adapters/<vendor>/`.
      const expected = allowed(vendor, '../adapter-kit.js', `./${vendor}/`);
      for (const specifier of specifiers) expect(specifier).toMatch(expected);
    },
  );

  const parts = entries
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      readdirSync(new URL(`${folder.name}/`, dir))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${folder.name}/${file}`),
    );
  it.each(parts)(
    '%s imports only the adapter kit, the runtime, its vendor client and its own folder',
    (file) => {
      const vendor = file.split('/')[0]!;
      const specifiers = specifiersOf(file);
      expect(specifiers.length).toBeGreaterThan(0);
      const expected = allowed(vendor, '../../adapter-kit.js', './');
      for (const specifier of specifiers) expect(specifier).toMatch(expected);
    },
  );
});
