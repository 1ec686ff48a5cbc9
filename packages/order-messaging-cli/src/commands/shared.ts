import { InvalidArgumentError, Option } from 'commander';
import { MAX_TIMER_MS } from '@org/http-runtime';
import type { VendorOptions } from '@org/order-messaging';
import type { CliMessage } from '../facade.js';

/** A commander parser for integer options. */
export function positiveInteger(
  name: string,
  { allowZero = false, max = Number.MAX_SAFE_INTEGER } = {},
) {
  return (raw: string): number => {
    const parsed = Number(raw);
    if (!Number.isSafeInteger(parsed) || parsed < (allowZero ? 0 : 1) || parsed > max) {
      const most = max < Number.MAX_SAFE_INTEGER ? ` of at most ${max}` : '';
      throw new InvalidArgumentError(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer${most}.`,
      );
    }
    return parsed;
  };
}

/** A timer's milliseconds: past the timer's range, a timeout would fire after 1 ms. */
export const timerMilliseconds = (name: string) => positiveInteger(name, { max: MAX_TIMER_MS });

/** A message as `--json` prints it: `sentAt` as ISO text, the vendor's object only with `--raw`. */
export function messageToJson(message: CliMessage, includeRaw: boolean) {
  const { raw, sentAt, ...rest } = message;
  return { ...rest, sentAt: sentAt.toISOString(), ...(includeRaw ? { raw } : {}) };
}

/** A commander parser for instants: ISO 8601 with a date at least (`2024-05-01`, `2024-05-01T10:00:00Z`). */
export function isoDate(name: string) {
  return (raw: string): Date => {
    const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
    if (!Number.isFinite(at.getTime())) {
      throw new InvalidArgumentError(
        `${name} must be an ISO 8601 date or time, e.g. 2024-05-01T00:00:00Z.`,
      );
    }
    return at;
  };
}

/** A commander parser for a duration in seconds (fractions allowed), returned in milliseconds. */
export function positiveSeconds(name: string) {
  return (raw: string): number => {
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0 || raw.trim() === '') {
      throw new InvalidArgumentError(`${name} must be a positive number of seconds.`);
    }
    return Math.round(seconds * 1000);
  };
}

/**
 * What a reply needs besides the order id, for text lines and tables: ` (item)` for GameBoost's
 * order kind (`send --order-kind item`), `key=value` for any other option; empty without any.
 */
export function orderOptionsSuffix(options: VendorOptions | undefined): string {
  const parts = Object.values(options ?? {}).flatMap((perVendor) =>
    Object.entries((perVendor ?? {}) as Record<string, unknown>).map(([key, value]) =>
      key === 'orderKind' ? String(value) : `${key}=${String(value)}`,
    ),
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** `2024-05-01 10:00:00Z`: an instant for tables and lines, to the second. */
export function shortTime(at: Date): string {
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * A scan (sync, inbox) is many requests under one deadline, paced by the vendor's limits:
 * GameBoost's 5 chat reads a minute make a first scan of 50 open orders take ten minutes. So
 * without `--total-timeout` a scan gets an hour, not the two minutes a single send gets.
 */
export const SCAN_TOTAL_TIMEOUT_MS = 3_600_000;

/** The deadline of a scan: the user's `--total-timeout`, else `SCAN_TOTAL_TIMEOUT_MS`. */
export function scanDeadline(totalTimeout: number | undefined): { totalTimeoutMs: number } {
  return { totalTimeoutMs: totalTimeout ?? SCAN_TOTAL_TIMEOUT_MS };
}

/** `--raw`, shared by the commands that print messages as JSON. */
export function rawOption(): Option {
  return new Option('--raw', "with --json: include the vendor's own message objects");
}

/** `--progress-interval`, shared by the scans (sync, inbox). */
export function progressIntervalOption(): Option {
  return new Option(
    '--progress-interval <ms>',
    'how often a progress line is printed on stderr during a long scan',
  )
    .argParser(positiveInteger('--progress-interval'))
    .default(2000);
}
