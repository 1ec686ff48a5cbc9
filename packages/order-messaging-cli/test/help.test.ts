/** Each command's help: its own options, the globals it needs, examples; connection flags once, in the main help. */
import { describe, expect, it } from 'vitest';
import { VENDORS, settingFlag } from '@org/order-messaging/vendors';
import { run } from '../src/program.js';
import { capture } from './helpers.js';

const CONNECTION_FLAGS = VENDORS.flatMap((d) =>
  d.settings.map((s) => settingFlag(d.name, s).split(' ')[0]!),
);
const COMMANDS = [
  'send',
  'list',
  'download',
  'capabilities',
  'send-bulk',
  'sync',
  'inbox',
  'audit',
  'worker',
  'queue',
];

async function help(...args: string[]) {
  const { streams, out } = capture();
  await run(['node', 'order-messaging', ...args, '--help'], streams);
  return out();
}

describe('help', () => {
  it('the main help lists every connection flag', async () => {
    const text = await help();
    for (const flag of CONNECTION_FLAGS) expect(text).toContain(flag);
  });

  it.each(COMMANDS)(
    '%s --help: no connection flags, a pointer to them, and examples',
    async (command) => {
      const text = await help(command);
      for (const flag of CONNECTION_FLAGS) expect(text).not.toContain(flag);
      expect(text).toContain('--json');
      expect(text).toMatch(/Connection flags .* order-messaging --help/);
      expect(text).toMatch(new RegExp(`Examples:\\n  \\$ order-messaging ${command} `));
    },
  );

  it('every command has examples', async () => {
    const section = (await help()).split('Commands:\n')[1]!.split('\n\n')[0]!;
    const listed = [...section.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThanOrEqual(COMMANDS.length);
    for (const command of listed.filter((name) => name !== 'help'))
      expect(COMMANDS).toContain(command);
  });
});
