/**
 * The README's vendor × capability table, rendered from the adapters' own
 * declarations so that documentation cannot drift from code (a test compares).
 */
import type { RateLimitRuleSpec } from '@org/http-runtime';
import type { Capabilities } from './model.js';
import type { SyncMode } from './sync/types.js';

export const CAPABILITY_TABLE_START = '<!-- capabilities:start -->';
export const CAPABILITY_TABLE_END = '<!-- capabilities:end -->';

export interface CapabilitySource {
  readonly capabilities: Capabilities;
  readonly rateLimits?: Readonly<Record<string, RateLimitRuleSpec>>;
}

function bytes(value: number): string {
  if (value % (1024 * 1024) === 0) return `${value / (1024 * 1024)} MB`;
  if (value % 1024 === 0) return `${value / 1024} KB`;
  return `${value} B`;
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function textLength({ minLength, maxLength }: Capabilities['text']): string {
  return maxLength === undefined
    ? `${minLength}+ (no documented maximum)`
    : `${minLength}–${maxLength}`;
}

function attachments(value: Capabilities['attachments']): string {
  if (value === false) return 'no';
  const limits = [
    value.maxCount === undefined ? undefined : `≤ ${value.maxCount} files`,
    value.maxFileBytes === undefined ? undefined : `≤ ${bytes(value.maxFileBytes)} per file`,
    value.maxTotalBytes === undefined ? undefined : `≤ ${bytes(value.maxTotalBytes)} per message`,
  ].filter(Boolean);
  return limits.length > 0 ? `yes (${limits.join(', ')})` : 'yes (limits undocumented)';
}

function list(values: readonly string[] | undefined, empty: string): string {
  return values && values.length > 0 ? values.map((v) => `\`${v}\``).join(', ') : empty;
}

function period(windowMs: number): string {
  if (windowMs === 60_000) return 'min';
  if (windowMs === 3_600_000) return 'h';
  if (windowMs === 1000) return 's';
  return `${windowMs} ms`;
}

function rateLimits(value: CapabilitySource['rateLimits']): string {
  const entries = Object.entries(value ?? {});
  if (entries.length === 0) return 'none documented (429 honoured)';
  return entries.map(([name, rule]) => `${name} ${rule.limit}/${period(rule.windowMs)}`).join(', ');
}

const PAGINATION: Record<Capabilities['pagination'], string> = {
  seek: 'seek tokens',
  page: 'numbered pages',
  none: 'single response',
};

const SYNC: Record<SyncMode, string> = {
  'updated-since': 'by update time',
  'scan-open-orders': 'scans every listed order',
  none: 'no',
};

function sendCost(cost: Capabilities['sendCost']): string {
  if (!cost) return '—';
  const first = cost.firstRequests === undefined ? '' : ` (${cost.firstRequests} to a new order)`;
  return `${cost.requests}${first}; ${cost.note}`;
}

const ROWS: readonly [string, (source: CapabilitySource) => string][] = [
  ['send', (s) => yesNo(s.capabilities.send)],
  ['list', (s) => yesNo(s.capabilities.list)],
  ['list pagination', (s) => PAGINATION[s.capabilities.pagination]],
  ['text length (code points)', (s) => textLength(s.capabilities.text)],
  ['attachments', (s) => attachments(s.capabilities.attachments)],
  ['attachment download', (s) => yesNo(s.capabilities.attachmentDownload === true)],
  ['internal notes', (s) => yesNo(s.capabilities.internalNotes)],
  ['audiences', (s) => list(s.capabilities.audiences, 'vendor decides')],
  ['order kinds', (s) => list(s.capabilities.orderKinds, 'one')],
  ['`vendorOptions.<vendor>`', (s) => list(s.capabilities.sendOptions, '—')],
  [
    'ambiguous send',
    (s) =>
      s.capabilities.reconcile === 'by-listing' ? 'reconciled by listing' : '`delivery: unknown`',
  ],
  ['requests per send', (s) => sendCost(s.capabilities.sendCost)],
  ['sync', (s) => SYNC[s.capabilities.sync?.mode ?? 'none']],
  ['sync cost', (s) => s.capabilities.sync?.cost ?? '—'],
  ['proactive rate limits', (s) => rateLimits(s.rateLimits)],
];

/** Display width as Prettier measures it for these cells (no wide or combining characters occur). */
function width(text: string): number {
  return [...text].length;
}

/**
 * A Markdown table: one row per capability, one column per vendor (in the order given).
 * Columns are padded the way Prettier formats tables, so `prettier --write` leaves it as is.
 */
export function capabilityTable(sources: readonly CapabilitySource[]): string {
  const header = ['capability', ...sources.map((s) => `\`${s.capabilities.vendor}\``)];
  const rows = ROWS.map(([name, cell]) => [name, ...sources.map(cell)]);
  const widths = header.map((_, column) =>
    Math.max(3, ...[header, ...rows].map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell + ' '.repeat(widths[column]! - width(cell))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Whitespace-insensitive form, so a reformatted table is not mistaken for a stale one. */
export function normalizeTable(table: string): string {
  return table
    .trim()
    .split('\n')
    .map((row) =>
      row
        .trim()
        .split('|')
        .map((cell) => (/^\s*-{3,}\s*$/.test(cell) ? '---' : cell.trim()))
        .join('|'),
    )
    .join('\n');
}

/**
 * Replaces what sits between the markers with `table`. Throws when the markers are missing,
 * so a renamed marker fails loudly instead of leaving a stale table.
 */
export function replaceCapabilityTable(document: string, table: string): string {
  const start = document.indexOf(CAPABILITY_TABLE_START);
  const end = document.indexOf(CAPABILITY_TABLE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`markers ${CAPABILITY_TABLE_START} … ${CAPABILITY_TABLE_END} not found`);
  }
  // Blank lines around the table, as Prettier writes them next to HTML comments.
  return `${document.slice(0, start + CAPABILITY_TABLE_START.length)}\n\n${table}\n\n${document.slice(end)}`;
}

/** The table currently between the markers, or undefined without markers. */
export function currentCapabilityTable(document: string): string | undefined {
  const start = document.indexOf(CAPABILITY_TABLE_START);
  const end = document.indexOf(CAPABILITY_TABLE_END);
  if (start === -1 || end === -1 || end < start) return undefined;
  return document.slice(start + CAPABILITY_TABLE_START.length, end).trim();
}
