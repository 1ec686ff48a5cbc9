/** Output into a closed pipe (`... --json | head -c 300`) ends the built bin quietly, no stack trace. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv } from './helpers.js';

describe('stdout closed by its reader', () => {
  it('exits 0 without a stack trace on EPIPE', async () => {
    assertBuilt();
    const child = spawn(process.execPath, [BIN, 'capabilities', '--json'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the first byte: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  }, 30_000);
});
