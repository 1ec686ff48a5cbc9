/**
 * `send-bulk --queue` and `worker` keep each target's jobs and ledger keys apart: a `--sandbox`
 * try never marks a line "sent" for the live run, and a worker takes only its own target's jobs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import {
  queueTestsEnabled,
  startRedis,
  type TestRedis,
} from '../../order-messaging-queue/test/support/redis.js';
import { capture } from './helpers.js';

const enabled = queueTestsEnabled();

describe.skipIf(!enabled)('the Redis queue keeps sandbox and live targets apart', () => {
  let redis: TestRedis;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'om-queue-targets-'));
    file = join(dir, 'messages.jsonl');
    await writeFile(file, `${JSON.stringify({ key: 'k1', orderId: 'E4A269FC', text: 'hi' })}\n`);
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    const { streams, out, err } = capture();
    const code = await run(['node', 'order-messaging', '--json', ...args], streams);
    return { code, out: out(), err: err() };
  };
  const enqueue = (...target: string[]) =>
    cli(['--vendor', 'spp', ...target, 'send-bulk', '--file', file, '--queue', redis.url]);
  const live = (host: string) => ['--spp-workspace-url', host];

  it('a sandbox enqueue does not count as queued (or sent) for a live run, nor one account for another', async () => {
    const sandbox = await enqueue('--sandbox');
    expect(sandbox.code, sandbox.err).toBe(EXIT_CODES.ok);
    expect(JSON.parse(sandbox.out)).toMatchObject({ enqueued: 1, alreadyQueued: 0 });

    // A sandbox worker sends its job: the key is "sent" in the sandbox's namespace only.
    const worker = await cli([
      '--sandbox',
      '--vendor',
      'spp',
      'worker',
      '--queue',
      redis.url,
      '--exit-when-idle',
      '--progress-interval',
      '100',
    ]);
    expect(worker.code, worker.err).toBe(EXIT_CODES.ok);

    const first = await enqueue(...live('acme.spp.co'));
    expect(first.code, first.err).toBe(EXIT_CODES.ok);
    expect(JSON.parse(first.out)).toMatchObject({ enqueued: 1, alreadyQueued: 0 });
    const again = await enqueue(...live('acme.spp.co'));
    expect(JSON.parse(again.out)).toMatchObject({ enqueued: 0, alreadyQueued: 1 });
    const other = await enqueue(...live('other.spp.co'));
    expect(JSON.parse(other.out)).toMatchObject({ enqueued: 1, alreadyQueued: 0 });

    const status = await cli(['queue', 'status', '--queue', redis.url]);
    const { byConnection } = JSON.parse(status.out) as {
      byConnection: Record<string, Record<string, number>>;
    };
    expect(byConnection['sandbox:spp']).toMatchObject({ sent: 1, pending: 0 });
    const liveConnections = Object.keys(byConnection).filter((name) => name !== 'sandbox:spp');
    expect(liveConnections).toHaveLength(2);
    for (const name of liveConnections) {
      expect(name).toMatch(/^spp:[0-9a-f]{12}$/);
      expect(byConnection[name]).toMatchObject({ pending: 1, sent: 0 });
    }

    // A sandbox worker has nothing of its own left: it stops at once, leaving the live jobs alone.
    const idle = await cli([
      '--sandbox',
      '--vendor',
      'spp',
      'worker',
      '--queue',
      redis.url,
      '--exit-when-idle',
      '--progress-interval',
      '100',
    ]);
    expect(idle.code, idle.err).toBe(EXIT_CODES.ok);
    const after = JSON.parse((await cli(['queue', 'status', '--queue', redis.url])).out) as {
      byState: Record<string, number>;
    };
    expect(after.byState).toMatchObject({ pending: 2, sent: 1 });
  }, 60_000);

  it("a live enqueue needs the target's location, not its credentials", async () => {
    const missing = await enqueue();
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.out).toMatch(/SPP_WORKSPACE_URL/);
    expect(missing.out).not.toMatch(/SPP_TOKEN/);
  }, 30_000);
});
