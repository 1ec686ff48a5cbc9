import { open, readFile, rename, type FileHandle } from 'node:fs/promises';

export { lockJournal } from './journal-lock.js';

/**
 * One line of the journal. `sending` is written (and synced to disk) before the
 * request leaves; `sent` or `failed` after the outcome is known. A key whose
 * last entry is `sending` was interrupted mid-send: the vendor may hold the
 * message, so the next run checks before sending again.
 */
export type JournalEntry =
  | { key: string; state: 'sending'; line?: number; at?: string }
  | {
      key: string;
      state: 'sent';
      messageId: string;
      reconciled?: boolean;
      line?: number;
      at?: string;
    }
  | {
      key: string;
      state: 'failed';
      kind: string;
      delivery: 'not_sent' | 'rejected' | 'unknown';
      message?: string;
      line?: number;
      at?: string;
    };

/**
 * Where one vendor's messages of a run go: enough to tell two targets apart, never a credential
 * (nor anything derived from one).
 */
export interface JournalTarget {
  readonly vendor: string;
  /** The facade connection's name (the CLI names each connection after its vendor). */
  readonly connection: string;
  /** The embedded `--sandbox`: its address changes every run, so it is not recorded. */
  readonly sandbox: boolean;
  /** The non-secret settings that locate the target (base URL, instance, workspace, account, shop...). */
  readonly settings: Readonly<Record<string, string | number>>;
}

/** The journal's first line: which targets its entries were sent to. */
export interface JournalHeader {
  readonly journal: typeof JOURNAL_FORMAT;
  readonly version: 1;
  readonly createdAt?: string;
  readonly targets: readonly JournalTarget[];
}

export const JOURNAL_FORMAT = 'order-messaging send-bulk';

export function journalHeader(targets: readonly JournalTarget[]): JournalHeader {
  return { journal: JOURNAL_FORMAT, version: 1, createdAt: new Date().toISOString(), targets };
}

export function journalHeaderLine(targets: readonly JournalTarget[]): string {
  return `${JSON.stringify(journalHeader(targets))}\n`;
}

/** A well-formed target (of a journal header or a cursor file). */
export function isJournalTarget(value: unknown): value is JournalTarget {
  if (value === null || typeof value !== 'object') return false;
  const target = value as Record<string, unknown>;
  return (
    typeof target.vendor === 'string' &&
    typeof target.connection === 'string' &&
    typeof target.sandbox === 'boolean' &&
    target.settings !== null &&
    typeof target.settings === 'object' &&
    Object.values(target.settings as object).every(
      (setting) => typeof setting === 'string' || typeof setting === 'number',
    )
  );
}

function isJournalHeader(value: unknown): value is JournalHeader {
  if (value === null || typeof value !== 'object') return false;
  const header = value as Record<string, unknown>;
  return (
    header.journal === JOURNAL_FORMAT &&
    header.version === 1 &&
    Array.isArray(header.targets) &&
    header.targets.every(isJournalTarget)
  );
}

/** The key at the start of a torn entry line (entries are written key first), if it got that far. */
function keyOfTornLine(line: string): string | undefined {
  const match = /^\s*\{\s*"key"\s*:\s*("(?:[^"\\]|\\.)*")\s*,/.exec(line);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]!) as string;
  } catch {
    return undefined;
  }
}

export interface JournalLoadResult {
  /** The first line, when it is a header; a journal written before headers existed has none. */
  readonly header: JournalHeader | undefined;
  /** Whether the file has any content besides the header (entries or unreadable lines). */
  readonly hasContent: boolean;
  /**
   * Keys named by unreadable lines; `undefined` when an unreadable line names none that could be
   * read, so that any key may be the one it was about.
   */
  readonly tornKeys: ReadonlySet<string> | undefined;
  /** The last entry per key, in the order keys first appeared. */
  readonly latest: ReadonlyMap<string, JournalEntry>;
  /**
   * When each key was first announced as `sending`. An interrupted send may have been stored
   * at any attempt since, so a later check must look back to the first one.
   */
  readonly firstAttemptAt: ReadonlyMap<string, Date>;
  /** When each key was last announced as `sending`: the vendor may still be working on that request. */
  readonly lastAttemptAt: ReadonlyMap<string, Date>;
  /**
   * Keys the vendor may hold although no `sent` says so: an attempt was announced and never
   * followed by an outcome, or ended with delivery `unknown`, and no later `sent` resolved it. A
   * later attempt that failed for sure does not clear it: that one was not stored, but the
   * earlier one may still turn up, so the next run must check before sending again.
   */
  readonly maybeStored: ReadonlySet<string>;
  /** Lines that could not be parsed (a torn last line after a crash is expected here). */
  readonly unreadableLines: readonly number[];
}

function isJournalEntry(value: unknown): value is JournalEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  if (typeof entry.key !== 'string') return false;
  if (entry.state === 'sending') return true;
  if (entry.state === 'sent') return typeof entry.messageId === 'string';
  if (entry.state === 'failed') {
    return (
      typeof entry.kind === 'string' &&
      ['not_sent', 'rejected', 'unknown'].includes(entry.delivery as string)
    );
  }
  return false;
}

/** Follows each key's attempts through the journal, for {@link JournalLoadResult.maybeStored}. */
class AttemptTracker {
  /** Keys with an earlier attempt whose outcome was never learned. */
  readonly #unresolved = new Set<string>();
  /** Keys whose last `sending` has no outcome yet. */
  readonly #open = new Set<string>();

  note(entry: JournalEntry): void {
    const { key } = entry;
    if (entry.state === 'sending') {
      // A `sending` right after another: the run that wrote the first one died mid-send.
      if (this.#open.has(key)) this.#unresolved.add(key);
      this.#open.add(key);
      return;
    }
    this.#open.delete(key);
    if (entry.state === 'sent') this.#unresolved.delete(key);
    else if (entry.delivery === 'unknown') this.#unresolved.add(key);
  }

  maybeStored(): Set<string> {
    return new Set([...this.#unresolved, ...this.#open]);
  }
}

export async function loadJournal(path: string): Promise<JournalLoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        header: undefined,
        hasContent: false,
        tornKeys: new Set(),
        latest: new Map(),
        firstAttemptAt: new Map(),
        lastAttemptAt: new Map(),
        maybeStored: new Set(),
        unreadableLines: [],
      };
    }
    throw error;
  }
  const latest = new Map<string, JournalEntry>();
  const firstAttemptAt = new Map<string, Date>();
  const lastAttemptAt = new Map<string, Date>();
  const attempts = new AttemptTracker();
  const unreadableLines: number[] = [];
  let tornKeys: Set<string> | undefined = new Set();
  let header: JournalHeader | undefined;
  let hasContent = false;
  let first = true;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const isFirst = first;
    first = false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (isFirst && isJournalHeader(parsed)) {
      header = parsed;
      return;
    }
    hasContent = true;
    if (!isJournalEntry(parsed)) {
      unreadableLines.push(index + 1);
      const key = keyOfTornLine(line);
      if (key === undefined) tornKeys = undefined;
      else tornKeys?.add(key);
      return;
    }
    latest.set(parsed.key, parsed);
    attempts.note(parsed);
    if (parsed.state === 'sending') {
      const at = typeof parsed.at === 'string' ? new Date(parsed.at) : undefined;
      if (at && !Number.isNaN(at.getTime())) {
        if (!firstAttemptAt.has(parsed.key)) firstAttemptAt.set(parsed.key, at);
        lastAttemptAt.set(parsed.key, at);
      }
    }
  });
  return {
    header,
    hasContent,
    tornKeys,
    latest,
    firstAttemptAt,
    lastAttemptAt,
    maybeStored: attempts.maybeStored(),
    unreadableLines,
  };
}

/**
 * Puts `header` on the first line of the journal at `path`, keeping whatever it held: written
 * to a temporary file, synced, then renamed over the journal, so a crash leaves one or the other.
 */
export async function writeJournalHeader(path: string, header: JournalHeader): Promise<void> {
  let existing = '';
  try {
    existing = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(header)}\n${existing}`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

interface PendingWrite {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Append-only JSON-lines journal. Every `append` resolves only once its line is
 * on disk (`fdatasync`), so a `sending` entry is durable before the request it
 * announces leaves. Concurrent appends are group-committed: the entries that
 * queue up while one sync is running share the next write and sync.
 */
export class JournalWriter {
  readonly #handle: FileHandle;
  #pending: PendingWrite[] = [];
  #flushing: Promise<void> | undefined;
  #needsLeadingNewline: boolean;
  #closed = false;

  private constructor(handle: FileHandle, needsLeadingNewline: boolean) {
    this.#handle = handle;
    this.#needsLeadingNewline = needsLeadingNewline;
  }

  static async open(path: string): Promise<JournalWriter> {
    const handle = await open(path, 'a+');
    // A crash can leave a torn last line without its newline; start on a fresh line so the
    // next entry is not glued to it.
    const { size } = await handle.stat();
    let needsLeadingNewline = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      needsLeadingNewline = last[0] !== 0x0a;
    }
    return new JournalWriter(handle, needsLeadingNewline);
  }

  append(entry: JournalEntry): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    const withTime = { ...entry, at: entry.at ?? new Date().toISOString() };
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ text: `${JSON.stringify(withTime)}\n`, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        let text = batch.map((write) => write.text).join('');
        if (this.#needsLeadingNewline) {
          text = `\n${text}`;
          this.#needsLeadingNewline = false;
        }
        try {
          await this.#handle.appendFile(text, 'utf8');
          await this.#handle.datasync();
          for (const write of batch) write.resolve();
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
    await this.#handle.close();
  }
}
