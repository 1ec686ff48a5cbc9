/**
 * The fields of a resilient fetch's log lines. They are built when a line is written: a silent
 * logger (the default) needs none, and redacting the URL (a URL parse) for every request showed
 * up in profiles of stubbed sends.
 */
import { requestIdOf, type LogFields } from './logger.js';
import { redactRequestUrl } from './redact.js';

/** Why the runtime waited before sending: the `waitReason` log field. */
export type WaitReason = 'retry-after' | 'backoff' | 'rate-limit';

/** The labels a connection puts on every line. */
export interface LogLabels {
  readonly vendor: string | undefined;
  readonly connection: string | undefined;
  /** Response headers carrying the vendor's request id, checked before the common ones. */
  readonly requestIdHeaders: readonly string[];
}

/** The fields of one call's lines. */
export interface CallFields {
  /** `vendor`, `connection`, `method` and the redacted `url`; built once, on first use. */
  call(): LogFields;
  /** The call's fields and the attempt's number. */
  attempt(attempt: number): LogFields;
  /** The attempt's fields and what its response says: `status`, `requestId`, `durationMs`. */
  response(attempt: number, response: Response, durationMs: number): LogFields;
}

export function callFields(labels: LogLabels, method: string, request: Request): CallFields {
  let cached: LogFields | undefined;
  const call = (): LogFields =>
    (cached ??= {
      ...(labels.vendor === undefined ? {} : { vendor: labels.vendor }),
      ...(labels.connection === undefined ? {} : { connection: labels.connection }),
      method,
      url: redactRequestUrl(request),
    });
  const attempt = (number: number): LogFields => ({ ...call(), attempt: number });
  return {
    call,
    attempt,
    response: (number, response, durationMs) => ({
      ...attempt(number),
      status: response.status,
      requestId: requestIdOf(response, labels.requestIdHeaders),
      durationMs,
    }),
  };
}
