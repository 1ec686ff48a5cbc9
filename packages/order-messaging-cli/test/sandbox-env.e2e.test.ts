/**
 * `order-messaging-sandbox --env` restates the facade descriptors' sandbox settings (it cannot
 * import them: the facade depends on the sandbox). These tests hold the two together, and run
 * this CLI with nothing but the printed environment.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENDORS, settingEnv, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { sandboxCliEnv, startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, runCli } from './helpers.js';

const SANDBOX_BIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'provider-sandbox',
  'dist',
  'cli.js',
);

let sandbox: Sandbox;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

describe('order-messaging-sandbox --env', () => {
  it("names every setting of each descriptor's sandbox wiring, with its value", () => {
    const expected: Record<string, string> = {};
    for (const descriptor of VENDORS) {
      const wiring = descriptor.sandbox as AnyVendorDescriptor['sandbox'];
      const settings = wiring.settings(
        (sandbox.vendors as Record<string, unknown>)[descriptor.name],
      );
      for (const setting of descriptor.settings) {
        const value = settings[setting.key];
        if (value !== undefined) expected[settingEnv(descriptor.name, setting)] = String(value);
      }
    }
    expect(sandboxCliEnv(sandbox)).toEqual(expected);
  });

  it('prints export lines of a running sandbox that this CLI works with, without --sandbox', async () => {
    const child = spawn(process.execPath, [SANDBOX_BIN, '--port', '0', '--env'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      const env = await new Promise<Record<string, string>>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (!stdout.includes('GAMEBOOST_TOKEN')) return;
          const pairs = [...stdout.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)];
          resolve(Object.fromEntries(pairs.map(([, name, value]) => [name!, value!])));
        });
        child.once('exit', () => reject(new Error(`exited before printing: ${stdout}`)));
      });
      expect(stdout.split('\n')[0]).toMatch(/^# .*http:\/\/127\.0\.0\.1:\d+/);
      expect(Object.keys(env)).toEqual(Object.keys(sandboxCliEnv(sandbox)));
      const result = await runCli(
        [
          'list',
          '--vendor',
          'gameboost',
          '--order',
          sandbox.seed.gameboost.accountOrders.processing,
          '--json',
        ],
        cleanEnv(env),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).messages.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
