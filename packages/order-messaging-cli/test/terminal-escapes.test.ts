/**
 * Text from vendors and customers reaches a terminal with its control characters escaped: a
 * message or an attachment name holding ESC sequences cannot clear the screen, retitle the
 * window or hide text. `--json` keeps the text as it is (JSON-escaped).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { excerpt, table } from '../src/output.js';
import { run } from '../src/program.js';
import { capture } from './helpers.js';

const HOSTILE = 'hi\u001b[2J\u001b]0;owned\u0007 \u009b8m \u202egnp.exe';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe('control characters in human output', () => {
  let sandbox: Sandbox;
  let dir: string;
  let flags: string[];

  beforeAll(async () => {
    sandbox = await startSandbox({ host: '127.0.0.1' });
    dir = await mkdtemp(join(tmpdir(), 'om-escapes-'));
    const vendors = sandbox.vendors as unknown as {
      mirakl: { baseUrl: string; apiKey: string; shopId: number };
      spp: { baseUrl: string; token: string };
    };
    flags = [
      '--mirakl-base-url',
      vendors.mirakl.baseUrl,
      '--mirakl-api-key',
      vendors.mirakl.apiKey,
      '--mirakl-shop-id',
      String(vendors.mirakl.shopId),
      '--spp-base-url',
      vendors.spp.baseUrl,
      '--spp-token',
      vendors.spp.token,
    ];
  }, 30_000);
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const { streams, out, err } = capture();
    const code = await run(['node', 'order-messaging', ...flags, ...args], streams);
    return { code, out: out(), err: err() };
  };

  it('excerpt and table escape them', () => {
    expect(excerpt('a\u001b[2Jb', 60)).toBe('a\\x1b[2Jb');
    expect(excerpt('a\u202eb\u009bc', 60)).toBe('a\\u202eb\\x9bc');
    expect(table(['name'], [['x\u0007y']])).toContain('x\\x07y');
  });

  it('list, sync and inbox print a customer message with its escapes made visible', async () => {
    const order = sandbox.seed.spp.orderWithFewMessages.number;
    sandbox.simulate.customerMessage('spp', String(order), HOSTILE);

    const list = await cli('list', '--vendor', 'spp', '--order', String(order));
    expect(list.code, list.err).toBe(EXIT_CODES.ok);
    expect(list.out).toContain('hi\\x1b[2J\\x1b]0;owned\\x07');
    expect(list.out).not.toMatch(RAW);

    const sync = await cli(
      'sync',
      '--vendor',
      'spp',
      '--cursor-file',
      join(dir, 'c.json'),
      '--since',
      '2000-01-01',
    );
    expect(sync.code, sync.err).toBe(EXIT_CODES.ok);
    expect(sync.out).toContain('hi\\x1b[2J');
    expect(sync.out).not.toMatch(RAW);

    const inbox = await cli('inbox', '--vendor', 'spp');
    expect(inbox.code, inbox.err).toBe(EXIT_CODES.ok);
    expect(inbox.out).not.toMatch(RAW);

    // --json keeps the text itself, JSON-escaped.
    const json = await cli('--json', 'list', '--vendor', 'spp', '--order', String(order));
    const messages = JSON.parse(json.out).messages as { text: string }[];
    expect(messages.some((m) => m.text === HOSTILE)).toBe(true);
  }, 60_000);

  it("download prints the vendor's file name with its escapes made visible", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': "attachment; filename*=UTF-8''evil%1B%5B2J%1B%5D0%3Bpwned%07.pdf",
      });
      response.end('%PDF-1.4 hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { streams, out, err } = capture();
      const code = await run(
        [
          'node',
          'order-messaging',
          '--vendor',
          'mirakl',
          '--mirakl-base-url',
          `http://127.0.0.1:${port}`,
          '--mirakl-api-key',
          'test-key-123456',
          'download',
          '--attachment',
          'a1',
          '--output',
          join(dir, 'saved.pdf'),
        ],
        streams,
      );
      expect(code, err()).toBe(EXIT_CODES.ok);
      expect(out()).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07.pdf');
      expect(out()).not.toMatch(RAW);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
