/**
 * The program: global options, every vendor's connection flags (from the registry), help, and
 * the commands (one module each under `commands/`).
 */
import { Command, CommanderError, Option } from 'commander';
import { addCommandExamples, commandHelp } from './command-help.js';
import { LOG_LEVELS } from '@org/http-runtime';
import { VENDORS } from '@org/order-messaging/vendors';
import { addAuditCommand } from './commands/audit.js';
import { addCapabilitiesCommand } from './commands/capabilities.js';
import { addInboxCommand } from './commands/inbox.js';
import { addDownloadCommand } from './commands/download.js';
import { addListCommand } from './commands/list.js';
import { addQueueCommands } from './commands/queue.js';
import { addSendBulkCommand } from './commands/send-bulk.js';
import { addSendCommand } from './commands/send.js';
import { addSyncCommand } from './commands/sync.js';
import { positiveInteger, timerMilliseconds } from './commands/shared.js';
import { errorReport, formatErrorLine } from './errors.js';
import { EXIT_CODES, exitCodeTable } from './exit-codes.js';
import { Output } from './output.js';
import type { CommandContext, RunOptions } from './session.js';
import { PACKAGE_VERSION } from './version.js';
import { listOf, settingOf, VENDOR_NAMES, VENDOR_SETTINGS } from './vendors.js';

export type { RunOptions } from './session.js';

/** Examples with the first registered vendor and the settings it requires. */
function examplesHelp(): string {
  const { name, requirements } = VENDORS[0];
  const env = requirements.map(
    (requirement) => `${settingOf(name, requirement.anyOf[0]!).env}=...`,
  );
  return `Examples:
  $ export ${env.join(' ')}
  $ order-messaging send --vendor ${name} --order <id> --text "Your order has shipped."
  $ order-messaging list --vendor ${name} --order <id> --json
  $ order-messaging send-bulk --vendor ${name} --file messages.jsonl
  $ order-messaging sync --vendor ${name} --cursor-file ${name}.cursor.json --since 2024-05-01 --json
  $ order-messaging inbox --vendor ${name}
  $ order-messaging list --sandbox --vendor ${name} --order <id>`;
}

const ENVIRONMENT_HELP = `
Connections: every connection flag above falls back to the environment variable shown with it.
Prefer the environment for keys and tokens: flags show up in the process list. --sandbox needs
none of them: it starts an embedded sandbox of every vendor in this process, and names its
seeded orders.

Exit codes:
${exitCodeTable()}

${examplesHelp()}`;

/** The options every command shares, and the help around them. */
function addGlobalOptions(program: Command, output: Output): void {
  program
    .description(
      `Send and list order messages on ${listOf(
        VENDORS.map((vendor) => vendor.title),
        'and',
      )}.`,
    )
    .version(PACKAGE_VERSION, '-V, --version')
    .addOption(
      new Option('--vendor <name>', 'vendor to talk to')
        .choices([...VENDOR_NAMES])
        .env('ORDER_MESSAGING_VENDOR'),
    )
    .option('--sandbox', 'run against an embedded sandbox (no credentials needed)')
    .option('--json', 'print machine-readable JSON on stdout (errors too)')
    .option(
      '--timeout <ms>',
      'timeout of each HTTP attempt in milliseconds',
      timerMilliseconds('--timeout'),
    )
    .option(
      '--total-timeout <ms>',
      'deadline of each call in milliseconds: its requests, retries, rate-limit waits and checks (default 120000; a sync or inbox scan: 3600000)',
      timerMilliseconds('--total-timeout'),
    )
    .option(
      '--max-rate-limit-wait <ms>',
      'longest wait for a rate-limit slot before failing with rate_limited, nothing sent (default: as long as the call has)',
      positiveInteger('--max-rate-limit-wait', { allowZero: true }),
    )
    .option(
      '--no-rate-limits',
      "do not pace requests by the vendor's documented rate limits (a plan with higher quotas, a sandbox started with wider ones); 429 answers are still honoured",
    )
    .option(
      '--retries <n>',
      'retries of a failed request (rate limits, 5xx, network)',
      positiveInteger('--retries', { allowZero: true }),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'log retries, rate-limit waits and reconciliations to stderr (secrets redacted)',
      )
        .choices([...LOG_LEVELS])
        .env('ORDER_MESSAGING_LOG'),
    )
    .configureHelp(commandHelp())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.stdout.write(output.scrub(text)),
      writeErr: (text) => output.stderr.write(output.scrub(redactOptionValues(text))),
    });
}

/** From the descriptors: a vendor's settings become its flags and environment variables here. */
function addConnectionOptions(program: Command): void {
  for (const vendor of VENDOR_NAMES) {
    for (const setting of VENDOR_SETTINGS[vendor]) {
      program.addOption(
        new Option(setting.flag, setting.description)
          .env(setting.env)
          .helpGroup(`${vendor} connection:`),
      );
    }
  }
}

export function createProgram(
  output: Output,
  setExitCode: (code: number) => void,
  runOptions: RunOptions,
): Command {
  const program = new Command('order-messaging');
  addGlobalOptions(program, output);
  addConnectionOptions(program);
  const context: CommandContext = { output, setExitCode, runOptions };
  addSendCommand(program, context);
  addListCommand(program, context);
  addDownloadCommand(program, context);
  addCapabilitiesCommand(program, context);
  addSendBulkCommand(program, context);
  addSyncCommand(program, context);
  addInboxCommand(program, context);
  addAuditCommand(program, context);
  addQueueCommands(program, context);
  addCommandExamples(program);
  return program;
}

/** `--json` among the options (before a `--` that ends them). */
function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Commander echoes an unknown `--flag=value` whole; the value may be a credential given to a
 * misspelt flag (`--spp-tokn=...`, or `-xVALUE`), and secrets are only known after parsing:
 * only the flag's name is kept.
 */
export function redactOptionValues(text: string): string {
  return text
    .replace(/'(--[^'=\s]+)=[^\n]*'/g, "'$1=…'")
    .replace(/'(-[^-'\s])[^'\n][^\n]*'/g, "'$1…'");
}

/** An argument error as `--json` prints every error: `{ exitCode, error: { kind, message } }`. */
function usageReport(error: CommanderError) {
  const message = redactOptionValues(error.message.replace(/^error: /, ''));
  return { exitCode: EXIT_CODES.usage, error: { kind: 'usage', message } };
}

/** Runs the CLI with `argv` (as `process.argv`) and resolves to the exit code. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const output = new Output(options.stdout ?? process.stdout, options.stderr ?? process.stderr);
  let exitCode: number = EXIT_CODES.ok;
  const program = createProgram(output, (code) => (exitCode = code), options);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_CODES.ok;
      // The parse failed, so the options are unknown: `--json` is looked for in the arguments.
      // On one line, as every --json error: `sync --json` output is JSON lines.
      if (asksForJson(argv)) output.out(JSON.stringify(usageReport(error)));
      return EXIT_CODES.usage;
    }
    const report = errorReport(error);
    output.err(formatErrorLine(report));
    return report.exitCode;
  } finally {
    await output.drain();
  }
  return exitCode;
}
