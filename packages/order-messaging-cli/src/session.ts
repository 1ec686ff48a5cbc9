import type { Command } from 'commander';
import { withLevel, type Logger, type LogLevel } from '@org/http-runtime';
import {
  connectionSettingsFor,
  locationFor,
  locationOf,
  secretsOf,
  type ConnectionSettings,
} from './connections.js';
import { errorReport, formatErrorLine } from './errors.js';
import { UsageError } from './exit-codes.js';
import { createMessaging, type Messaging, type MessagingRuntimeOptions } from './facade.js';
import type { JournalTarget } from './journal.js';
import type { Output } from './output.js';
import type { LoadQueue } from './queue.js';
import type { EmbeddedSandbox, LoadSandbox } from './sandbox.js';
import { isVendorName, VENDOR_NAMES, type VendorName } from './vendors.js';

/** Options of {@link run}, for embedding the CLI or testing it. */
export interface RunOptions {
  /** Where results go (default `process.stdout`); with `--json`, only JSON is written here. */
  readonly stdout?: NodeJS.WriteStream;
  /** Where errors, progress and logs go (default `process.stderr`). */
  readonly stderr?: NodeJS.WriteStream;
  /** Installs SIGINT/SIGTERM handlers during send-bulk (the bin does; tests calling `run` may not want it). */
  readonly handleSignals?: boolean;
  /** How `--sandbox` loads `@org/provider-sandbox` (an optional peer); tests inject its absence. */
  readonly loadSandbox?: LoadSandbox;
  /** How `--queue` loads `@org/order-messaging-queue` (an optional peer); tests inject its absence. */
  readonly loadQueue?: LoadQueue;
}

/** The program's own options, with every vendor's connection settings (one per flag). */
export interface GlobalOptions {
  vendor?: string;
  sandbox?: boolean;
  json?: boolean;
  timeout?: number;
  totalTimeout?: number;
  maxRateLimitWait?: number;
  /** False with `--no-rate-limits`. */
  rateLimits?: boolean;
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

/** What a command may add to the facade's runtime: a shared limiter, chosen per target. */
export interface SessionRuntimeOptions {
  readonly rateLimiterFor?: (
    vendor: VendorName,
    rules: Parameters<NonNullable<MessagingRuntimeOptions['rateLimiterFor']>>[1],
    target: JournalTarget,
  ) => ReturnType<NonNullable<MessagingRuntimeOptions['rateLimiterFor']>>;
}

/** Everything one invocation needs: output, the resolved connections and, with --sandbox, the sandbox. */
export class Session {
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

  /**
   * Where each vendor's messages of this run go, without starting the sandbox or building a
   * facade, nor needing a credential (what `send-bulk --queue` records); a missing locating
   * setting fails here.
   */
  targetsFor(vendors: readonly VendorName[]): JournalTarget[] {
    return vendors.map((vendor) =>
      this.#targetOf(
        vendor,
        this.options.sandbox === true ? {} : locationFor(vendor, this.options),
      ),
    );
  }

  #targetOf(
    vendor: VendorName,
    location: Readonly<Record<string, string | number>>,
  ): JournalTarget {
    const sandbox = this.options.sandbox === true;
    return {
      vendor,
      // Connections are named after their vendor (see createMessaging).
      connection: vendor,
      sandbox,
      // The embedded sandbox listens on a new port every run: only "sandbox" identifies it.
      settings: sandbox ? {} : location,
    };
  }

  async messaging(
    vendors: readonly VendorName[],
    extra: SessionRuntimeOptions = {},
  ): Promise<Messaging> {
    return (await this.messagingWithTargets(vendors, extra)).messaging;
  }

  /** The facade for `vendors`, and where each of them sends (for the bulk journal). */
  async messagingWithTargets(
    vendors: readonly VendorName[],
    extra: SessionRuntimeOptions = {},
  ): Promise<{ messaging: Messaging; targets: JournalTarget[] }> {
    const settings = await this.settingsFor(vendors);
    const targets = [...settings].map(([vendor, connection]) =>
      this.#targetOf(vendor, this.options.sandbox === true ? {} : locationOf(connection)),
    );
    const { rateLimiterFor } = extra;
    const runtime: MessagingRuntimeOptions = {
      ...(rateLimiterFor
        ? {
            rateLimiterFor: (vendor, rules) =>
              rateLimiterFor(
                vendor,
                rules,
                targets.find((target) => target.vendor === vendor)!,
              ),
          }
        : {}),
      ...(this.options.timeout !== undefined ? { timeoutMs: this.options.timeout } : {}),
      ...(this.options.totalTimeout !== undefined
        ? { totalTimeoutMs: this.options.totalTimeout }
        : {}),
      ...(this.options.maxRateLimitWait !== undefined
        ? { maxRateLimitWaitMs: this.options.maxRateLimitWait }
        : {}),
      ...(this.options.retries !== undefined ? { maxRetries: this.options.retries } : {}),
      ...(this.options.rateLimits === false ? { declaredRateLimits: false } : {}),
      ...(this.options.logLevel !== undefined
        ? { logger: stderrLogger(this.output, this.options.logLevel) }
        : {}),
    };
    return { messaging: createMessaging(settings, runtime), targets };
  }

  async close(): Promise<void> {
    await this.#sandbox?.close();
  }
}

/** What every command's action needs from the program. */
export interface CommandContext {
  readonly output: Output;
  readonly setExitCode: (code: number) => void;
  readonly runOptions: RunOptions;
}

/**
 * A commander action that runs `action` in a session and turns what it returns, or throws,
 * into the exit code (errors are printed: as JSON with --json; on one line for commands whose
 * --json output is JSON lines, so that every line still parses).
 */
export function withSession<Args extends unknown[]>(
  context: CommandContext,
  action: (session: Session, ...args: Args) => Promise<number>,
  { jsonLines = false }: { jsonLines?: boolean } = {},
): (...args: Args) => Promise<void> {
  const { output, setExitCode, runOptions } = context;
  return async (...args: Args): Promise<void> => {
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
      if (session.json && jsonLines) output.out(JSON.stringify(report));
      else if (session.json) output.json(report);
      else output.err(formatErrorLine(report));
      setExitCode(report.exitCode);
    } finally {
      await session.close();
    }
  };
}
