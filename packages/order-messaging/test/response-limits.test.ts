/**
 * Bounded memory: a vendor answering a list and a send with a 100 MB body or a 1 GiB gzip bomb
 * costs the process less than 64 MB, and the caller gets a typed error with the right delivery.
 * The facade runs from its build in a child process (`support/memory-probe.mjs`), so nothing
 * else in the test process blurs the measurement.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gzipBombBytes,
  startHostileServer,
  type HostileBehaviour,
  type HostileServer,
} from './support/hostile-server.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const probe = fileURLToPath(new URL('./support/memory-probe.mjs', import.meta.url));
const MAX_GROWTH_MB = 64;

let hostile: HostileServer;

beforeAll(async () => {
  if (!existsSync(`${packageDir}/dist/index.js`)) {
    throw new Error('build @org/order-messaging first (pnpm turbo run build): the probe runs dist');
  }
  hostile = await startHostileServer();
  await gzipBombBytes();
}, 60_000);
afterAll(() => hostile?.close());

interface ProbeError {
  name: string;
  kind: string;
  delivery: string;
  typed: boolean;
}

async function probeWith(behaviour: HostileBehaviour) {
  hostile.clear();
  hostile.add({ behaviour });
  const { stdout } = await run(process.execPath, ['--expose-gc', probe, `${hostile.origin}/spp`], {
    cwd: packageDir,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    list: ProbeError;
    send: ProbeError;
    rssGrowthMb: number;
    arrayBuffersGrowthMb: number;
  };
}

describe.each([
  ['a 100 MB body', { kind: 'huge', bytes: 100 * 1024 * 1024 } as const],
  ['a 1 GiB gzip bomb', { kind: 'gzip-bomb' } as const],
])('%s', (label, behaviour) => {
  it('fails list and send typed, and the process grows by less than 64 MB', async () => {
    const result = await probeWith(behaviour);
    console.log(
      `memory, ${label}: rss growth ${result.rssGrowthMb.toFixed(1)} MB, arrayBuffers growth ${result.arrayBuffersGrowthMb.toFixed(1)} MB (list: ${result.list.name}/${result.list.delivery}, send: ${result.send.name}/${result.send.delivery})`,
    );
    // A read delivers nothing: refused like any broken answer.
    expect(result.list).toMatchObject({
      name: 'VendorServerError',
      kind: 'vendor_server',
      delivery: 'rejected',
      typed: true,
    });
    // The vendor answered the post, so it may have stored the message.
    expect(result.send).toMatchObject({
      name: 'VendorServerError',
      kind: 'vendor_server',
      delivery: 'unknown',
      typed: true,
    });
    expect(result.rssGrowthMb).toBeLessThan(MAX_GROWTH_MB);
  }, 90_000);
});
