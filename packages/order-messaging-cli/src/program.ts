import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS, withLevel, type Logger, type LogLevel } from '@org/http-runtime';
import { AUDIENCES, type Audience, type SendOption } from '@org/order-messaging';
import { bulkExitCode, runBulk, type BulkSender, type BulkSummary } from './bulk.js';
import { connectionSettingsFor, secretsOf, type ConnectionSettings } from './connections.js';
import { errorReport, formatErrorLine } from './errors.js';
import { EXIT_CODES, exitCodeTable, UsageError } from './exit-codes.js';
import { VENDORS } from '@org/order-messaging/vendors';
import {
  createMessaging,
  DEFAULT_RESUME_SETTLE_MS,
  type CliMessage,
  type Messaging,
  type MessagingRuntimeOptions,
} from './facade.js';
import { detectFormat, readBulkFile, type BulkLine } from './input.js';
import { excerpt, Output, table } from './output.js';
import { createProgressReporter } from './progress.js';
import type { EmbeddedSandbox, LoadSandbox } from './sandbox.js';
import { PACKAGE_VERSION } from './version.js';
import {
  isVendorName,
  listOf,
  orderIdHelp,
  orderKindHelp,
  settingOf,
  titlesWhere,
  VENDOR_NAMES,
  VENDOR_SETTINGS,
  type VendorName,
} from './vendors.js';

export interface RunOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Installs SIGINT/SIGTERM handlers during send-bulk (the bin does; tests calling `run` may not want it). */
  readonly handleSignals?: boolean;
  /** How `--sandbox` loads `@org/provider-sandbox` (an optional peer); tests inject its absence. */
  readonly loadSandbox?: LoadSandbox;
}

interface GlobalOptions {
  vendor?: string;
  sandbox?: boolean;
  json?: boolean;
  timeout?: number;
  retries?: number;
  logLevel?: LogLevel;
  [setting: string]: unknown;
}

/** One line per event on stderr, through the output's secret scrubbing; the runtime filters by level. */
function stderrLogger(output: Output, level: LogLevel): Logger {
  const line = (lineLevel: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
    output.err(
      `[${lineLevel}] ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`,
    );
  return withLevel(
    { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    level,
  );
}

function positiveInteger(name: string, { allowZero = false } = {}) {
  return (raw: string): number => {
    const parsed = Number(raw);
    if (!Number.isSafeInteger(parsed) || parsed < (allowZero ? 0 : 1)) {
      throw new InvalidArgumentError(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer.`,
      );
    }
    return parsed;
  };
}

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

/** Everything one invocation needs: output, the resolved connections and, with --sandbox, the sandbox. */
class Session {
  readonly output: Output;
  readonly options: GlobalOptions;
  readonly #loadSandbox: LoadSandbox | undefined;
  #sandbox: EmbeddedSandbox | undefined;

  constructor(output: Output, options: GlobalOptions, loadSandbox?: LoadSandbox) {
    this.output = output;
    this.options = options;
    this.#loadSandbox = loadSandbox;
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** The vendor of `--vendor`, required for single-order commands. */
  requireVendor(): VendorName {
    const vendor = this.options.vendor;
    if (vendor === undefined) {
      throw new UsageError(
        `--vendor is required (one of ${VENDOR_NAMES.join(', ')}; or set ORDER_MESSAGING_VENDOR)`,
      );
    }
    if (!isVendorName(vendor))
      throw new UsageError(
        `unknown vendor ${JSON.stringify(vendor)} (use one of ${VENDOR_NAMES.join(', ')})`,
      );
    return vendor;
  }

  async settingsFor(vendors: readonly VendorName[]): Promise<Map<VendorName, ConnectionSettings>> {
    const settings = new Map<VendorName, ConnectionSettings>();
    if (this.options.sandbox) {
      // Loaded only when asked for: the sandbox (an optional peer) brings its specs and validators.
      const { startEmbeddedSandbox } = await import('./sandbox.js');
      this.#sandbox ??= await startEmbeddedSandbox(this.#loadSandbox);
      if (!this.json) {
        const examples = vendors
          .map((vendor) => `${vendor} ${this.#sandbox!.exampleOrder(vendor)}`)
          .join(', ');
        this.output.err(
          `using the embedded sandbox at ${this.#sandbox.url}; its data is discarded on exit (seeded orders: ${examples})`,
        );
      }
      for (const vendor of vendors) settings.set(vendor, this.#sandbox.connection(vendor));
    } else {
      for (const vendor of vendors)
        settings.set(vendor, connectionSettingsFor(vendor, this.options));
    }
    for (const connection of settings.values())
      for (const secret of secretsOf(connection)) this.output.addSecret(secret);
    return settings;
  }

  async messaging(vendors: readonly VendorName[]): Promise<Messaging> {
    const settings = await this.settingsFor(vendors);
    const runtime: MessagingRuntimeOptions = {
      ...(this.options.timeout !== undefined ? { timeoutMs: this.options.timeout } : {}),
      ...(this.options.retries !== undefined ? { maxRetries: this.options.retries } : {}),
      ...(this.options.logLevel !== undefined
        ? { logger: stderrLogger(this.output, this.options.logLevel) }
        : {}),
    };
    return createMessaging(settings, runtime);
  }

  async close(): Promise<void> {
    await this.#sandbox?.close();
  }
}

function messageToJson(message: CliMessage, includeRaw: boolean) {
  const { raw, sentAt, ...rest } = message;
  return { ...rest, sentAt: sentAt.toISOString(), ...(includeRaw ? { raw } : {}) };
}

function parseAudience(raw: unknown): Audience[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const unknown = entries.filter((entry) => !(AUDIENCES as readonly string[]).includes(entry));
  if (unknown.length > 0) {
    throw new UsageError(
      `--audience: unknown audience ${unknown.map((entry) => JSON.stringify(entry)).join(', ')} (use ${AUDIENCES.join(', ')})`,
    );
  }
  return entries as Audience[];
}

async function readAttachment(path: string) {
  try {
    const data = new Uint8Array(await readFile(path));
    return { filename: basename(path), data };
  } catch (error) {
    throw new UsageError(`cannot read attachment ${path}: ${(error as Error).message}`);
  }
}

async function readText(options: { text?: string; textFile?: string }): Promise<string> {
  if (options.text !== undefined && options.textFile !== undefined) {
    throw new UsageError('give either --text or --text-file, not both');
  }
  if (options.text !== undefined) return options.text;
  if (options.textFile !== undefined) {
    try {
      const content =
        options.textFile === '-' ? await readStdin() : await readFile(options.textFile, 'utf8');
      return content.replace(/\r?\n$/, '');
    } catch (error) {
      throw new UsageError(
        `cannot read --text-file ${options.textFile}: ${(error as Error).message}`,
      );
    }
  }
  throw new UsageError(
    'the message text is required: --text "..." or --text-file <path> (- for stdin)',
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function printBulkSummary(
  output: Output,
  summary: BulkSummary,
  json: boolean,
  exitCode: number,
): void {
  if (json) {
    output.json({ ...summary, exitCode });
    return;
  }
  const lines = [
    '',
    `send-bulk summary (${(summary.durationMs / 1000).toFixed(1)} s)`,
    `  total             ${summary.total}`,
    `  sent              ${summary.sent}${summary.reconciled > 0 ? `  (${summary.reconciled} found already delivered, not sent again)` : ''}`,
    `  skipped           ${summary.skipped}  (already sent according to the journal)`,
    `  failed            ${summary.failed}`,
    ...Object.entries(summary.failedByKind).map(
      ([kind, count]) => `    ${kind.padEnd(16)}${count}`,
    ),
    `  delivery unknown  ${summary.deliveryUnknown}`,
  ];
  if (summary.notAttempted > 0) lines.push(`  not attempted     ${summary.notAttempted}`);
  lines.push(`  journal           ${summary.journal}`);
  output.out(lines.join('\n'));
  const shown = summary.failures.slice(0, 20);
  if (shown.length > 0) {
    output.err(
      [
        'failures:',
        ...shown.map(
          (failure) =>
            `  line ${failure.line} (order ${failure.orderId}): ${failure.kind}, delivery ${failure.delivery}: ${failure.message}`,
        ),
        ...(summary.failures.length > shown.length
          ? [`  ... and ${summary.failures.length - shown.length} more (use --json for all)`]
          : []),
      ].join('\n'),
    );
  }
  if (summary.abortedBy) output.err(`stopped: ${summary.abortedBy.message}`);
  else if (summary.interrupted)
    output.err('interrupted: run the same command again to resume from the journal');
  else if (summary.deliveryUnknown > 0 || summary.failed > 0) {
    output.err(
      'run the same command again to retry the failed lines; lines already sent are skipped',
    );
  }
}

export function createProgram(
  output: Output,
  setExitCode: (code: number) => void,
  runOptions: RunOptions,
): Command {
  const program = new Command('order-messaging');
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
      positiveInteger('--timeout'),
    )
    .option(
      '--retries <n>',
      'retries of a failed request (rate limits, 5xx, network)',
      positiveInteger('--retries', { allowZero: true }),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'log retries, rate-limit waits and reconciliations to stderr',
      ).choices([...LOG_LEVELS]),
    )
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.stdout.write(output.scrub(text)),
      writeErr: (text) => output.stderr.write(output.scrub(text)),
    });

  for (const vendor of VENDOR_NAMES) {
    // From the descriptors: a vendor's new settings become flags and variables here.
    for (const setting of VENDOR_SETTINGS[vendor]) {
      program.addOption(
        new Option(setting.flag, setting.description)
          .env(setting.env)
          .helpGroup(`${vendor} connection:`),
      );
    }
  }

  const withSession =
    <Args extends unknown[]>(action: (session: Session, ...args: Args) => Promise<number>) =>
    async (...args: Args): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const session = new Session(
        output,
        command.optsWithGlobals<GlobalOptions>(),
        runOptions.loadSandbox,
      );
      try {
        setExitCode(await action(session, ...args));
      } catch (error) {
        const report = errorReport(error);
        if (session.json) output.json(report);
        else output.err(formatErrorLine(report));
        setExitCode(report.exitCode);
      } finally {
        await session.close();
      }
    };

  program
    .command('send')
    .description('send one message on an order')
    .requiredOption('--order <id>', orderIdHelp({ withKinds: true }))
    .option('--text <text>', 'message text')
    .option('--text-file <path>', 'read the message text from a file (- for stdin)')
    .option(
      '--internal',
      `staff-only note, hidden from the customer (${titlesWhere((c) => c.internalNotes)})`,
    )
    .option(
      '--attach <file>',
      'attach a file (repeat for several)',
      (path: string, previous: string[] = []) => [...previous, path],
    )
    .option('--order-kind <kind>', orderKindHelp())
    .option(
      '--audience <list>',
      'comma-separated audiences where the vendor lets you choose: customer, seller, operator',
    )
    .option('--subject <text>', `${sendOption('subject')}: topic of a new thread`)
    .option('--channel <type>', `${sendOption('channel')}: channel type to send in`)
    .option(
      '--thread <id>',
      `${sendOption('threadId')}: reply in this thread instead of the most recent one`,
    )
    .option('--raw', "with --json: include the vendor's own message object")
    .action(
      withSession(async (session, options: Record<string, unknown>) => {
        const vendor = session.requireVendor();
        const text = await readText(options as { text?: string; textFile?: string });
        const attachments = await Promise.all(
          ((options.attach as string[] | undefined) ?? []).map(readAttachment),
        );
        const messaging = await session.messaging([vendor]);
        const audience = parseAudience(options.audience);
        const result = await messaging.send(vendor, {
          orderId: options.order as string,
          text,
          ...(options.internal ? { internal: true } : {}),
          ...(attachments.length > 0 ? { attachments } : {}),
          ...(typeof options.orderKind === 'string' ? { orderKind: options.orderKind } : {}),
          ...(audience ? { audience } : {}),
          ...(typeof options.subject === 'string' ? { subject: options.subject } : {}),
          ...(typeof options.channel === 'string' ? { channel: options.channel } : {}),
          ...(typeof options.thread === 'string' ? { threadId: options.thread } : {}),
        });
        if (session.json) {
          session.output.json({
            message: messageToJson(result.message, options.raw === true),
            reconciled: result.reconciled,
            attempts: result.attempts,
          });
        } else {
          const message = result.message;
          session.output.out(
            `sent message ${message.id} on ${vendor} order ${message.orderId} at ${message.sentAt.toISOString()}` +
              (message.attachments.length > 0
                ? ` with ${message.attachments.length} attachment(s)`
                : '') +
              (result.reconciled
                ? ' (the first attempt was ambiguous; the message was found on the order, not sent twice)'
                : ''),
          );
        }
        return EXIT_CODES.ok;
      }),
    );

  program
    .command('list')
    .description("list an order's messages (every page)")
    .requiredOption('--order <id>', orderIdHelp({ withKinds: false }))
    .option('--order-kind <kind>', orderKindHelp())
    .option('--limit <n>', 'stop after this many messages', positiveInteger('--limit'))
    .option('--raw', "with --json: include the vendor's own message objects")
    .action(
      withSession(async (session, options: Record<string, unknown>) => {
        const vendor = session.requireVendor();
        const messaging = await session.messaging([vendor]);
        const limit = options.limit as number | undefined;
        const messages = [];
        for await (const message of messaging.list(vendor, {
          orderId: options.order as string,
          ...(typeof options.orderKind === 'string' ? { orderKind: options.orderKind } : {}),
        })) {
          messages.push(message);
          if (limit !== undefined && messages.length >= limit) break;
        }
        if (session.json) {
          session.output.json({
            messages: messages.map((message) => messageToJson(message, options.raw === true)),
          });
        } else if (messages.length === 0) {
          session.output.out(`no messages on ${vendor} order ${options.order as string}`);
        } else {
          session.output.out(
            table(
              ['sent at', 'author', 'id', 'note', 'attachments', 'text'],
              // Oldest first reads like a conversation, whatever order the vendor lists in.
              [...messages]
                .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime())
                .map((message) => [
                  message.sentAt
                    .toISOString()
                    .replace('T', ' ')
                    .replace(/\.\d+Z$/, 'Z'),
                  message.author.name
                    ? `${message.author.kind}: ${excerpt(message.author.name, 24)}`
                    : message.author.kind,
                  message.id,
                  message.internal ? 'internal' : '',
                  message.attachments.map((attachment) => attachment.filename).join(', '),
                  excerpt(message.text, 60),
                ]),
            ),
          );
          session.output.out(`${messages.length} message(s)`);
        }
        return EXIT_CODES.ok;
      }),
    );

  program
    .command('capabilities')
    .description(
      'show what a vendor supports (text limits, attachments, internal notes, audiences...)',
    )
    .action(
      withSession(async (session) => {
        // Capabilities are the adapters' static data: no credentials (and no sandbox) needed.
        const only = session.options.vendor !== undefined ? session.requireVendor() : undefined;
        const all = Object.fromEntries(
          VENDORS.filter((vendor) => only === undefined || vendor.name === only).map((vendor) => [
            vendor.name,
            vendor.capabilities,
          ]),
        );
        if (session.json) {
          session.output.json({ capabilities: all });
        } else {
          for (const [vendor, capabilities] of Object.entries(all)) {
            session.output.out(`${vendor}:`);
            for (const [field, fieldValue] of Object.entries(capabilities)) {
              if (field === 'vendor') continue;
              session.output.out(`  ${field.padEnd(14)} ${formatCapability(fieldValue)}`);
            }
          }
        }
        return EXIT_CODES.ok;
      }),
    );

  program
    .command('send-bulk')
    .description(
      'send many messages from a JSON-lines or CSV file; resumable, never sends a line twice',
    )
    .requiredOption(
      '--file <path>',
      'input: JSON lines {"vendor"?, "orderId", "text", "orderKind"?, "internal"?, "key"?} or CSV with those columns',
    )
    .addOption(
      new Option(
        '--format <format>',
        'input format (default: from the extension, .csv or JSON lines)',
      ).choices(['jsonl', 'csv']),
    )
    .option('--journal <path>', 'journal of what was sent (default: <file>.journal.jsonl)')
    .option(
      '--concurrency <n>',
      'messages in flight at once (the vendor rate limits are respected whatever this is)',
      positiveInteger('--concurrency'),
      4,
    )
    .option(
      '--resume-settle <ms>',
      'before checking a line the previous run was sending when it died, wait until this long after that attempt (a slow vendor may still store it)',
      positiveInteger('--resume-settle', { allowZero: true }),
      DEFAULT_RESUME_SETTLE_MS,
    )
    .option(
      '--resend-unverifiable',
      'resend lines interrupted mid-send on vendors that cannot be checked (risks a duplicate)',
    )
    .option(
      '--progress-interval <ms>',
      'how often plain progress lines are printed when stderr is not a terminal or with --json',
      positiveInteger('--progress-interval'),
      2000,
    )
    .addHelpText(
      'after',
      `
The journal (JSON lines, synced to disk) gets {key, state: "sending"} before each send and
{key, state: "sent", messageId} or {key, state: "failed", kind, delivery} after. Rerunning the same
command skips lines already sent, retries failed ones, and first checks the vendor for lines that
were being sent when the previous run died, so nothing is sent twice. "key" is your idempotency key;
by default it is a hash of the line's content and line number, so do not reorder a file between runs.
Lines of the same order are sent in file order.`,
    )
    .action(
      withSession(async (session, options: Record<string, unknown>) => {
        const file = options.file as string;
        const lines = await readBulkFile(
          file,
          detectFormat(file, options.format as string | undefined),
        );
        const defaultVendor = session.options.vendor;
        if (defaultVendor !== undefined && !isVendorName(defaultVendor))
          throw new UsageError(`unknown vendor ${defaultVendor}`);
        const withoutVendor = lines.find(
          (line) => line.vendor === undefined && defaultVendor === undefined,
        );
        if (withoutVendor) {
          throw new UsageError(
            `${file}:${withoutVendor.line}: no "vendor" on the line and no --vendor given`,
          );
        }
        const vendorOf = (line: BulkLine): VendorName =>
          line.vendor ?? (defaultVendor as VendorName);
        const vendors = [...new Set(lines.map(vendorOf))];
        const messaging = await session.messaging(vendors);
        const journalPath = (options.journal as string | undefined) ?? `${file}.journal.jsonl`;

        const stop = new AbortController();
        const abort = new AbortController();
        let interrupts = 0;
        const onSignal = () => {
          interrupts += 1;
          if (interrupts === 1) {
            session.output.err(
              'stopping after the sends in flight (Ctrl-C again to abort them; the journal keeps track)',
            );
            stop.abort();
          } else {
            stop.abort();
            abort.abort();
          }
        };
        if (runOptions.handleSignals) {
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        }
        const initial = {
          done: 0,
          total: lines.length,
          sent: 0,
          skipped: 0,
          failed: 0,
          unknown: 0,
        };
        const reporter = createProgressReporter(
          {
            stream: session.output.stderr,
            plain: session.json,
            intervalMs: options.progressInterval as number,
          },
          initial,
        );
        let summary: BulkSummary;
        try {
          summary = await runBulk({
            lines,
            journalPath,
            concurrency: options.concurrency as number,
            resendUnverifiable: options.resendUnverifiable === true,
            stopSignal: stop.signal,
            abortSignal: abort.signal,
            onProgress: (counts) => reporter.update(counts),
            sender: scrubbedSender(
              messaging.bulkSender(vendorOf, { resumeSettleMs: options.resumeSettle as number }),
              session.output,
            ),
          });
        } finally {
          if (runOptions.handleSignals) {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
        }
        reporter.stop({
          done: summary.total - summary.notAttempted,
          total: summary.total,
          sent: summary.sent,
          skipped: summary.skipped,
          failed: summary.failed,
          unknown: summary.deliveryUnknown,
        });
        if (summary.journalUnreadableLines.length > 0) {
          session.output.err(
            `journal: ignored unreadable line(s) ${summary.journalUnreadableLines.join(', ')} (a torn write from an interrupted run)`,
          );
        }
        const exitCode = bulkExitCode(summary);
        printBulkSummary(session.output, summary, session.json, exitCode);
        return exitCode;
      }),
    );

  return program;
}

/** Failure messages also go to the journal file: keep credentials out of it too. */
function scrubbedSender(sender: BulkSender, output: Output): BulkSender {
  return { ...sender, describeError: (error) => output.scrub(sender.describeError(error)) };
}

/** The vendors that honour a send option, for its help. */
function sendOption(option: SendOption): string {
  return titlesWhere((capabilities) => capabilities.sendOptions.includes(option));
}

function formatCapability(value: unknown): string {
  if (value === false) return 'no';
  if (value === true) return 'yes';
  if (Array.isArray(value)) return value.length === 0 ? '(vendor decides)' : value.join(', ');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, entry]) => `${key}=${String(entry)}`)
      .join(' ');
  }
  return String(value);
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
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const report = errorReport(error);
    output.err(formatErrorLine(report));
    return report.exitCode;
  } finally {
    await output.drain();
  }
  return exitCode;
}
