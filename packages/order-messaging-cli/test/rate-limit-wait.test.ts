/** `--max-rate-limit-wait <ms>`: how long a send may wait for a rate-limit slot. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from './helpers.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';

const cli = (args: string[]) => {
  const output = capture();
  return run(['node', 'order-messaging', ...args], output.streams).then((code) => ({
    code,
    out: output.out(),
    err: output.err(),
  }));
};

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(path.join(tmpdir(), 'om-rate-limit-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Six sends to one GameBoost order (5 chat operations a minute are allowed, so the sixth must
 * wait about a minute by default) through `send-bulk` with `flags`; the run and its duration.
 */
async function sixSendsToOneOrder(prefix: string, flags: string[]) {
  sandbox.reset();
  const orderId = sandbox.seed.gameboost.accountOrders.processing;
  const file = path.join(dir, `${prefix}.jsonl`);
  const lines = Array.from({ length: 6 }, (_, i) =>
    JSON.stringify({ orderId, text: `${prefix} ${i + 1}`, key: `${prefix}-${i + 1}` }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
  const vendor = sandbox.vendors.gameboost;
  const started = Date.now();
  const result = await cli([
    'send-bulk',
    '--vendor',
    'gameboost',
    '--gameboost-base-url',
    vendor.baseUrl,
    '--gameboost-token',
    vendor.token,
    '--file',
    file,
    '--concurrency',
    '1',
    ...flags,
    '--json',
  ]);
  const sent = sandbox.state
    .messages('gameboost', orderId)
    .filter((message) => message.text.startsWith(`${prefix} `));
  return { result, elapsedMs: Date.now() - started, orderId, sent };
}

describe('--max-rate-limit-wait', () => {
  it('is documented in the help', async () => {
    const { out } = await cli(['--help']);
    expect(out).toMatch(/--max-rate-limit-wait <ms>\s+longest wait for a rate-limit slot/);
  });

  it('takes a non-negative integer', async () => {
    const { code, err } = await cli(['capabilities', '--max-rate-limit-wait', '-5']);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toContain('--max-rate-limit-wait must be a non-negative integer');
  });

  it('0: a send that would wait for a slot fails at once as rate_limited, nothing sent', async () => {
    const { result, elapsedMs, orderId, sent } = await sixSendsToOneOrder('Rate limit', [
      '--max-rate-limit-wait',
      '0',
    ]);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(result.code, result.err).toBe(EXIT_CODES.bulk_failures);
    expect(JSON.parse(result.out)).toMatchObject({ total: 6, sent: 5 });
    expect(result.out).toMatch(/"kind": "rate_limited"/);
    expect(result.out).toMatch(/"delivery": "not_sent"/);
    expect(result.out).toContain(`account-orders/${orderId}]`);
    expect(sent).toHaveLength(5);
  });
});

describe('--total-timeout', () => {
  it('is documented in the help and takes a positive integer', async () => {
    const { out } = await cli(['--help']);
    expect(out).toMatch(/--total-timeout <ms>\s+deadline of each call/);
    const { code, err } = await cli(['capabilities', '--total-timeout', '0']);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toContain('--total-timeout');
  });

  it('bounds the wait for a rate-limit slot: the sixth send fails at the deadline, not after a minute', async () => {
    const { result, elapsedMs, sent } = await sixSendsToOneOrder('Deadline', [
      '--total-timeout',
      '1500',
    ]);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(result.code, result.err).toBe(EXIT_CODES.bulk_failures);
    expect(JSON.parse(result.out)).toMatchObject({ total: 6, sent: 5 });
    expect(result.out).toMatch(/"kind": "rate_limited"/);
    expect(sent).toHaveLength(5);
  });
});
