import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import {
  AuthenticationError,
  ConfigurationError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  ValidationError,
} from '@org/order-messaging';
import { describe, expect, it } from 'vitest';
import { connectionSettingsFor, secretsOf } from '../src/connections.js';
import { errorReport, formatErrorLine } from '../src/errors.js';
import {
  ERROR_KINDS,
  EXIT_CODES,
  exitCodeFor,
  exitCodeTable,
  UsageError,
} from '../src/exit-codes.js';
import { Output } from '../src/output.js';
import { createProgram } from '../src/program.js';
import { createProgressReporter, formatProgressLine } from '../src/progress.js';
import { timerMilliseconds } from '../src/commands/shared.js';
import { VENDOR_NAMES, VENDOR_SETTINGS } from '../src/vendors.js';
import { PACKAGE_VERSION } from '../src/version.js';
import packageJson from '../package.json' with { type: 'json' };

describe('exit codes', () => {
  it('gives every error kind its own code, all distinct', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of ERROR_KINDS) expect(EXIT_CODES[kind]).toBeGreaterThan(2);
    expect(exitCodeTable()).toMatch(/^\s+0\s+ok$/m);
  });

  it('maps facade errors by kind, and an unknown delivery above the kind', () => {
    expect(
      exitCodeFor(new ValidationError('too long', { field: 'text', reason: 'too_long' })),
    ).toBe(3);
    expect(exitCodeFor(new AuthenticationError('bad key'))).toBe(4);
    expect(exitCodeFor(new NotFoundError('no order'))).toBe(6);
    expect(exitCodeFor(new RateLimitedError('slow down'))).toBe(8);
    expect(exitCodeFor(new NetworkError('refused', { delivery: 'not_sent' }))).toBe(10);
    expect(exitCodeFor(new TimeoutError('late', { delivery: 'rejected' }))).toBe(11);
    expect(exitCodeFor(new TimeoutError('late', { delivery: 'unknown' }))).toBe(
      EXIT_CODES.delivery_unknown,
    );
    expect(exitCodeFor(new NetworkError('reset', { delivery: 'unknown' }))).toBe(14);
  });

  it('maps the CLI and runtime configuration errors to usage, anything else to internal', () => {
    expect(exitCodeFor(new UsageError('--vendor is required'))).toBe(2);
    expect(exitCodeFor(new ConfigurationError('baseUrl must use https'))).toBe(2);
    expect(exitCodeFor(new TypeError('boom'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
  });
});

describe('error reports', () => {
  it('say what to fix, per kind and vendor', () => {
    const auth = errorReport(
      new AuthenticationError('spp: rejected', {
        vendor: 'spp',
        connection: 'spp',
        status: 401,
        requestId: 'r-1',
      }),
    );
    expect(auth).toMatchObject({
      exitCode: 4,
      error: { kind: 'authentication', vendor: 'spp', status: 401, requestId: 'r-1' },
    });
    expect(auth.error.hint).toBe(
      'Check SPP_TOKEN (--spp-token): the key may be wrong, revoked or for another account.',
    );
    expect(formatErrorLine(auth)).toBe(
      'error (authentication; spp, HTTP 401, request r-1): spp: rejected\n  Check SPP_TOKEN (--spp-token): the key may be wrong, revoked or for another account.',
    );
    const mirakl = errorReport(new AuthenticationError('no', { vendor: 'mirakl' }));
    expect(mirakl.error.hint).toMatch(
      /MIRAKL_API_KEY \(--mirakl-api-key\) or MIRAKL_TOKEN \(--mirakl-token\)/,
    );
    const limited = errorReport(
      new RateLimitedError('429', { vendor: 'gameboost', retryAfterMs: 42_000 }),
    );
    expect(limited.error.hint).toMatch(/retry after 42 s/);
    const unknown = errorReport(
      new TimeoutError('no answer', { vendor: 'spp', delivery: 'unknown' }),
    );
    expect(unknown.exitCode).toBe(14);
    expect(unknown.error.hint).toMatch(/may or may not have been delivered/);
  });

  it('reports bugs as internal with a request to report them', () => {
    const report = errorReport(new TypeError('x is undefined'));
    expect(report).toMatchObject({
      exitCode: 1,
      error: { kind: 'internal', message: 'x is undefined' },
    });
  });
});

describe('connection settings', () => {
  it('builds each vendor from its options', () => {
    expect(
      connectionSettingsFor('mirakl', {
        miraklBaseUrl: 'https://acme.mirakl.net',
        miraklApiKey: 'key-1234',
        miraklShopId: '2001',
      }),
    ).toEqual({
      vendor: 'mirakl',
      baseUrl: 'https://acme.mirakl.net',
      auth: { type: 'apiKey', apiKey: 'key-1234' },
      shopId: 2001,
    });
    expect(
      connectionSettingsFor('mirakl', { miraklInstance: 'acme', miraklToken: 'jwt-1234' }),
    ).toEqual({
      vendor: 'mirakl',
      instance: 'acme',
      auth: { type: 'bearer', token: 'jwt-1234' },
    });
    expect(
      connectionSettingsFor('spp', { sppWorkspaceUrl: 'acme.spp.co', sppToken: 't-1234' }),
    ).toEqual({ vendor: 'spp', workspaceUrl: 'acme.spp.co', token: 't-1234' });
    expect(
      connectionSettingsFor('omnidesk', { omnideskAccount: 'acme', omnideskApiKey: 'k-1234' }),
    ).toEqual({ vendor: 'omnidesk', account: 'acme', apiKey: 'k-1234' });
    const gameboost = connectionSettingsFor('gameboost', { gameboostToken: 'g-1234' });
    expect(gameboost).toEqual({ vendor: 'gameboost', token: 'g-1234' });
    expect(secretsOf(gameboost)).toEqual(['g-1234']);
  });

  it('names exactly what is missing or wrong', () => {
    expect(() => connectionSettingsFor('mirakl', {})).toThrow(
      /missing mirakl connection settings: set MIRAKL_BASE_URL \(or --mirakl-base-url\) or MIRAKL_INSTANCE \(or --mirakl-instance\), and MIRAKL_API_KEY \(or --mirakl-api-key\) or MIRAKL_TOKEN \(or --mirakl-token\)/,
    );
    expect(() =>
      connectionSettingsFor('mirakl', { miraklInstance: 'a', miraklApiKey: 'k', miraklToken: 't' }),
    ).toThrow(/either MIRAKL_API_KEY or MIRAKL_TOKEN/);
    expect(() =>
      connectionSettingsFor('mirakl', {
        miraklInstance: 'a',
        miraklApiKey: 'k',
        miraklShopId: 'shop',
      }),
    ).toThrow(/must be a positive integer/);
    expect(() => connectionSettingsFor('gameboost', { gameboostToken: '   ' })).toThrow(
      /GAMEBOOST_TOKEN \(or --gameboost-token\)/,
    );
    expect(() => connectionSettingsFor('omnidesk', { omnideskAccount: 'a' })).toThrow(UsageError);
  });

  it('offers the settings each descriptor declares, the ones the old flag list lacked included', () => {
    expect(
      connectionSettingsFor('spp', {
        sppWorkspaceUrl: 'acme.spp.co',
        sppToken: 't-1234',
        sppApiVersion: ' 2024-01 ',
        sppUserId: '42',
        sppPageSize: '50',
      }),
    ).toEqual({
      vendor: 'spp',
      workspaceUrl: 'acme.spp.co',
      token: 't-1234',
      apiVersion: '2024-01',
      userId: 42,
      pageSize: 50,
    });
    expect(
      connectionSettingsFor('omnidesk', {
        omnideskAccount: 'acme',
        omnideskDomain: 'omnidesk.io',
        omnideskApiKey: 'k-1234',
        omnideskUserId: '7',
      }),
    ).toEqual({
      vendor: 'omnidesk',
      account: 'acme',
      domain: 'omnidesk.io',
      apiKey: 'k-1234',
      userId: 7,
    });
    expect(() =>
      connectionSettingsFor('spp', {
        sppBaseUrl: 'https://x.test',
        sppToken: 't',
        sppUserId: 'me',
      }),
    ).toThrow(/^spp: SPP_USER_ID \(or --spp-user-id\) must be a positive integer \(got "me"\)$/);
    // Whitespace-only is absent, not zero.
    expect(
      connectionSettingsFor('mirakl', {
        miraklInstance: 'a',
        miraklApiKey: 'k-1234',
        miraklPageSize: '  ',
      }),
    ).toEqual({ vendor: 'mirakl', instance: 'a', auth: { type: 'apiKey', apiKey: 'k-1234' } });
  });

  it('documents a flag and an environment variable for every setting', () => {
    for (const vendor of VENDOR_NAMES) {
      for (const setting of VENDOR_SETTINGS[vendor]) {
        expect(setting.env).toMatch(new RegExp(`^${vendor.toUpperCase()}_[A-Z_]+$`));
        expect(setting.flag).toMatch(new RegExp(`^--${vendor}-[a-z-]+ <[a-z]+>$`));
      }
    }
  });
});

describe('output', () => {
  it('cuts every registered secret out of what it prints', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = '';
    stdout.on('data', (chunk) => (printed += chunk));
    stderr.on('data', (chunk) => (printed += chunk));
    const output = new Output(
      stdout as unknown as NodeJS.WriteStream,
      stderr as unknown as NodeJS.WriteStream,
    );
    output.addSecret('sk_live_abcdef');
    output.addSecret('ab'); // too short to scrub safely
    output.out('token sk_live_abcdef leaked');
    output.err('again: sk_live_abcdef, about');
    output.json({ nested: ['sk_live_abcdef'] });
    expect(printed).not.toContain('sk_live_abcdef');
    expect(printed).toContain('token [REDACTED] leaked');
    expect(printed).toContain('about');
  });

  it('also cuts a secret out where a URL carries it percent-encoded (the runtime scrubber)', () => {
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (chunk) => (printed += chunk));
    const output = new Output(
      stdout as unknown as NodeJS.WriteStream,
      new PassThrough() as unknown as NodeJS.WriteStream,
    );
    output.addSecret('k3y+with/slash=');
    output.out('GET https://vendor.example/api?token=k3y%2Bwith%2Fslash%3D failed');
    expect(printed).toBe('GET https://vendor.example/api?token=[REDACTED] failed\n');
  });
});

describe('progress', () => {
  const counts = { done: 5, total: 10, sent: 4, skipped: 1, failed: 0, unknown: 0 };

  it('formats plain progress lines', () => {
    expect(formatProgressLine(counts)).toBe(
      'progress 5/10 (50%) sent=4 skipped=1 failed=0 unknown=0',
    );
  });

  function fakeStream(isTTY: boolean) {
    const stream = new PassThrough() as PassThrough & {
      isTTY?: boolean;
      columns?: number;
      cursorTo?: unknown;
      clearLine?: unknown;
      moveCursor?: unknown;
    };
    stream.isTTY = isTTY;
    stream.columns = 200;
    stream.cursorTo = (_x: number, _y?: number, callback?: () => void) => callback?.() ?? true;
    stream.clearLine = (_dir: number, callback?: () => void) => callback?.() ?? true;
    stream.moveCursor = (_dx: number, _dy: number, callback?: () => void) => callback?.() ?? true;
    let text = '';
    stream.on('data', (chunk) => (text += chunk));
    const writable = stream as unknown as NodeJS.WriteStream;
    return { stream: writable, output: new Output(writable, writable), text: () => text };
  }

  it('draws a bar on a terminal', () => {
    const { output, text } = fakeStream(true);
    const reporter = createProgressReporter({ output, plain: false, intervalMs: 10 }, counts);
    reporter.stop({ ...counts, done: 10, sent: 9 });
    expect(text()).toMatch(/sending \|.*\| 10\/10 100% \| sent 9 skipped 1 failed 0 unknown 0/);
  });

  it('prints log lines above the bar, each on a line of its own, never inside it', async () => {
    const { output, text } = fakeStream(true);
    const reporter = createProgressReporter({ output, plain: false, intervalMs: 10 }, counts);
    reporter.update({ ...counts, done: 3, sent: 3 });
    output.err('[warn] first log line');
    await new Promise((resolve) => setTimeout(resolve, 150)); // a redraw or two
    output.err('[info] last log line, still buffered at stop');
    reporter.stop({ ...counts, done: 10, sent: 9 });
    const lines = text().split(/\r|\n|\x1b\[[0-9;]*[A-Za-z]/);
    expect(lines).toContain('[warn] first log line');
    expect(lines).toContain('[info] last log line, still buffered at stop');
    // After the bar stopped, lines go straight to stderr again.
    output.err('after');
    expect(text().endsWith('after\n')).toBe(true);
  });

  it('prints plain lines when not a terminal, or with --json even on one', async () => {
    for (const [isTTY, plain] of [
      [false, false],
      [true, true],
    ] as const) {
      const { output, text } = fakeStream(isTTY);
      const reporter = createProgressReporter({ output, plain, intervalMs: 5 }, counts);
      reporter.update({ ...counts, done: 7, sent: 6 });
      await new Promise((resolve) => setTimeout(resolve, 30));
      reporter.stop({ ...counts, done: 10, sent: 9 });
      expect(text()).not.toContain('|');
      expect(text()).toContain('progress 7/10 (70%) sent=6 skipped=1 failed=0 unknown=0\n');
      expect(text().trim().split('\n').at(-1)).toBe(
        'progress 10/10 (100%) sent=9 skipped=1 failed=0 unknown=0',
      );
    }
  });
});

describe('package', () => {
  it('the README documents every connection variable and exit code', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const vendor of VENDOR_NAMES) {
      for (const setting of VENDOR_SETTINGS[vendor]) {
        const row = `^\\| ${vendor} +\\| \`${escape(setting.env)}\` +\\| \`${escape(setting.flag)}\` +\\|`;
        expect(readme).toMatch(new RegExp(row, 'm'));
      }
    }
    for (const [name, code] of Object.entries(EXIT_CODES)) {
      expect(readme).toMatch(new RegExp(`^\\| ${code} +\\| \`${name}\` +\\|`, 'm'));
    }
  });

  it('the README has a section for every command', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const output = new Output(new PassThrough() as never, new PassThrough() as never);
    const commands = createProgram(output, () => undefined, {}).commands.map((c) => c.name());
    expect(commands).toEqual(expect.arrayContaining(['sync', 'inbox']));
    for (const name of commands) expect(readme).toContain(`### \`${name}\``);
  });

  it('PACKAGE_VERSION matches package.json', () => {
    expect(PACKAGE_VERSION).toBe(packageJson.version);
  });
});

describe('sync lines', () => {
  it("name GameBoost's order kind after the order, in text and JSON", async () => {
    const { syncLineJson, syncLineText } = await import('../src/commands/sync.js');
    const event = {
      type: 'message' as const,
      message: {
        id: 'm1',
        orderId: '7',
        text: 'Hello',
        author: { kind: 'customer' as const },
        sentAt: new Date('2024-05-01T10:00:00Z'),
        attachments: [],
        internal: false,
        vendor: 'gameboost',
        connection: 'gameboost',
        raw: {},
      },
      order: { id: '7', vendorOptions: { gameboost: { orderKind: 'item' } }, needsReply: null },
      edited: false,
    };
    expect(syncLineText(event)).toContain('  order 7 (item)  customer  ');
    expect(syncLineJson(event, false)).toMatchObject({
      orderId: '7',
      vendorOptions: { gameboost: { orderKind: 'item' } },
    });
    const { vendorOptions: _, ...order } = event.order;
    expect(syncLineText({ ...event, order })).toContain('  order 7  customer  ');
    expect(syncLineJson({ ...event, order }, false)).not.toHaveProperty('vendorOptions');
  });
});

describe('timer options', () => {
  // Past 2^31 - 1 ms a timer fires after 1 ms: such a timeout would end every call at once.
  it.each([['--timeout'], ['--total-timeout']])('%s refuses what a timer cannot wait', (flag) => {
    const parse = timerMilliseconds(flag);
    expect(parse('2147483647')).toBe(2_147_483_647);
    expect(() => parse('2147483648')).toThrow(/must be a positive integer of at most 2147483647/);
  });

  it('the program parses --timeout with that bound', () => {
    const output = new Output(new PassThrough() as never, new PassThrough() as never);
    const program = createProgram(output, () => undefined, {}).exitOverride();
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    expect(() =>
      program.parse(['--timeout', '2147483648', 'capabilities'], { from: 'user' }),
    ).toThrow(/--timeout must be a positive integer of at most 2147483647/);
  });
});
