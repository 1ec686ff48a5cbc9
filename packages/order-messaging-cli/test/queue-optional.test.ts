/**
 * `@org/order-messaging-queue` is an optional peer: only `--queue` loads it. Its absence is
 * simulated by injecting the loader, as uninstalling it would break the other tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import { redactedQueueUrl, type LoadQueue } from '../src/queue.js';
import { capture } from './helpers.js';

const absent: LoadQueue = async () => undefined;
const HINT =
  'error (usage): --queue needs @org/order-messaging-queue: npm install @org/order-messaging-queue bullmq\n';

describe('--queue without @org/order-messaging-queue installed', () => {
  it('send-bulk --queue, worker and queue status say how to install it (usage exit code)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'om-queue-optional-'));
    try {
      const file = join(dir, 'lines.jsonl');
      await writeFile(file, '{"orderId":"1","text":"hi"}\n');
      const commands = [
        ['--vendor', 'spp', 'send-bulk', '--file', file, '--queue', 'redis://127.0.0.1:1'],
        ['--sandbox', 'worker', '--queue', 'redis://127.0.0.1:1'],
        ['queue', 'status', '--queue', 'redis://127.0.0.1:1'],
      ];
      for (const args of commands) {
        const { streams, out, err } = capture();
        const code = await run(['node', 'order-messaging', ...args], {
          ...streams,
          loadQueue: absent,
        });
        expect(code, args.join(' ')).toBe(EXIT_CODES.usage);
        expect(err()).toBe(HINT);
        expect(out()).toBe('');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --queue that is not a Redis URL before loading anything', async () => {
    const { streams, err } = capture();
    const code = await run(['node', 'order-messaging', 'queue', 'status', '--queue', 'localhost'], {
      ...streams,
      loadQueue: absent,
    });
    expect(code).toBe(EXIT_CODES.usage);
    expect(err()).toMatch(/--queue takes a Redis URL/);
  });

  it('prints a queue URL without its password', () => {
    expect(redactedQueueUrl('redis://:s3cret@redis.internal:6379/0')).toBe(
      'redis://:***@redis.internal:6379/0',
    );
  });
});
