/**
 * A real Redis for the queue tests, started by the tests themselves: `redis-server` from PATH on a
 * free loopback port, no persistence, stopped by PID afterwards. Never a system service.
 * Without `redis-server` the tests are skipped locally (one line says how to install it) and fail
 * on CI, where a skipped queue test would hide a broken queue.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const INSTALL_HINT = 'apt-get install -y redis-server';

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Whether the queue tests run; prints the one line explaining a local skip. */
export function queueTestsEnabled(): boolean {
  if (redisServerAvailable()) return true;
  if (process.env.CI) return true; // startRedis then fails the suite with the install hint
  console.warn(`queue tests skipped: redis-server is not on PATH (${INSTALL_HINT})`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  if (!redisServerAvailable()) {
    throw new Error(`redis-server is not on PATH; install it: ${INSTALL_HINT}`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // Refused connections while the server starts are expected; the loop below retries them.
  client.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') break;
    } catch {
      client.disconnect();
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not answer PING`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    port,
    flush: async () => {
      await client.flushall();
    },
    async stop() {
      client.disconnect();
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
