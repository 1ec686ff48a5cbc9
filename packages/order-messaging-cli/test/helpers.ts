import { PassThrough } from 'node:stream';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '@org/provider-sandbox';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(packageDir, 'dist', 'bin.js');

/**
 * The end-to-end tests run the built bin, as a user would. CI builds every package
 * before the tests; locally, run the build first.
 */
export function assertBuilt(): void {
  const missing = [
    BIN,
    join(packageDir, '..', 'order-messaging', 'dist', 'index.js'),
    join(packageDir, '..', 'provider-sandbox', 'dist', 'index.js'),
  ].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `The CLI end-to-end tests spawn the built bin, but these files are missing:\n  ${missing.join('\n  ')}\n` +
        'Build first: `npx -y pnpm@10 build` at the repository root (turbo builds the CLI and its dependencies).',
    );
  }
}

const VENDOR_ENV = /^(MIRAKL|SPP|OMNIDESK|GAMEBOOST|ORDER_MESSAGING)_/;

/** The test process's environment without any vendor setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!VENDOR_ENV.test(name)) env[name] = value;
  return { ...env, ...extra };
}

/** Environment variables that point the CLI at the sandbox's four vendors. */
export function sandboxEnv(sandbox: Sandbox): Record<string, string> {
  const vendors = sandbox.vendors as unknown as {
    mirakl: { baseUrl: string; apiKey: string; shopId: number };
    spp: { baseUrl: string; token: string };
    omnidesk: { baseUrl: string; apiKey: string };
    gameboost: { baseUrl: string; token: string };
  };
  return {
    MIRAKL_BASE_URL: vendors.mirakl.baseUrl,
    MIRAKL_API_KEY: vendors.mirakl.apiKey,
    MIRAKL_SHOP_ID: String(vendors.mirakl.shopId),
    SPP_BASE_URL: vendors.spp.baseUrl,
    SPP_TOKEN: vendors.spp.token,
    OMNIDESK_BASE_URL: vendors.omnidesk.baseUrl,
    OMNIDESK_API_KEY: vendors.omnidesk.apiKey,
    GAMEBOOST_BASE_URL: vendors.gameboost.baseUrl,
    GAMEBOOST_TOKEN: vendors.gameboost.token,
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd: options.cwd ?? packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  const running = startCli(args, env, options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    return await running.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/**
 * Adds orders to the sandbox's SPP state, so a bulk run can spread over many
 * conversations (the CLI keeps each order's messages in sequence). The sandbox
 * seeds three; this writes to its live state, whose shape is the SPP module's.
 */
export function addSppOrders(sandbox: Sandbox, count: number): string[] {
  const state = sandbox.state.raw('spp') as {
    orders: ({
      id: number;
      number: string;
      user_id: number;
      status: string;
      service: string;
      created_at: Date;
      updated_at: Date;
      last_message_at: Date | null;
    } & Record<string, unknown>)[];
  };
  if (!Array.isArray(state?.orders))
    throw new Error('the sandbox SPP state has no `orders` array any more; update addSppOrders');
  const firstId = Math.max(...state.orders.map((order) => order.id)) + 1;
  const numbers: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = firstId + index;
    const number = `BULK${String(id).padStart(5, '0')}`;
    // A seeded order's other fields (price, quantity...) keep the answers within the spec.
    state.orders.push({
      ...state.orders[0]!,
      id,
      number,
      user_id: 3,
      status: 'Working',
      service: 'Bulk test',
      created_at: new Date(),
      updated_at: new Date(),
      last_message_at: null,
    });
    numbers.push(number);
  }
  return numbers;
}

/** Counts, per text, how many stored messages of `vendor` carry it. */
export function storedTextCounts(
  sandbox: Sandbox,
  vendor: string,
  prefix: string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sandbox.state.messages(vendor)) {
    if (!message.text.startsWith(prefix)) continue;
    counts.set(message.text, (counts.get(message.text) ?? 0) + 1);
  }
  return counts;
}

/** Output streams for an in-process `run`, and what was written to them. */
export function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return {
    streams: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
    },
    out: () => out,
    err: () => err,
  };
}
