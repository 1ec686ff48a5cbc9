/**
 * Request hooks: user code told of every HTTP attempt a connection makes (facade calls and the
 * raw client alike), for tracing and metrics. A hook that throws is logged and ignored: it never
 * changes what is sent or what a call returns.
 */
import {
  assertHeaders,
  ConfigurationError,
  redactRequestUrl,
  REQUEST_ID_HEADERS,
  scrubSecrets,
  type AttemptEnd,
  type Logger,
  type ResilientFetchPolicy,
} from '@org/http-runtime';

/** Called for each HTTP attempt of a connection; see `RuntimeSettings.hooks`. */
export interface RequestHooks {
  /** Before the attempt leaves (after any rate-limit wait); may add headers (trace context). */
  onRequest?(event: RequestHookEvent): void;
  /** The attempt's response headers arrived: any status, 4xx and 5xx included. */
  onResponse?(event: ResponseHookEvent): void;
  /** The attempt ended without a response: network failure, timeout or abort. */
  onError?(event: ErrorHookEvent): void;
}

/** What every hook event says of its attempt. */
export interface AttemptHookInfo {
  /** One attempt: the same in its `onRequest` and in its `onResponse` or `onError`. */
  readonly id: string;
  /** The connection's name, as given to `createOrderMessaging`. */
  readonly connection: string;
  /** The adapter's vendor (`mirakl`, `spp`…). */
  readonly vendor: string;
  /** The vendor operation as the adapter names it (`create order message`…); `raw` for the raw client. */
  readonly operation: string;
  /** The HTTP method (`GET`, `POST`…). */
  readonly method: string;
  /** The request URL with credentials in its query masked. */
  readonly url: string;
  /** 1 for the first attempt, 2 for the first retry… */
  readonly attempt: number;
}

/** `onRequest`'s event: an attempt about to leave. */
export interface RequestHookEvent extends AttemptHookInfo {
  /**
   * Adds a header to this attempt (e.g. `traceparent`). Credentials, cookies and the headers
   * that frame the body cannot be set; a name or value fetch would refuse throws.
   */
  setHeader(name: string, value: string): void;
}

/** `onResponse`'s event: an attempt's response headers arrived. */
export interface ResponseHookEvent extends AttemptHookInfo {
  /** The response's HTTP status. */
  readonly status: number;
  /** From sending until the response headers arrived. */
  readonly durationMs: number;
  /** The vendor's id for this request, when it sent one. */
  readonly requestId?: string;
}

/** `onError`'s event: an attempt ended without a response. */
export interface ErrorHookEvent extends AttemptHookInfo {
  /** The runtime's `TransportError` (its message names no credential), or the abort reason. */
  readonly error: unknown;
  /** From sending until the attempt failed. */
  readonly durationMs: number;
}

const PROTECTED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
]);

export interface HookTarget {
  readonly connection: string;
  readonly vendor: string;
  readonly logger: Logger;
  readonly requestIdHeaders: readonly string[];
  /** The connection's credentials, scrubbed from what a hook sees of a response. */
  readonly secrets: readonly string[];
}

let attempts = 0;

/**
 * The runtime policy that tells `hooks` of each attempt. `operation` names what the attempt is
 * for when it is asked; `onAttempt` also runs (the call context's own bookkeeping).
 */
export function hookPolicy(
  hooks: RequestHooks | undefined,
  target: HookTarget,
  operation: () => string,
  onAttempt?: (request: Request, attempt: number) => void,
): Pick<ResilientFetchPolicy, 'onAttempt' | 'onAttemptEnd'> {
  if (!hooks) return onAttempt ? { onAttempt } : {};
  const open = new WeakMap<Request, AttemptHookInfo>();
  const safely = (name: keyof RequestHooks, run: () => void) => {
    try {
      run();
    } catch (error) {
      // Our own refusals (setHeader) say what was wrong and never echo a value; the user's
      // errors are theirs to log, and might carry anything.
      const why = error instanceof ConfigurationError ? `: ${error.message}` : '';
      target.logger.warn(`request hook ${name} threw; ignored${why}`, {
        connection: target.connection,
      });
    }
  };
  return {
    onAttempt(request, attempt) {
      onAttempt?.(request, attempt);
      const info: AttemptHookInfo = {
        id: `${target.connection}#${++attempts}`,
        connection: target.connection,
        vendor: target.vendor,
        operation: operation(),
        method: request.method,
        url: redactRequestUrl(request),
        attempt,
      };
      open.set(request, info);
      const setHeader = (name: string, value: string) => {
        assertHeaders({ [name]: value });
        if (PROTECTED_HEADERS.has(name.toLowerCase())) {
          throw new ConfigurationError(`a request hook may not set the ${name} header`);
        }
        request.headers.set(name, value);
      };
      safely('onRequest', () => hooks.onRequest?.({ ...info, setHeader }));
    },
    onAttemptEnd(request, _attempt, end: AttemptEnd) {
      const info = open.get(request);
      if (!info) return;
      open.delete(request);
      if ('status' in end) {
        const echoed = [...target.requestIdHeaders, ...REQUEST_ID_HEADERS]
          .map((name) => end.headers.get(name))
          .find((value) => value);
        // A hostile server may echo the credential it got as its request id.
        const requestId = echoed && scrubSecrets(echoed, target.secrets);
        safely('onResponse', () =>
          hooks.onResponse?.({
            ...info,
            status: end.status,
            durationMs: end.durationMs,
            ...(requestId ? { requestId } : {}),
          }),
        );
      } else {
        safely('onError', () =>
          hooks.onError?.({ ...info, error: end.error, durationMs: end.durationMs }),
        );
      }
    },
  };
}
