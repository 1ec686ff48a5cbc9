/** `ORDER_MESSAGING_LOG` sets the log level as `--log-level` does; secrets stay redacted. */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { assertBuilt, cleanEnv, runCli } from './helpers.js';

assertBuilt();
const SEND = ['--sandbox', '--vendor', 'spp', 'send', '--order', 'E4A269FC', '--text', 'log me'];

describe('ORDER_MESSAGING_LOG', () => {
  it('debug: request lines on stderr, the token never', async () => {
    const result = await runCli(SEND, cleanEnv({ ORDER_MESSAGING_LOG: 'debug' }));
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(result.stderr).toMatch(/^\[(debug|info)\] /m);
    expect(result.stderr).not.toMatch(/Bearer [A-Za-z0-9]/);
  });

  it('unset: no log lines; a flag wins over the variable', async () => {
    const quiet = await runCli(SEND, cleanEnv());
    expect(quiet.stderr).not.toMatch(/^\[(debug|info)\] /m);
    const flag = await runCli(
      ['--log-level', 'error', ...SEND],
      cleanEnv({ ORDER_MESSAGING_LOG: 'debug' }),
    );
    expect(flag.stderr).not.toMatch(/^\[(debug|info)\] /m);
  });

  it('a level it does not know is an argument error naming the variable', async () => {
    const result = await runCli(SEND, cleanEnv({ ORDER_MESSAGING_LOG: 'loud' }));
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/ORDER_MESSAGING_LOG/);
  });
});
