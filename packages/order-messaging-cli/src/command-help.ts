/**
 * Each command's help: its own options and the few global ones a user of it needs, not the
 * connection flags of every vendor (those are in `order-messaging --help`), and examples.
 */
import { Help, type Command, type Option } from 'commander';
import { VENDORS } from '@org/order-messaging/vendors';

const vendor = VENDORS[0].name;

const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  send: [
    `order-messaging send --vendor ${vendor} --order <id> --text "Your order has shipped."`,
    `order-messaging send --sandbox --vendor ${vendor} --order <id> --text "Hi" --attach slip.pdf --json`,
  ],
  list: [
    `order-messaging list --vendor ${vendor} --order <id>`,
    `order-messaging list --vendor ${vendor} --order <id> --json --limit 50`,
  ],
  capabilities: [`order-messaging capabilities --vendor ${vendor} --json`],
  download: [
    `order-messaging download --vendor ${vendor} --attachment <id>`,
    `order-messaging download --vendor ${vendor} --attachment <id> --output slip.pdf --force --json`,
  ],
  'send-bulk': [
    `order-messaging send-bulk --vendor ${vendor} --file messages.jsonl`,
    `order-messaging send-bulk --vendor ${vendor} --file messages.csv --concurrency 8 --json > summary.json`,
    `order-messaging send-bulk --vendor ${vendor} --file messages.jsonl --queue redis://127.0.0.1:6379`,
  ],
  sync: [
    `order-messaging sync --vendor ${vendor} --cursor-file ${vendor}.cursor.json --since 2024-05-01 --json`,
  ],
  inbox: [`order-messaging inbox --vendor ${vendor}`],
  audit: [
    `order-messaging audit --vendor ${vendor} --since 2024-05-01 --seen messages.jsonl --cursor-file ${vendor}.cursor.json`,
  ],
  worker: [`order-messaging worker --queue redis://127.0.0.1:6379 --concurrency 4`],
  queue: [`order-messaging queue status --queue redis://127.0.0.1:6379 --json`],
};

/** Connection flags are in a `<vendor> connection:` help group. */
function isConnectionFlag(option: Option): boolean {
  return (option.helpGroupHeading ?? '').endsWith(' connection:');
}

/** Global options in a command's help, without the vendors' connection flags. */
export function commandHelp() {
  return {
    showGlobalOptions: true,
    visibleGlobalOptions(this: Help, command: Command): Option[] {
      return Help.prototype.visibleGlobalOptions
        .call(this, command)
        .filter((option) => !isConnectionFlag(option));
    },
  };
}

/** Examples, and where the connection flags went, after each command's help. */
export function addCommandExamples(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    const lines = [
      '',
      'Connection flags (--<vendor>-…) and their environment variables: order-messaging --help',
      ...(examples ? ['', 'Examples:', ...examples.map((example) => `  $ ${example}`)] : []),
    ];
    command.addHelpText('after', lines.join('\n'));
  }
}
