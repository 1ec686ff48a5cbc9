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
    [
      ['--json', '--vendor', 'spp', 'sync', '--cursor-file', 'c.json', '--progress-interval', '0'],
      /--progress-interval/,
    ],
  ])('%j prints one JSON error object and exits 2', async (args, message) => {
    const { code, out, err } = await cli(...args);
    expect(code).toBe(EXIT_CODES.usage);
    // One line, like every --json error: `sync --json` output stays one JSON object per line.
    expect(out.trimEnd().split('\n')).toHaveLength(1);
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

  it('a value given to a misspelt flag (a credential, maybe) is never echoed', async () => {
    const secret = 'spp_live_SECRET_9f8e7d6c5b4a3921';
    for (const flag of [`--spp-tokn=${secret}`, `--spp-tokn=it's ${secret}`, `-x${secret}`]) {
      const { code, out, err } = await cli(
        '--json',
        '--vendor',
        'spp',
        'list',
        '--order',
        '1',
        flag,
      );
      expect(code).toBe(EXIT_CODES.usage);
      expect(out).not.toContain('SECRET');
      expect(err).not.toContain('SECRET');
      expect(JSON.parse(out).error.message).toMatch(/unknown option '-/);
    }
  });
});
