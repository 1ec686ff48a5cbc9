/** A queue Redis that does not answer fails the short commands quickly, as a network error. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import { capture } from './helpers.js';

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('queue status on an unreachable Redis', () => {
  it('exits with the network code, naming the URL without its password', async () => {
    const { streams, err } = capture();
    const url = `redis://:hunter2secret@127.0.0.1:${await closedPort()}`;
    const code = await run(['node', 'order-messaging', 'queue', 'status', '--queue', url], streams);
    expect(code).toBe(EXIT_CODES.network);
    expect(err()).toMatch(/error \(network\): the queue's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(err()).not.toContain('hunter2secret');
  }, 15_000);
});
