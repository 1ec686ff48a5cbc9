import cliProgress from 'cli-progress';
import type { Output } from './output.js';

export interface ProgressCounts {
  readonly done: number;
  readonly total: number;
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
  readonly unknown: number;
}

export interface ProgressReporter {
  update(counts: ProgressCounts): void;
  stop(counts: ProgressCounts): void;
}

/** What the counts mean: `send-bulk --queue` enqueues rather than sends. */
export interface ProgressLabels {
  readonly action: string;
  readonly sent: string;
  readonly skipped: string;
}

const SENDING: ProgressLabels = { action: 'sending', sent: 'sent', skipped: 'skipped' };

export function formatProgressLine(
  counts: ProgressCounts,
  labels: ProgressLabels = SENDING,
): string {
  const percent = counts.total === 0 ? 100 : Math.floor((counts.done / counts.total) * 100);
  return `progress ${counts.done}/${counts.total} (${percent}%) ${labels.sent}=${counts.sent} ${labels.skipped}=${counts.skipped} failed=${counts.failed} unknown=${counts.unknown}`;
}

/**
 * An interactive bar on a terminal. Lines the CLI prints on stderr meanwhile (log lines,
 * warnings) go above the bar through cli-progress's log buffer, never over it.
 */
class BarReporter implements ProgressReporter {
  readonly #bars: cliProgress.MultiBar;
  readonly #bar: cliProgress.SingleBar;
  readonly #unroute: () => void;

  constructor(output: Output, counts: ProgressCounts, labels: ProgressLabels) {
    this.#bars = new cliProgress.MultiBar(
      {
        stream: output.stderr,
        format: `${labels.action} |{bar}| {value}/{total} {percentage}% | ${labels.sent} {sent} ${labels.skipped} {skipped} failed {failed} unknown {unknown} | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar = this.#bars.create(counts.total, counts.done, this.#payload(counts));
    this.#unroute = output.routeStderrLines((line) => this.#bars.log(`${line}\n`));
  }

  #payload(counts: ProgressCounts) {
    return {
      sent: counts.sent,
      skipped: counts.skipped,
      failed: counts.failed,
      unknown: counts.unknown,
    };
  }

  update(counts: ProgressCounts): void {
    this.#bar.update(counts.done, this.#payload(counts));
  }

  stop(counts: ProgressCounts): void {
    this.#bar.update(counts.done, this.#payload(counts));
    this.#bars.update(); // prints the lines still buffered, then the final bar
    this.#bars.stop();
    this.#unroute();
  }
}

/**
 * Plain lines at a fixed interval, for logs, pipes and `--json` runs, where a
 * redrawn bar would be noise but a long run must still show it is moving.
 */
class LineReporter implements ProgressReporter {
  readonly #write: (line: string) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #labels: ProgressLabels;
  #latest: ProgressCounts;
  #lastPrinted = '';

  constructor(
    write: (line: string) => void,
    counts: ProgressCounts,
    intervalMs: number,
    labels: ProgressLabels,
  ) {
    this.#write = write;
    this.#labels = labels;
    this.#latest = counts;
    this.#timer = setInterval(() => this.#print(), intervalMs);
    this.#timer.unref();
  }

  #print(): void {
    const line = formatProgressLine(this.#latest, this.#labels);
    if (line === this.#lastPrinted) return;
    this.#lastPrinted = line;
    this.#write(line);
  }

  update(counts: ProgressCounts): void {
    this.#latest = counts;
  }

  stop(counts: ProgressCounts): void {
    clearInterval(this.#timer);
    this.#latest = counts;
    this.#print();
  }
}

export interface ProgressOptions {
  /** Where the progress goes: its stderr, whose other lines a bar then prints above itself. */
  readonly output: Output;
  /** `--json`: never draw a bar, whatever the terminal. */
  readonly plain: boolean;
  readonly intervalMs: number;
  readonly labels?: ProgressLabels;
}

export function createProgressReporter(
  options: ProgressOptions,
  initial: ProgressCounts,
): ProgressReporter {
  const labels = options.labels ?? SENDING;
  if (options.output.stderr.isTTY && !options.plain)
    return new BarReporter(options.output, initial, labels);
  return new LineReporter(
    (line) => options.output.stderr.write(`${line}\n`),
    initial,
    options.intervalMs,
    labels,
  );
}

/**
 * Progress of a scan whose size is unknown until it ends (sync, inbox): a plain line on stderr
 * every `intervalMs`, so a scan quicker than that prints nothing, and a long one shows it is
 * moving. Never a redrawn bar: on a terminal, stdout's message lines would be torn by it.
 */
export class ScanProgress {
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #status = '';

  constructor(write: (line: string) => void, label: string, intervalMs: number) {
    this.#timer = setInterval(() => {
      const seconds = Math.round((Date.now() - this.#started) / 1000);
      write(`${label}: ${seconds} s${this.#status ? `, ${this.#status}` : ''}`);
    }, intervalMs);
    this.#timer.unref();
  }

  /** What the scan has done so far, in words (`3 page(s), 120 new message(s)`). */
  update(status: string): void {
    this.#status = status;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
