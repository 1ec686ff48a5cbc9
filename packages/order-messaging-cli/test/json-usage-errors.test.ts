/** `--json` covers argument errors too: a JSON error object on stdout, exit 2. */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import { capture } from './helpers.js';

async function cli(...args: string[]) {
  const { streams, out, err } = capture();
  const code = await run(['node', 'order-messaging', ...args], streams);
  return { code, out: out(), err: err() };
}

describe('argument errors with --json', () => {
  it.each([
    [['--json', 'send', '--vendor', 'spp', '--text', 'hi'], /required option '--order <id>'/],
    [['--json', '--vendor', 'nope', 'list', '--order', '1'], /'nope' is invalid/],
    [['send', '--json', '--order', '1', '--text', 'hi', '--bogus'], /unknown option '--bogus'/],
    [['--json', 'no-such-command'], /unknown command 'no-such-command'/],
  ])('%j prints one JSON error object and exits 2', async (args, message) => {
    const { code, out, err } = await cli(...args);
    expect(code).toBe(EXIT_CODES.usage);
    expect(JSON.parse(out)).toEqual({
      exitCode: EXIT_CODES.usage,
      error: { kind: 'usage', message: expect.stringMatching(message) },
    });
    // People still read stderr; the JSON never starts with commander's "error: ".
    expect(err).toMatch(/^error: /);
    expect(out).not.toMatch(/^error: /);
  });

  it('without --json, stdout stays empty; --help is not an error', async () => {
    expect((await cli('send', '--bogus')).out).toBe('');
    const help = await cli('--json', '--help');
    expect(help.code).toBe(EXIT_CODES.ok);
    expect(() => JSON.parse(help.out)).toThrow();
  });

  it('a --json after `--` is an argument, not the option', async () => {
    const { out } = await cli('send', '--bogus', '--', '--json');
    expect(out).toBe('');
  });
});
