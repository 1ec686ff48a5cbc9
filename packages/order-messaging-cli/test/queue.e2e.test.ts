/**
 * `send-bulk --queue`, `worker` and `queue status` (the built bin) on a real redis-server started
 * by the queue package's test support, sending to the sandbox: each line delivered exactly once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import {
  queueTestsEnabled,
  startRedis,
  type TestRedis,
} from '../../order-messaging-queue/test/support/redis.js';
import { assertBuilt, cleanEnv, runCli, sandboxEnv, startCli, waitFor } from './helpers.js';

const enabled = queueTestsEnabled();

describe.skipIf(!enabled)('the Redis queue from the CLI (built bin, sandbox)', () => {
  let redis: TestRedis;
  let sandbox: Sandbox;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    redis = await startRedis();
    sandbox = await startSandbox({ host: '127.0.0.1' });
    env = cleanEnv(sandboxEnv(sandbox));
    dir = await mkdtemp(join(tmpdir(), 'om-queue-e2e-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const status = async () => {
    const result = await runCli(['queue', 'status', '--queue', redis.url, '--json'], env);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    return JSON.parse(result.stdout) as {
      total: number;
      byState: Record<string, number>;
      byConnection: Record<string, Record<string, number>>;
      review: number;
    };
  };

  it('enqueues 10 lines once, and a worker stopped by SIGINT has delivered each exactly once', async () => {
    const order = sandbox.seed.spp.orderWithFewMessages;
    const texts = Array.from({ length: 10 }, (_, i) => `queued #${i + 1} ${Date.now()}`);
    const file = join(dir, 'messages.jsonl');
    await writeFile(
      file,
      texts.map((text) => JSON.stringify({ orderId: order.number, text })).join('\n') + '\n',
    );
    const bulk = ['--vendor', 'spp', '--json', 'send-bulk', '--file', file, '--queue', redis.url];

    const first = await runCli(bulk, env);
    expect(first.code, first.stderr).toBe(EXIT_CODES.ok);
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 10, enqueued: 10, alreadyQueued: 0 });
    expect((await status()).byState).toEqual({
      pending: 10,
      sending: 0,
      sent: 0,
      rejected: 0,
      unknown: 0,
    });

    const second = await runCli(bulk, env);
    expect(second.code, second.stderr).toBe(EXIT_CODES.ok);
    expect(JSON.parse(second.stdout)).toMatchObject({ enqueued: 0, alreadyQueued: 10 });
    expect(sandbox.state.messages('spp').filter((m) => texts.includes(m.text))).toHaveLength(0);

    const worker = startCli(
      ['--vendor', 'spp', 'worker', '--queue', redis.url, '--progress-interval', '200'],
      env,
    );
    try {
      await waitFor(async () => (await status()).byState.sent === 10, 30_000, 200);
    } finally {
      worker.child.kill('SIGINT');
    }
    const stopped = await worker.done;
    expect(stopped.code, stopped.stderr).toBe(EXIT_CODES.interrupted);
    expect(stopped.stderr).toMatch(/worker: interrupted/);
    expect(stopped.stderr).not.toContain(sandbox.vendors.spp.token);

    for (const text of texts)
      expect(sandbox.state.messages('spp').filter((m) => m.text === text)).toHaveLength(1);
    const after = await status();
    expect(after.byState).toMatchObject({ pending: 0, sending: 0, sent: 10 });
    // One account per target: the vendor and a digest of the settings that locate it.
    expect(Object.keys(after.byConnection)).toEqual([expect.stringMatching(/^spp:[0-9a-f]{12}$/)]);
    expect(Object.values(after.byConnection)).toEqual([
      { pending: 0, sending: 0, sent: 10, rejected: 0, unknown: 0 },
    ]);
    expect(after.review).toBe(0);

    // Nothing left for spp: --exit-when-idle stops at its first look, sending nothing.
    const idle = await runCli(
      [
        '--vendor',
        'spp',
        'worker',
        '--queue',
        redis.url,
        '--exit-when-idle',
        '--progress-interval',
        '100',
      ],
      env,
    );
    expect(idle.code, idle.stderr).toBe(EXIT_CODES.ok);
    expect(idle.stderr).toMatch(/nothing left to send/);
    for (const text of texts)
      expect(sandbox.state.messages('spp').filter((m) => m.text === text)).toHaveLength(1);
  }, 90_000);
});
