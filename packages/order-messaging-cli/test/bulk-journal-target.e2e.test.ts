import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import {
  addSppOrders,
  assertBuilt,
  cleanEnv,
  runCli,
  sandboxEnv,
  storedTextCounts,
} from './helpers.js';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ host: '127.0.0.1' });
  env = cleanEnv(sandboxEnv(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'om-bulk-target-'));
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** With `seeded`, lines go to an order every sandbox is seeded with: the embedded one (--sandbox) has it too. */
async function messagesFile(
  name: string,
  count: number,
  prefix: string,
  { seeded = false } = {},
): Promise<string> {
  const orders = seeded
    ? [
        (sandbox.seed.spp as unknown as { orderWithFewMessages: { number: string } })
          .orderWithFewMessages.number,
      ]
    : addSppOrders(sandbox, 2);
  const path = join(dir, name);
  const lines = Array.from({ length: count }, (_, index) => ({
    orderId: orders[index % orders.length]!,
    text: `${prefix} #${index + 1}`,
  }));
  await writeFile(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return path;
}

function sppToken(): string {
  return (sandbox.vendors as unknown as { spp: { token: string } }).spp.token;
}

describe('send-bulk: a journal belongs to one target', () => {
  it('a --sandbox run keeps its own journal: the real run afterwards sends every line', async () => {
    const prefix = `target-default-${Date.now()}`;
    const file = await messagesFile('default.jsonl', 6, prefix, { seeded: true });

    const tried = await runCli(
      ['send-bulk', '--sandbox', '--vendor', 'spp', '--file', file, '--json'],
      env,
    );
    expect(tried.code, tried.stderr).toBe(0);
    expect(JSON.parse(tried.stdout)).toMatchObject({
      sent: 6,
      journal: `${file}.sandbox.journal.jsonl`,
    });
    expect(existsSync(`${file}.journal.jsonl`)).toBe(false);

    const real = await runCli(['send-bulk', '--vendor', 'spp', '--file', file, '--json'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      sent: 6,
      skipped: 0,
      journal: `${file}.journal.jsonl`,
    });
    expect(storedTextCounts(sandbox, 'spp', prefix).size).toBe(6);
  });

  it('refuses a journal made in the sandbox for the real target (exit 2), skipping nothing silently', async () => {
    const prefix = `target-refused-${Date.now()}`;
    const file = await messagesFile('refused.jsonl', 5, prefix, { seeded: true });
    const journal = join(dir, 'shared.journal.jsonl');

    const tried = await runCli(
      ['send-bulk', '--sandbox', '--vendor', 'spp', '--file', file, '--journal', journal],
      env,
    );
    expect(tried.code, tried.stderr).toBe(0);
    const before = await readFile(journal, 'utf8');

    const real = await runCli(
      ['send-bulk', '--vendor', 'spp', '--file', file, '--journal', journal],
      env,
    );
    expect(real.code).toBe(EXIT_CODES.usage);
    expect(real.stdout).not.toMatch(/skipped/);
    expect(real.stderr).toContain('belongs to another target');
    expect(real.stderr).toContain('embedded sandbox');
    expect(real.stderr).toContain(sandboxEnv(sandbox).SPP_BASE_URL!);
    expect(real.stderr).toMatch(/--journal <another file>/);
    expect(real.stderr).toMatch(/delete the journal/);
    expect(await readFile(journal, 'utf8')).toBe(before);
    expect(storedTextCounts(sandbox, 'spp', prefix).size).toBe(0);
  });

  it('refuses a journal made for another base URL', async () => {
    const prefix = `target-url-${Date.now()}`;
    const file = await messagesFile('url.jsonl', 3, prefix);
    const first = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(first.code, first.stderr).toBe(0);
    const otherUrl = sandboxEnv(sandbox).SPP_BASE_URL!.replace('127.0.0.1', 'localhost');
    const second = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], {
      ...env,
      SPP_BASE_URL: otherUrl,
    });
    expect(second.code).toBe(EXIT_CODES.usage);
    expect(second.stderr).toContain(otherUrl);
    expect(second.stdout).not.toMatch(/skipped/);
  });

  it('records the target in the first line of the journal, never the credential', async () => {
    const prefix = `target-header-${Date.now()}`;
    const file = await messagesFile('header.jsonl', 2, prefix);
    const result = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(`${file}.journal.jsonl`, 'utf8');
    expect(text).not.toContain(sppToken());
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({
      journal: 'order-messaging send-bulk',
      version: 1,
      targets: [
        {
          vendor: 'spp',
          connection: 'spp',
          sandbox: false,
          settings: { baseUrl: sandboxEnv(sandbox).SPP_BASE_URL!.replace(/\/+$/, '') },
        },
      ],
    });
  });

  it('refuses a journal without a header unless --journal-adopt is given', async () => {
    const prefix = `target-legacy-${Date.now()}`;
    const file = await messagesFile('legacy.jsonl', 2, prefix);
    const journal = `${file}.journal.jsonl`;
    // Written by a version without headers: the first line was sent, to some target.
    const legacy = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(legacy.code, legacy.stderr).toBe(0);
    const withoutHeader = (await readFile(journal, 'utf8')).split('\n').slice(1).join('\n');
    await writeFile(journal, withoutHeader);

    const refused = await runCli(['send-bulk', '--vendor', 'spp', '--file', file], env);
    expect(refused.code).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toMatch(/does not say which target/);
    expect(refused.stderr).toContain('--journal-adopt');
    expect(await readFile(journal, 'utf8')).toBe(withoutHeader);

    const adopted = await runCli(
      ['send-bulk', '--vendor', 'spp', '--file', file, '--journal-adopt', '--json'],
      env,
    );
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(JSON.parse(adopted.stdout)).toMatchObject({ sent: 0, skipped: 2 });
    expect(JSON.parse((await readFile(journal, 'utf8')).split('\n')[0]!)).toMatchObject({
      targets: [{ vendor: 'spp', sandbox: false }],
    });
    expect(storedTextCounts(sandbox, 'spp', prefix).size).toBe(2);
  });

  it.each([
    ['a newline', 'secr3t-line\nsecond-part'],
    ['a control character', 'secr3t-ctl\u0001rest'],
  ])('exits 2 for a credential with %s, without printing it', async (_, token) => {
    const file = await messagesFile(`bad-${token.length}.jsonl`, 1, `bad-token-${Date.now()}`);
    for (const args of [
      ['send-bulk', '--vendor', 'spp', '--file', file],
      ['send', '--vendor', 'spp', '--order', 'X', '--text', 'hi'],
      ['list', '--vendor', 'spp', '--order', 'X', '--json'],
    ]) {
      const result = await runCli(args, { ...env, SPP_TOKEN: token });
      expect(result.code, `${args[0]}: ${result.stderr}${result.stdout}`).toBe(EXIT_CODES.usage);
      const printed = result.stdout + result.stderr;
      expect(printed).toMatch(/token/i);
      expect(printed).not.toContain('secr3t');
    }
    expect(existsSync(`${file}.journal.jsonl`)).toBe(false);
  });
});
