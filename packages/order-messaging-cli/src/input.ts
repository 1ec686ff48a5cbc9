import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from './exit-codes.js';
import { isVendorName, VENDOR_NAMES, type VendorName } from './vendors.js';

/** One message to send, as read from a `send-bulk` input file. */
export interface BulkLine {
  /** 1-based line number in the file (for CSV, the line the record starts on). */
  readonly line: number;
  /** The caller's idempotency key, or a hash of the line's content and number. */
  readonly key: string;
  readonly vendor?: VendorName;
  readonly orderId: string;
  readonly text: string;
  readonly orderKind?: string;
  readonly internal?: boolean;
  readonly subject?: string;
  readonly channel?: string;
}

export type InputFormat = 'jsonl' | 'csv';

const ALLOWED_FIELDS = [
  'vendor',
  'orderId',
  'text',
  'orderKind',
  'internal',
  'key',
  'subject',
  'channel',
] as const;

export function detectFormat(path: string, explicit?: string): InputFormat {
  if (explicit !== undefined) {
    if (explicit === 'jsonl' || explicit === 'csv') return explicit;
    throw new UsageError(`--format must be "jsonl" or "csv" (got ${JSON.stringify(explicit)})`);
  }
  return /\.csv$/i.test(path) ? 'csv' : 'jsonl';
}

/** The default key: stable across runs as long as the line keeps its content and position. */
export function defaultKey(line: number, rawContent: string): string {
  return createHash('sha256').update(`${line}\n${rawContent.trim()}`).digest('hex').slice(0, 32);
}

function parseBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const normalized = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'y'].includes(normalized)) return true;
    if (['false', '0', 'no', 'n'].includes(normalized)) return false;
  }
  throw new UsageError(`${where}: "internal" must be true or false (got ${JSON.stringify(value)})`);
}

function optionalString(
  record: Record<string, unknown>,
  field: string,
  where: string,
): string | undefined {
  const value = record[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new UsageError(`${where}: "${field}" must be a string`);
  return value;
}

function toBulkLine(record: unknown, line: number, rawContent: string, where: string): BulkLine {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new UsageError(
      `${where}: expected a JSON object such as {"orderId": "A-1", "text": "Hello"}`,
    );
  }
  const fields = record as Record<string, unknown>;
  const unknownFields = Object.keys(fields).filter(
    (field) => !(ALLOWED_FIELDS as readonly string[]).includes(field),
  );
  if (unknownFields.length > 0) {
    throw new UsageError(
      `${where}: unknown field ${unknownFields.map((field) => JSON.stringify(field)).join(', ')} (allowed: ${ALLOWED_FIELDS.join(', ')})`,
    );
  }
  const orderId = optionalString(fields, 'orderId', where);
  if (orderId === undefined || orderId.trim() === '')
    throw new UsageError(`${where}: "orderId" is required`);
  const text = optionalString(fields, 'text', where);
  if (text === undefined) throw new UsageError(`${where}: "text" is required`);
  const vendor = optionalString(fields, 'vendor', where);
  if (vendor !== undefined && !isVendorName(vendor)) {
    throw new UsageError(
      `${where}: unknown vendor ${JSON.stringify(vendor)} (use one of ${VENDOR_NAMES.join(', ')})`,
    );
  }
  const key = optionalString(fields, 'key', where) ?? defaultKey(line, rawContent);
  const orderKind = optionalString(fields, 'orderKind', where);
  const internal = parseBoolean(fields.internal, where);
  const subject = optionalString(fields, 'subject', where);
  const channel = optionalString(fields, 'channel', where);
  return {
    line,
    key,
    orderId,
    text,
    ...(vendor !== undefined ? { vendor } : {}),
    ...(orderKind !== undefined ? { orderKind } : {}),
    ...(internal !== undefined ? { internal } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(channel !== undefined ? { channel } : {}),
  };
}

export function parseJsonLines(content: string, fileLabel: string): BulkLine[] {
  const out: BulkLine[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    if (rawLine.trim() === '') return;
    const line = index + 1;
    const where = `${fileLabel}:${line}`;
    let record: unknown;
    try {
      record = JSON.parse(rawLine);
    } catch (error) {
      throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    out.push(toBulkLine(record, line, rawLine, where));
  });
  return out;
}

interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { bytes: number };
}

export function parseCsvRecords(content: string, fileLabel: string): BulkLine[] {
  const bytes = Buffer.from(content, 'utf8');
  let records: CsvRecord[];
  try {
    records = parseCsv(bytes, {
      columns: (header: string[]) => header.map((column) => column.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      raw: true,
      info: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    throw new UsageError(`${fileLabel}: not valid CSV (${(error as Error).message})`);
  }
  // csv-parse's own line counter drifts on mixed line endings; count newlines before the record instead.
  let scannedTo = 0;
  let newlinesBefore = 0;
  return records.map(({ record, raw, info }) => {
    const leadingBlank = /^[\r\n]*/.exec(raw)?.[0] ?? '';
    const start = info.bytes - Buffer.byteLength(raw) + Buffer.byteLength(leadingBlank);
    for (; scannedTo < start; scannedTo += 1) if (bytes[scannedTo] === 0x0a) newlinesBefore += 1;
    const line = newlinesBefore + 1;
    return toBulkLine(record, line, raw.slice(leadingBlank.length), `${fileLabel}:${line}`);
  });
}

export async function readBulkFile(path: string, format: InputFormat): Promise<BulkLine[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `input file not found: ${path}`
        : `cannot read input file ${path}: ${(error as Error).message}`,
    );
  }
  const lines = format === 'csv' ? parseCsvRecords(content, path) : parseJsonLines(content, path);
  const seen = new Map<string, number>();
  for (const item of lines) {
    const previous = seen.get(item.key);
    if (previous !== undefined) {
      throw new UsageError(
        `${path}:${item.line}: key ${JSON.stringify(item.key)} is also used on line ${previous}; each line needs its own key`,
      );
    }
    seen.set(item.key, item.line);
  }
  return lines;
}
