/**
 * The `order-messaging-sandbox` command, run from source as `pnpm sandbox` runs it:
 * it prints working URLs and credentials, refuses non-loopback hosts and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    void exited.then(() => reject(new Error(`exited before printing: ${stderr}`)));
  });
  // Not every test awaits the first line; an early exit must not become an unhandled rejection.
  firstLine.catch(() => undefined);
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

/** Runs a printed `curl -H 'Name: value' 'url'` with fetch. */
async function runExample(command: string): Promise<number> {
  const headers: Record<string, string> = {};
  for (const [, name, value] of command.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[name!] = value!;
  const url = /(http:\/\/[^' ]+)'?$/.exec(command)?.[1];
  if (!url) throw new Error(`no URL in ${command}`);
  expect(new URL(url).hostname).toBe('127.0.0.1');
  return (await fetch(url, { headers })).status;
}

describe('order-messaging-sandbox', () => {
  it('prints the base URL, credentials and seeded ids of each vendor; every example works; SIGTERM stops it', async () => {
    const cli = runCli(['--port', '0', '--json']);
    const printed = JSON.parse(await cli.firstLine) as {
      url: string;
      vendors: Record<string, { baseUrl: string }>;
      seed: Record<string, unknown>;
      examples: Record<string, string>;
    };
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(printed.vendors).sort()).toEqual(['gameboost', 'mirakl', 'omnidesk', 'spp']);
    expect(printed.vendors.omnidesk?.baseUrl).toBe(`${printed.url}/omnidesk/api/v2`);
    expect(printed.seed).toHaveProperty('gameboost.accountOrders.processing');
    for (const example of Object.values(printed.examples))
      expect(await runExample(example)).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('prints a readable summary by default', async () => {
    const cli = runCli(['--port', '0']);
    expect(await cli.firstLine).toMatch(
      /^Provider sandbox listening on http:\/\/127\.0\.0\.1:\d+$/,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cli.output().stdout).toContain('/omnidesk/api/v2');
    expect(cli.output().stdout).toContain('try          curl');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a non-loopback host and a bad port with exit code 2', async () => {
    const host = runCli(['--host', '0.0.0.0']);
    expect(await host.exited).toBe(2);
    expect(host.output().stderr).toContain('loopback');
    const port = runCli(['--port', 'eighty']);
    expect(await port.exited).toBe(2);
    expect(port.output().stderr).toContain('--port');
  });

  it('--env prints export lines for the order-messaging CLI, then keeps serving them', async () => {
    const cli = runCli(['--port', '0', '--env']);
    expect(await cli.firstLine).toMatch(
      /^# order-messaging CLI -> provider sandbox on http:\/\/127\.0\.0\.1:\d+/,
    );
    while (!cli.output().stdout.includes('GAMEBOOST_TOKEN'))
      await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = cli.output().stdout.trim().split('\n').slice(1);
    for (const line of lines) expect(line).toMatch(/^export [A-Z_]+='[^']*'$/);
    const env = Object.fromEntries(
      lines.map(
        (line) => /^export ([A-Z_]+)='([^']*)'$/.exec(line)!.slice(1, 3) as [string, string],
      ),
    );
    expect(Object.keys(env)).toEqual([
      'MIRAKL_BASE_URL',
      'MIRAKL_API_KEY',
      'MIRAKL_SHOP_ID',
      'SPP_BASE_URL',
      'SPP_TOKEN',
      'OMNIDESK_BASE_URL',
      'OMNIDESK_API_KEY',
      'OMNIDESK_NOTE_CHANNEL',
      'GAMEBOOST_BASE_URL',
      'GAMEBOOST_TOKEN',
    ]);
    const orders = await fetch(`${env.SPP_BASE_URL}/api/orders?sort=last_message_at:desc`, {
      headers: { authorization: `Bearer ${env.SPP_TOKEN}` },
    });
    expect(orders.status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses --json with --env', async () => {
    const both = runCli(['--json', '--env']);
    expect(await both.exited).toBe(2);
    expect(both.output().stderr).toContain('pick one');
  });
});
