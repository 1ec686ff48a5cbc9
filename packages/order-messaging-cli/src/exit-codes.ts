import { CommanderError } from 'commander';
import {
  ConfigurationError,
  ERROR_KINDS,
  isOrderMessagingError,
  type ErrorKind,
} from '@org/order-messaging';

/**
 * Process exit codes, one per kind of failure, so scripts can branch on what
 * went wrong without parsing messages. The numbers are part of the public
 * interface: never renumber an existing entry, only add new ones.
 */
export const EXIT_CODES = {
  /** Everything asked for was done (for send-bulk: every line is sent or was already sent). */
  ok: 0,
  /** A bug or an unexpected failure: the message is printed; please report it. */
  internal: 1,
  /** Bad arguments, an unreadable or malformed input file, missing or invalid connection settings. */
  usage: 2,
  /** The message was refused before sending (text length, attachments, audience, order kind...). */
  validation: 3,
  /** The vendor rejected the credentials. */
  authentication: 4,
  /** The credentials are valid but not allowed to do this. */
  permission: 5,
  /** The order (ticket) does not exist for these credentials. */
  not_found: 6,
  /** The order exists but cannot take messages in its current state. */
  invalid_order_state: 7,
  /** The vendor kept answering 429 after the retries. */
  rate_limited: 8,
  /** The vendor answered 5xx after the retries. */
  vendor_server: 9,
  /** The vendor could not be reached. */
  network: 10,
  /** No answer in time. */
  timeout: 11,
  /** The vendor (or this connection) does not support the operation. */
  unsupported: 12,
  /** send-bulk finished but at least one line failed (rerunning retries only those lines). */
  bulk_failures: 13,
  /**
   * A send may or may not have been delivered (the connection dropped after the request left).
   * Check with `order-messaging list` before sending again; send-bulk reconciles these on its next run.
   */
  delivery_unknown: 14,
  /** `audit` found messages the sync passed without printing them (it lists them). */
  audit_gaps: 15,
  /** Stopped by SIGINT/SIGTERM; send-bulk resumes from its journal, sync from its cursor file. */
  interrupted: 130,
} as const;

/** A name of {@link EXIT_CODES}: `ok`, `usage`, `validation`… `interrupted`. */
export type ExitReason = keyof typeof EXIT_CODES;

// Each of the facade's kinds has its own exit code: `EXIT_CODES[kind]` below does not compile otherwise.
export { ERROR_KINDS, type ErrorKind };

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** Raised by the CLI itself for bad arguments, input files and connection settings. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The exit code for an error thrown by a command. A facade error whose delivery
 * is `unknown` gets {@link EXIT_CODES.delivery_unknown} whatever its kind, because
 * what a script must do next (check before resending) depends on that, not on
 * whether the cause was a timeout or a dropped connection.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT_CODES.usage;
  if (isOrderMessagingError(error)) {
    return error.delivery === 'unknown' ? EXIT_CODES.delivery_unknown : EXIT_CODES[error.kind];
  }
  // The runtime (through the facade and the clients) raises ConfigurationError for unusable
  // settings: a missing credential, an http:// base URL.
  if (error instanceof ConfigurationError || error instanceof CommanderError) {
    return EXIT_CODES.usage;
  }
  return EXIT_CODES.internal;
}

/** The table as printed by `--help` and the README. */
export function exitCodeTable(): string {
  const rows = Object.entries(EXIT_CODES).map(
    ([reason, code]) => `  ${String(code).padStart(3)}  ${reason}`,
  );
  return rows.join('\n');
}
