import { scrubSecrets, scrubValue } from './redact.js';

/**
 * Severity of a log line, lowest first. The runtime writes `debug` for each response, `info` for a
 * rate-limit wait, and `warn` for failures, retries and requests it gives up on.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/**
 * Structured fields of a log line: vendor, connection, method, URL (secrets scrubbed), status,
 * attempt and the like.
 */
export type LogFields = Record<string, unknown>;

/** The logging hook of the runtime. Any structured logger (pino, winston, console) fits behind it. */
export interface Logger {
  /** Per-response detail: status, duration, attempt. */
  debug(message: string, fields?: LogFields): void;
  /** Expected but notable events, such as a wait for a rate-limit slot. */
  info(message: string, fields?: LogFields): void;
  /**
   * A failure that was retried or ends the call: a retry, a request given up, a wait longer than
   * allowed.
   */
  warn(message: string, fields?: LogFields): void;
  /** Errors. The runtime writes none at this level; code built on the same logger may. */
  error(message: string, fields?: LogFields): void;
}

/** Every {@link LogLevel}, lowest first (the order {@link withLevel} filters by). */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const severity = (level: LogLevel | 'silent'): number =>
  level === 'silent' ? LOG_LEVELS.length : LOG_LEVELS.indexOf(level);

const nothing = (): void => {};

type LineWriter = Logger[LogLevel];

function loggerFrom(writerFor: (lineLevel: LogLevel) => LineWriter): Logger {
  return {
    debug: writerFor('debug'),
    info: writerFor('info'),
    warn: writerFor('warn'),
    error: writerFor('error'),
  };
}

/** A logger that drops every line: the default wherever a `logger` option is left out. */
export const silentLogger: Logger = loggerFrom(() => nothing);

/** Drops every line below `level`; `'silent'` drops all of them. */
export function withLevel(logger: Logger, level: LogLevel | 'silent'): Logger {
  const threshold = severity(level);
  return loggerFrom((lineLevel) =>
    severity(lineLevel) >= threshold
      ? (message, fields) => logger[lineLevel](message, fields)
      : nothing,
  );
}

/**
 * Where {@link consoleLogger} writes: `console`, or anything with its `debug`/`info`/`warn`/`error`
 * methods.
 */
export type ConsoleSink = Pick<Console, LogLevel>;

/** Writes to `console.debug/info/warn/error` (or another sink), keeping lines at `level` and above. */
export function consoleLogger(
  level: LogLevel | 'silent' = 'info',
  sink: ConsoleSink = console,
): Logger {
  const written = loggerFrom((lineLevel) => (message, fields) => {
    if (fields === undefined) sink[lineLevel](message);
    else sink[lineLevel](message, fields);
  });
  return withLevel(written, level);
}

/**
 * Every line goes through `scrubSecrets`/`scrubValue` before reaching the hook, so a token
 * echoed in a path, a header name or an error message cannot reach the logs. A throwing
 * logger must not turn a delivered message into a failed send, so its errors are swallowed.
 */
export function scrubbingLogger(logger: Logger, secrets: readonly string[]): Logger {
  // Nothing is written, so there is nothing to scrub (and no per-call copying of fields).
  if (logger === silentLogger) return logger;
  return loggerFrom((lineLevel) => (message, fields) => {
    try {
      const safeMessage = scrubSecrets(message, secrets);
      if (fields === undefined) logger[lineLevel](safeMessage);
      else logger[lineLevel](safeMessage, scrubValue(fields, secrets));
    } catch {
      // a broken log sink is not the request's failure
    }
  });
}

/** The request-id header most APIs use; vendors name their own in their adapter. */
export const REQUEST_ID_HEADERS: readonly string[] = ['x-request-id'];

/**
 * The vendor's id for this request, to quote to its support, or undefined when none was sent:
 * the first of `vendorHeaders`, then the common `X-Request-Id`.
 */
export function requestIdOf(
  response: Response,
  vendorHeaders: readonly string[] = [],
): string | undefined {
  for (const name of [...vendorHeaders, ...REQUEST_ID_HEADERS]) {
    const value = response.headers.get(name);
    if (value) return value;
  }
  return undefined;
}
