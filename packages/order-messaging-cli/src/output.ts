import { inspect } from 'node:util';
import { scrubSecrets } from '@org/http-runtime';

/**
 * Everything the CLI prints goes through here, and every credential it was given
 * is cut out of it, whatever path (an error message, an echoed vendor body, a
 * percent-encoded URL) it took to get there: the runtime's `scrubSecrets` does the cutting.
 */
export class Output {
  readonly #secrets = new Set<string>();
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** While a progress bar is drawn on stderr, lines go above it through the bar. */
  #stderrLines: ((line: string) => void) | undefined;

  constructor(stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  addSecret(secret: string | undefined): void {
    // scrubSecrets leaves values too short to be credentials alone (they would blank out words).
    if (secret !== undefined) this.#secrets.add(secret);
  }

  scrub(text: string): string {
    return scrubSecrets(text, [...this.#secrets]);
  }

  out(text: string): void {
    this.stdout.write(`${this.scrub(text)}\n`);
  }

  err(text: string): void {
    const line = this.scrub(text);
    if (this.#stderrLines) this.#stderrLines(line);
    else this.stderr.write(`${line}\n`);
  }

  /**
   * Sends stderr lines (log lines, warnings) to `sink` until the returned function is called: how
   * a progress bar prints them above itself instead of being torn by them.
   */
  routeStderrLines(sink: (line: string) => void): () => void {
    this.#stderrLines = sink;
    return () => {
      if (this.#stderrLines === sink) this.#stderrLines = undefined;
    };
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** Resolves once everything written so far has been handed to the OS, so exiting loses nothing. */
  async drain(): Promise<void> {
    await Promise.all(
      [this.stdout, this.stderr].map(
        (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
      ),
    );
  }
}

export function describeUnknown(error: unknown): string {
  if (error instanceof Error) return error.message;
  return inspect(error, { depth: 2 });
}

/** C0 and C1 controls, DEL, and the bidirectional overrides and isolates. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a vendor or a customer made safe for a terminal: every control character (an escape
 * sequence could clear the screen, retitle the window or hide text) is shown as a visible escape
 * (`\x1b`, `\u202e`), except those in `keep` (e.g. `'\n\t'` for a message body). For human
 * output only: `--json` output is JSON-escaped already.
 */
export function visible(text: string, keep = ''): string {
  return text.replace(CONTROL, (char) => {
    if (keep.includes(char)) return char;
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Shortens text to one line for tables, its control characters made visible. */
export function excerpt(text: string, max: number): string {
  const flat = visible(text.replace(/\s+/g, ' ').trim());
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A plain-text table: columns padded to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  rows = rows.map((row) => row.map((cell) => visible(cell)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [
    render(headers),
    render(widths.map((width) => '-'.repeat(width))),
    ...rows.map(render),
  ].join('\n');
}
