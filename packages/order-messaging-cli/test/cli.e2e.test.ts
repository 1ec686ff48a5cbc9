import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SppSeed } from '@org/provider-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { assertBuilt, cleanEnv, runCli, sandboxEnv } from './helpers.js';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let sppOrder: string;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ host: '127.0.0.1' });
  env = cleanEnv(sandboxEnv(sandbox));
  sppOrder = (sandbox.seed.spp as unknown as SppSeed).orderWithFewMessages.number;
  dir = await mkdtemp(join(tmpdir(), 'om-cli-'));
});

afterEach(() => {
  sandbox.faults.clear();
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function parseJson(stdout: string): any {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not JSON:\n${stdout}`);
  }
}

describe('order-messaging (built bin) against the sandbox', () => {
  it('--help documents the environment variables and the exit codes', async () => {
    const result = await runCli(['--help'], env);
    expect(result.code).toBe(0);
    for (const name of [
      'MIRAKL_BASE_URL',
      'MIRAKL_API_KEY',
      'MIRAKL_TOKEN',
      'MIRAKL_SHOP_ID',
      'SPP_WORKSPACE_URL',
      'SPP_BASE_URL',
      'SPP_TOKEN',
      'OMNIDESK_ACCOUNT',
      'OMNIDESK_BASE_URL',
      'OMNIDESK_API_KEY',
      'GAMEBOOST_TOKEN',
      'GAMEBOOST_BASE_URL',
    ]) {
      expect(result.stdout).toContain(name);
    }
    expect(result.stdout).toMatch(/^\s+14\s+delivery_unknown$/m);
    expect(result.stdout).toMatch(/^\s+6\s+not_found$/m);
  });

  it('send stores the message once and prints its id', async () => {
    const text = `cli send ${Date.now()}`;
    const result = await runCli(
      ['send', '--vendor', 'spp', '--order', sppOrder, '--text', text],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stored = sandbox.state
      .messages('spp', sppOrder)
      .filter((message) => message.text === text);
    expect(stored).toHaveLength(1);
    expect(result.stdout).toContain(`sent message ${stored[0]!.id} on spp order ${sppOrder}`);
  });

  it('send --json prints the normalized message; an attachment and an internal note get through', async () => {
    const attachment = join(dir, 'label.txt');
    await writeFile(attachment, 'shipping label');
    const text = `cli json ${Date.now()}`;
    const result = await runCli(
      [
        'send',
        '--vendor',
        'spp',
        '--order',
        sppOrder,
        '--text',
        text,
        '--internal',
        '--attach',
        attachment,
        '--json',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const output = parseJson(result.stdout);
    expect(output).toMatchObject({
      reconciled: false,
      attempts: 1,
      message: { text, internal: true, vendor: 'spp', orderId: sppOrder },
    });
    expect(output.message.attachments).toHaveLength(1);
    expect(output.message.raw).toBeUndefined();
    expect(Date.parse(output.message.sentAt)).not.toBeNaN();
    const stored = sandbox.state
      .messages('spp', sppOrder)
      .filter((message) => message.text === text);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).toBe(output.message.id);
    expect(stored[0]!.internal).toBe(true);
    expect(stored[0]!.attachments?.map((file) => file.name)).toEqual(['label.txt']);
  });

  it('list prints every message of the order, as a table and as JSON', async () => {
    const expected = sandbox.state.messages('spp', sppOrder);
    const json = await runCli(['list', '--vendor', 'spp', '--order', sppOrder, '--json'], env);
    expect(json.code).toBe(0);
    const ids = parseJson(json.stdout).messages.map((message: { id: string }) => message.id);
    expect(ids.sort()).toEqual(expected.map((message) => message.id).sort());

    const table = await runCli(['list', '--vendor', 'spp', '--order', sppOrder], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^sent at\s+author\s+id\s+note\s+attachments\s+text$/m);
    expect(table.stdout).toContain(`${expected.length} message(s)`);
    expect(table.stdout).toContain(expected[0]!.text.slice(0, 30));
  });

  it('list works for the other vendors too (Mirakl threads, Omnidesk timeline, GameBoost chat)', async () => {
    const seed = sandbox.seed as unknown as {
      mirakl: { orderWithThread: string };
      omnidesk: { ticketWithMessages: number };
      gameboost: { accountOrders: { processing: string } };
    };
    const cases: [string, string][] = [
      ['mirakl', seed.mirakl.orderWithThread],
      ['omnidesk', String(seed.omnidesk.ticketWithMessages)],
      ['gameboost', seed.gameboost.accountOrders.processing],
    ];
    for (const [vendor, order] of cases) {
      const result = await runCli(['list', '--vendor', vendor, '--order', order, '--json'], env);
      expect(result.code, `${vendor}: ${result.stdout}${result.stderr}`).toBe(0);
      const messages = parseJson(result.stdout).messages;
      expect(messages.length, vendor).toBeGreaterThan(0);
      expect(
        messages.every(
          (message: { vendor: string; orderId: string }) =>
            message.vendor === vendor && message.orderId === order,
        ),
      ).toBe(true);
    }
  });

  it('passes settings the descriptors added (SPP_PAGE_SIZE) through to the adapter', async () => {
    const expected = sandbox.state.messages('spp', sppOrder).length;
    expect(expected).toBeGreaterThan(1);
    const listings = () =>
      sandbox.state.requests.filter((request) => request.operationId === 'listOrderMessages')
        .length;
    const before = listings();
    const result = await runCli(['list', '--vendor', 'spp', '--order', sppOrder, '--json'], {
      ...env,
      SPP_PAGE_SIZE: '1',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).messages).toHaveLength(expected);
    // One message per page: one listing request per message (the default page holds them all).
    expect(listings() - before).toBe(expected);
  });

  it('capabilities needs no credentials and prints each vendor', async () => {
    const result = await runCli(['capabilities', '--json'], cleanEnv());
    expect(result.code).toBe(0);
    const { capabilities } = parseJson(result.stdout);
    expect(Object.keys(capabilities)).toEqual(['mirakl', 'spp', 'omnidesk', 'gameboost']);
    expect(capabilities.gameboost).toMatchObject({
      attachments: false,
      orderKinds: ['account', 'item', 'currency'],
    });
    // Omnidesk documents no note channel: notes only with --omnidesk-note-channel.
    expect(capabilities.omnidesk).toMatchObject({ internalNotes: false, text: { minLength: 5 } });

    const human = await runCli(['capabilities', '--vendor', 'spp'], cleanEnv());
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^spp:\n\s+list\s+yes/m);
    expect(human.stdout).toMatch(/internalNotes\s+yes/);
  });

  it('--sandbox runs against an embedded sandbox without any credentials', async () => {
    const result = await runCli(
      [
        'send',
        '--sandbox',
        '--vendor',
        'spp',
        '--order',
        'E4A269FC',
        '--text',
        'hello from --sandbox',
        '--json',
      ],
      cleanEnv(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      message: { text: 'hello from --sandbox', vendor: 'spp' },
    });
    // The embedded sandbox is the CLI's own: the test's sandbox did not see the message.
    expect(
      sandbox.state.messages('spp').some((message) => message.text === 'hello from --sandbox'),
    ).toBe(false);

    const human = await runCli(
      ['list', '--sandbox', '--vendor', 'gameboost', '--order', '100001'],
      cleanEnv(),
    );
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(
      /using the embedded sandbox at http:\/\/127\.0\.0\.1:\d+.*seeded orders: gameboost 100001/,
    );
  });

  describe('exit codes and messages that say what to fix', () => {
    it('usage (2): missing credentials name the variables to set', async () => {
      const result = await runCli(
        ['send', '--vendor', 'spp', '--order', 'X', '--text', 'hi'],
        cleanEnv(),
      );
      expect(result.code).toBe(EXIT_CODES.usage);
      expect(result.stderr).toMatch(
        /missing spp connection settings: set SPP_WORKSPACE_URL .* or SPP_BASE_URL .*, and SPP_TOKEN/,
      );
      expect(result.stderr).toContain('--sandbox');
    });

    it('usage (2): an unknown option or a missing required one', async () => {
      const unknown = await runCli(
        ['send', '--vendor', 'spp', '--order', 'X', '--text', 'hi', '--colour'],
        env,
      );
      expect(unknown.code).toBe(EXIT_CODES.usage);
      expect(unknown.stderr).toMatch(/unknown option '--colour'/);
      const missing = await runCli(['list', '--vendor', 'spp'], env);
      expect(missing.code).toBe(EXIT_CODES.usage);
      expect(missing.stderr).toMatch(/required option '--order <id>' not specified/);
    });

    it('validation (3): a message the vendor would refuse is stopped before sending', async () => {
      const before = sandbox.state.requests.length;
      const result = await runCli(
        ['send', '--vendor', 'omnidesk', '--order', '12345', '--text', 'hi'],
        env,
      );
      expect(result.code).toBe(EXIT_CODES.validation);
      expect(result.stderr).toMatch(/error \(validation; omnidesk\)/);
      expect(result.stderr).toMatch(/capabilities/);
      expect(sandbox.state.requests.length).toBe(before);
    });

    it('authentication (4): the rejected token is never printed', async () => {
      const badToken = 'spp-wrong-token-4f9a8b7c6d5e';
      const result = await runCli(
        ['send', '--vendor', 'spp', '--order', sppOrder, '--text', 'hello', '--json'],
        {
          ...env,
          SPP_TOKEN: badToken,
        },
      );
      expect(result.code).toBe(EXIT_CODES.authentication);
      const report = parseJson(result.stdout);
      expect(report).toMatchObject({
        exitCode: 4,
        error: { kind: 'authentication', vendor: 'spp', status: 401 },
      });
      expect(report.error.hint).toContain('SPP_TOKEN');
      expect(result.stdout + result.stderr).not.toContain(badToken);
      const viaFlag = await runCli(
        ['list', '--vendor', 'spp', '--order', sppOrder, '--spp-token', badToken],
        cleanEnv({ SPP_BASE_URL: env.SPP_BASE_URL! }),
      );
      expect(viaFlag.code).toBe(EXIT_CODES.authentication);
      expect(viaFlag.stdout + viaFlag.stderr).not.toContain(badToken);
    });

    it('not_found (6): an unknown order', async () => {
      const result = await runCli(['list', '--vendor', 'spp', '--order', 'NO-SUCH-ORDER'], env);
      expect(result.code).toBe(EXIT_CODES.not_found);
      expect(result.stderr).toMatch(/^error \(not_found; spp\): spp: .*HTTP 404/m);
      expect(result.stderr).toMatch(/Check the order id/);
    });

    it('invalid_order_state (7): a GameBoost order that no longer takes messages', async () => {
      const refunded = (
        sandbox.seed.gameboost as unknown as { accountOrders: { refunded: string } }
      ).accountOrders.refunded;
      const result = await runCli(
        ['send', '--vendor', 'gameboost', '--order', refunded, '--text', 'hello'],
        env,
      );
      expect(result.stderr).toMatch(/invalid_order_state/);
      expect(result.code).toBe(EXIT_CODES.invalid_order_state);
    });

    it('rate_limited (8): the vendor keeps answering 429', async () => {
      sandbox.faults.inject({
        vendor: 'spp',
        operationId: 'listOrderMessages',
        status: 429,
        retryAfter: 0,
        times: 10,
      });
      const result = await runCli(
        ['list', '--vendor', 'spp', '--order', sppOrder, '--retries', '1', '--json'],
        env,
      );
      expect(result.code).toBe(EXIT_CODES.rate_limited);
      expect(parseJson(result.stdout).error).toMatchObject({ kind: 'rate_limited', status: 429 });
    });

    it('vendor_server (9): a 5xx on a read', async () => {
      sandbox.faults.inject({
        vendor: 'spp',
        operationId: 'listOrderMessages',
        status: 500,
        times: 10,
      });
      const result = await runCli(
        ['list', '--vendor', 'spp', '--order', sppOrder, '--retries', '0'],
        env,
      );
      expect(result.code).toBe(EXIT_CODES.vendor_server);
    });

    it('network (10): nothing listens at the base URL', async () => {
      const result = await runCli(
        ['list', '--vendor', 'spp', '--order', sppOrder, '--retries', '0'],
        {
          ...env,
          SPP_BASE_URL: 'http://127.0.0.1:9/spp',
        },
      );
      expect(result.code).toBe(EXIT_CODES.network);
      expect(result.stderr).toMatch(/SPP_WORKSPACE_URL \/ SPP_BASE_URL/);
    });

    it('timeout (11): the vendor does not answer in time', async () => {
      sandbox.faults.inject({ vendor: 'spp', operationId: 'listOrderMessages', latencyMs: 3000 });
      const result = await runCli(
        ['list', '--vendor', 'spp', '--order', sppOrder, '--retries', '0', '--timeout', '300'],
        env,
      );
      expect(result.code).toBe(EXIT_CODES.timeout);
    });

    it('delivery_unknown (14): the post was applied but its answer lost, and the order cannot be checked', async () => {
      const text = `ambiguous ${Date.now()}`;
      sandbox.faults.inject({
        vendor: 'spp',
        operationId: 'createOrderMessage',
        drop: 'after-apply',
      });
      sandbox.faults.inject({
        vendor: 'spp',
        operationId: 'listOrderMessages',
        status: 503,
        times: 50,
      });
      const result = await runCli(
        ['send', '--vendor', 'spp', '--order', sppOrder, '--text', text, '--retries', '0'],
        env,
      );
      expect(result.code).toBe(EXIT_CODES.delivery_unknown);
      expect(result.stderr).toMatch(/may or may not have been delivered/);
      expect(
        sandbox.state.messages('spp', sppOrder).filter((message) => message.text === text),
      ).toHaveLength(1);
    });

    it('an ambiguous send that the facade can check is reported as sent once, not twice', async () => {
      const text = `reconciled ${Date.now()}`;
      sandbox.faults.inject({
        vendor: 'spp',
        operationId: 'createOrderMessage',
        drop: 'after-apply',
      });
      const result = await runCli(
        ['send', '--vendor', 'spp', '--order', sppOrder, '--text', text, '--json'],
        env,
      );
      expect(result.code).toBe(0);
      expect(parseJson(result.stdout)).toMatchObject({ reconciled: true, message: { text } });
      expect(
        sandbox.state.messages('spp', sppOrder).filter((message) => message.text === text),
      ).toHaveLength(1);
    });
  });
});
