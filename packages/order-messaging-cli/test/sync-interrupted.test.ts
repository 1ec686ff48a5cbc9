/** An interrupted `sync` that never reached a checkpoint does not claim to have saved the cursor. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import { capture, waitFor } from './helpers.js';

describe('sync interrupted before its first checkpoint', () => {
  let dir: string;
  let server: Server;
  let requests = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'om-sync-interrupted-'));
    // A vendor that never answers: the scan cannot reach a checkpoint.
    server = createServer(() => (requests += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says the cursor file was not changed, and writes none', async () => {
    const file = join(dir, 'h.json');
    const { port } = server.address() as AddressInfo;
    const before = new Set(process.listeners('SIGINT'));
    const { streams, err } = capture();
    const done = run(
      [
        'node',
        'order-messaging',
        '--vendor',
        'spp',
        '--spp-base-url',
        `http://127.0.0.1:${port}`,
        '--spp-token',
        'test-token-123456',
        'sync',
        '--cursor-file',
        file,
        '--since',
        '2000-01-01',
      ],
      { ...streams, handleSignals: true },
    );
    await waitFor(async () => requests > 0, 10_000, 20);
    // Ctrl-C twice, delivered to the CLI's own handlers only.
    const added = process.listeners('SIGINT').filter((listener) => !before.has(listener));
    expect(added).toHaveLength(1);
    for (let i = 0; i < 2; i++) (added[0] as () => void)();
    const code = await done;
    expect(code, err()).toBe(EXIT_CODES.interrupted);
    expect(err()).not.toContain('cursor saved');
    expect(err()).toMatch(/interrupted before the first checkpoint: .*h\.json was not changed/);
    expect(existsSync(file)).toBe(false);
  }, 30_000);
});
