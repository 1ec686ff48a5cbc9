import { ConfigurationError } from './base-url.js';
import { backoffDelay } from './backoff.js';
import {
  requestIdOf,
  scrubbingLogger,
  silentLogger,
  type LogFields,
  type Logger,
} from './logger.js';
import { classifyTransportFailure, TransportError, type TransportPhase } from './network-error.js';
import {
  LocalRateLimitError,
  type AcquireOptions,
  type RateLimiter,
  type RateLimitSlot,
} from './rate-limit.js';
import { redactUrl } from './redact.js';
import { rememberBody, replayableBodyOf } from './replayable-body.js';
import {
  isIdempotentRequest,
  isRetryableStatus,
  resolveRetryOptions,
  type RetryOptions,
} from './retry.js';
import { serverRequestedWait } from './retry-after.js';
import {
  abortableSleep,
  forwardAbort,
  timeoutReason,
  type SignalLink,
  type Sleep,
} from './timeout.js';

/**
 * The shape of `globalThis.fetch` as the runtime calls it: always with a `Request`, and an
 * `init` carrying the attempt's `signal`, any transport extension (an undici `dispatcher`) and,
 * when the runtime kept the value the body was built from, that `body` (so the request's own
 * body stream is never read and can serve the next attempt). `fetch(input, init)` honours
 * them as the standard does; a fetch that reads only `input` still sends the right body, since
 * the runtime passes a fresh copy whenever an earlier attempt consumed it.
 */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/** What may change per call through `withPolicy`. */
export interface ResilientFetchPolicy {
  /** Retry settings merged over the current ones; `false` sends every request once. */
  readonly retry?: Partial<RetryOptions> | false;
  /** Limit for one attempt, until the response headers arrive. Default 30 000. */
  readonly timeoutMs?: number;
  /** Limit for the whole call: attempts, backoff sleeps and rate-limit waits. Default: none. */
  readonly totalTimeoutMs?: number | undefined;
  /**
   * Whether repeating the request is harmless. Default: GET, HEAD, OPTIONS, PUT and DELETE are;
   * POST and PATCH are not. Pass `true` for a POST that carries an idempotency key.
   */
  readonly isIdempotent?: boolean | ((request: Request) => boolean);
  /** Aborts the call. In `withPolicy`, added to the connection's signal rather than replacing it. */
  readonly signal?: AbortSignal | undefined;
  /** Longest total wait for the rate limiter before failing with `LocalRateLimitError`. Default 60 000. */
  readonly maxRateLimitWaitMs?: number;
  /**
   * Sees each attempt's request as it leaves (after any rate-limit wait): how a caller learns
   * whether, how often and where a request went out. In `withPolicy`, replaces the current one.
   */
  readonly onAttempt?: ((request: Request, attempt: number) => void) | undefined;
}

export interface ResilientFetchOptions extends ResilientFetchPolicy {
  /** The fetch doing the I/O. Default `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchFunction;
  /** One per connection: vendors count requests per API key. */
  readonly rateLimiter?: RateLimiter | undefined;
  readonly logger?: Logger | undefined;
  /** Strings never to log or put in an error message: the connection's tokens and keys. */
  readonly secrets?: readonly string[];
  /** Response headers carrying the vendor's request id, checked before the common ones. */
  readonly requestIdHeaders?: readonly string[];
  /** Labels for logs and errors. */
  readonly vendor?: string | undefined;
  readonly connection?: string | undefined;
  /** For tests: replace the clock, the timer-based wait and the jitter source. */
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * A drop-in `fetch` (what the vendor clients take as `fetch`), plus `withPolicy` for a
 * variant with other settings for one call, sharing the limiter, logger and transport.
 */
export interface ResilientFetch {
  (input: Request | string | URL, init?: RequestInit): Promise<Response>;
  withPolicy(policy: ResilientFetchPolicy): ResilientFetch;
}

/** Why the runtime waited before sending. */
export type WaitReason = 'retry-after' | 'backoff' | 'rate-limit';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

const attemptsByResponse = new WeakMap<Response, number>();

/** How many attempts produced this response (1 = no retry); undefined if it did not come from a resilient fetch. */
export function attemptsOf(response: Response): number | undefined {
  return attemptsByResponse.get(response);
}

interface ResolvedPolicy {
  readonly retry: RetryOptions | false;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number | undefined;
  readonly isIdempotent: (request: Request) => boolean;
  readonly signals: readonly AbortSignal[];
  readonly maxRateLimitWaitMs: number;
  readonly onAttempt: ((request: Request, attempt: number) => void) | undefined;
}

function positive(name: string, value: number | undefined): void {
  // `!(value > 0)` also catches NaN.
  if (value !== undefined && !(value > 0)) {
    throw new ConfigurationError(
      `${name} must be a positive number of milliseconds (got ${value})`,
    );
  }
}

function resolvePolicy(
  policy: ResilientFetchPolicy,
  base: ResolvedPolicy | undefined,
): ResolvedPolicy {
  positive('timeoutMs', policy.timeoutMs);
  positive('totalTimeoutMs', policy.totalTimeoutMs);
  if (policy.maxRateLimitWaitMs !== undefined && !(policy.maxRateLimitWaitMs >= 0)) {
    throw new ConfigurationError(
      `maxRateLimitWaitMs must be >= 0 (got ${policy.maxRateLimitWaitMs})`,
    );
  }
  const idempotent = policy.isIdempotent;
  const baseRetry = base?.retry === false ? undefined : base?.retry;
  return {
    retry:
      policy.retry === undefined && base
        ? base.retry
        : resolveRetryOptions(policy.retry, baseRetry),
    timeoutMs: policy.timeoutMs ?? base?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    totalTimeoutMs: 'totalTimeoutMs' in policy ? policy.totalTimeoutMs : base?.totalTimeoutMs,
    isIdempotent:
      typeof idempotent === 'boolean'
        ? () => idempotent
        : (idempotent ?? base?.isIdempotent ?? isIdempotentRequest),
    signals: [...(base?.signals ?? []), ...(policy.signal ? [policy.signal] : [])],
    maxRateLimitWaitMs:
      policy.maxRateLimitWaitMs ?? base?.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
    onAttempt: policy.onAttempt ?? base?.onAttempt,
  };
}

/** `RequestInit` members that change the request itself, as opposed to transport extensions like `dispatcher`. */
const REQUEST_INIT_MEMBERS = new Set([
  'method',
  'headers',
  'body',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'integrity',
  'keepalive',
  'window',
  'duplex',
  'priority',
]);

interface NormalizedCall {
  readonly request: Request;
  /** Passed through to every attempt (openapi-fetch's `requestInitExt`, e.g. an undici dispatcher). */
  readonly extension: Record<string, unknown>;
  readonly initSignal: AbortSignal | undefined;
}

function normalizeCall(
  input: Request | string | URL,
  init: RequestInit | undefined,
): NormalizedCall {
  const { signal, ...rest } = init ?? {};
  const changesRequest = Object.keys(rest).some((key) => REQUEST_INIT_MEMBERS.has(key));
  let request: Request;
  if (input instanceof Request && !changesRequest) request = input;
  else {
    request = new Request(input, rest);
    if (rest.body != null) rememberBody(request, rest.body);
  }
  const extension = Object.fromEntries(
    Object.entries(rest).filter(([key]) => !REQUEST_INIT_MEMBERS.has(key)),
  );
  return { request, extension, initSignal: signal ?? undefined };
}

interface Shared {
  readonly fetch: FetchFunction | undefined;
  readonly rateLimiter: RateLimiter | undefined;
  readonly logger: Logger;
  readonly secrets: readonly string[];
  readonly vendor: string | undefined;
  readonly connection: string | undefined;
  readonly requestIdHeaders: readonly string[];
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: () => number;
}

type AttemptOutcome =
  | { readonly kind: 'response'; readonly response: Response; readonly durationMs: number }
  | { readonly kind: 'failure'; readonly error: TransportError; readonly transient: boolean };

/** A fetch that was never awaited further must still release its socket. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

function isNamedError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

async function send(
  input: Request | string | URL,
  init: RequestInit | undefined,
  policy: ResolvedPolicy,
  shared: Shared,
): Promise<Response> {
  const { request, extension, initSignal } = normalizeCall(input, init);
  const { now, sleep, logger, rateLimiter, secrets } = shared;
  const method = request.method.toUpperCase();
  const idempotent = policy.isIdempotent(request);
  const retry = policy.retry;
  const maxAttempts = retry ? retry.maxRetries + 1 : 1;
  const deadline =
    policy.totalTimeoutMs === undefined ? Number.POSITIVE_INFINITY : now() + policy.totalTimeoutMs;
  // Log fields are built when a line is written: a silent logger (the default) needs none, and
  // redacting the URL (a URL parse) for every request showed up in profiles of stubbed sends.
  const logs = logger !== silentLogger;
  let baseFieldsCache: LogFields | undefined;
  const baseFields = (): LogFields =>
    (baseFieldsCache ??= {
      ...(shared.vendor === undefined ? {} : { vendor: shared.vendor }),
      ...(shared.connection === undefined ? {} : { connection: shared.connection }),
      method,
      url: redactUrl(request.url),
    });
  // The value the body was built from, when it can be sent again as is: then no attempt copies
  // the request's body stream (see FetchFunction).
  const replayableBody = request.body === null ? undefined : replayableBodyOf(request);

  // One signal stands for "the caller gave up", whichever of its signals fired. Usually the
  // request's own signal is the only one, and then it serves as is: no controller to link.
  const callerSources = [...new Set([...policy.signals, initSignal, request.signal])].filter(
    (source): source is AbortSignal => source !== undefined,
  );
  let callerLink: SignalLink | undefined;
  let callerSignal: AbortSignal;
  if (callerSources.length === 1) callerSignal = callerSources[0]!;
  else {
    const caller = new AbortController();
    callerLink = forwardAbort(callerSources, caller);
    callerSignal = caller.signal;
  }
  const ownSignals = [initSignal, request.signal];
  const callerIsOwn = ownSignals.includes(callerSignal);

  const transportError = (
    phase: TransportPhase,
    attempt: number,
    extra: { code?: string | undefined; timeoutMs?: number; cause?: unknown },
  ) =>
    new TransportError({
      phase,
      method,
      url: request.url,
      attempts: attempt,
      vendor: shared.vendor,
      connection: shared.connection,
      secrets,
      ...extra,
    });

  async function attemptOnce(attempt: number): Promise<AttemptOutcome> {
    const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, deadline - now()));
    const controller = new AbortController();
    // The call's own signals keep aborting the response body after headers arrive; they live
    // no longer than the request, so their listeners need no removal. Other caller signals
    // (a connection's, living as long as it) are unlinked when the attempt ends.
    const callerForward = callerIsOwn ? undefined : forwardAbort([callerSignal], controller);
    forwardAbort(ownSignals, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(timeoutReason(timeoutMs));
    }, timeoutMs);
    const startedAt = now();
    try {
      const underlying = shared.fetch ?? globalThis.fetch;
      policy.onAttempt?.(request, attempt);
      let response: Response;
      if (request.body === null) {
        // Nothing single-use: every attempt can send the request itself.
        response = await underlying(request, { ...extension, signal: controller.signal });
      } else if (replayableBody !== undefined) {
        // A fetch that read only its first argument consumed the original: give it a fresh copy.
        const attemptRequest = request.bodyUsed
          ? new Request(request, { body: replayableBody })
          : request;
        response = await underlying(attemptRequest, {
          ...extension,
          body: replayableBody,
          signal: controller.signal,
        });
      } else {
        // A stream body is single-use: every attempt but the last sends a copy.
        const attemptRequest = attempt >= maxAttempts ? request : request.clone();
        response = await underlying(attemptRequest, { ...extension, signal: controller.signal });
      }
      return { kind: 'response', response, durationMs: now() - startedAt };
    } catch (error) {
      if (callerSignal.aborted) throw callerSignal.reason;
      if (timedOut || isNamedError(error, 'TimeoutError')) {
        return {
          kind: 'failure',
          error: transportError('timeout', attempt, { timeoutMs, cause: error }),
          transient: false,
        };
      }
      const failure = classifyTransportFailure(error);
      if (failure) {
        return {
          kind: 'failure',
          error: transportError(failure.phase, attempt, { code: failure.code, cause: error }),
          transient: failure.transient,
        };
      }
      if (isNamedError(error, 'AbortError')) {
        return {
          kind: 'failure',
          error: transportError('aborted', attempt, { cause: error }),
          transient: false,
        };
      }
      throw error;
    } finally {
      clearTimeout(timer);
      callerForward?.unlink();
    }
  }

  async function waitBeforeRetry(ms: number): Promise<void> {
    await sleep(ms, callerSignal);
    if (callerSignal.aborted) throw callerSignal.reason;
  }

  let attempt = 0;
  try {
    for (;;) {
      attempt += 1;
      const fields = (): LogFields => ({ ...baseFields(), attempt });
      if (callerSignal.aborted) throw callerSignal.reason;

      let slot: RateLimitSlot | undefined;
      if (rateLimiter) {
        const maxWaitMs = Math.max(0, Math.min(policy.maxRateLimitWaitMs, deadline - now()));
        const acquireOptions: AcquireOptions = {
          maxWaitMs,
          onWait: (wait) =>
            logger.info('waiting for rate limit', {
              ...fields(),
              waitReason: 'rate-limit' satisfies WaitReason,
              waitMs: wait.waitMs,
              rule: wait.rule,
              limitSource: wait.source,
            }),
        };
        try {
          if (rateLimiter.reserve) {
            slot = await rateLimiter.reserve(request, callerSignal, acquireOptions);
          } else {
            await rateLimiter.acquire(request, callerSignal, acquireOptions);
          }
        } catch (error) {
          if (callerSignal.aborted) throw callerSignal.reason;
          if (error instanceof LocalRateLimitError) {
            logger.warn('rate limit wait too long; request not sent', {
              ...fields(),
              waitReason: 'rate-limit' satisfies WaitReason,
              waitMs: error.retryAfterMs,
              rule: error.rule,
              limitSource: error.source,
            });
          }
          throw error;
        }
      }

      let outcome: Awaited<ReturnType<typeof attemptOnce>>;
      try {
        outcome = await attemptOnce(attempt);
      } finally {
        // The server counted this attempt by the time it answered or the attempt failed.
        slot?.release();
      }
      const canRetry = retry !== false && attempt < maxAttempts;

      if (outcome.kind === 'failure') {
        const { error } = outcome;
        const failureFields = {
          ...fields(),
          phase: error.phase,
          code: error.code,
          mayHaveBeenDelivered: error.mayHaveBeenDelivered,
        };
        const retryable =
          error.phase === 'connect'
            ? outcome.transient
            : idempotent && (error.phase === 'sent' || error.phase === 'timeout');
        const delayMs =
          retry && canRetry && retryable
            ? backoffDelay(attempt - 1, retry, shared.random)
            : undefined;
        if (delayMs === undefined || now() + delayMs >= deadline) {
          logger.warn('request failed without a response', failureFields);
          throw error;
        }
        logger.warn('retrying after transport failure', {
          ...failureFields,
          waitReason: 'backoff' satisfies WaitReason,
          waitMs: delayMs,
        });
        await waitBeforeRetry(delayMs);
        continue;
      }

      const { response } = outcome;
      rateLimiter?.observe(response, request);
      const responseFields = (): LogFields => ({
        ...fields(),
        status: response.status,
        requestId: requestIdOf(response, shared.requestIdHeaders),
        durationMs: outcome.durationMs,
      });
      if (logs) logger.debug('response received', responseFields());
      const finish = () => {
        attemptsByResponse.set(response, attempt);
        return response;
      };
      if (!isRetryableStatus(response.status, idempotent)) return finish();
      if (!retry || !canRetry) {
        if (retry) logger.warn('giving up: retries exhausted', responseFields());
        return finish();
      }

      let delayMs: number;
      let waitReason: WaitReason;
      const serverWait = serverRequestedWait(response, now());
      if (serverWait) {
        const budget = Math.min(retry.maxRetryAfterMs, deadline - now());
        if (serverWait.ms > budget || now() + serverWait.ms >= deadline) {
          logger.warn('server asked to wait longer than allowed; returning its response', {
            ...responseFields(),
            waitReason: 'retry-after' satisfies WaitReason,
            waitSource: serverWait.source,
            waitMs: serverWait.ms,
          });
          return finish();
        }
        delayMs = serverWait.ms;
        waitReason = 'retry-after';
      } else {
        delayMs = backoffDelay(attempt - 1, retry, shared.random);
        waitReason = 'backoff';
        if (now() + delayMs >= deadline) {
          logger.warn('giving up: no time left for another attempt', responseFields());
          return finish();
        }
      }
      discard(response);
      logger.warn('retrying after response', {
        ...responseFields(),
        waitReason,
        ...(serverWait ? { waitSource: serverWait.source } : {}),
        waitMs: delayMs,
      });
      await waitBeforeRetry(delayMs);
    }
  } catch (error) {
    if (callerSignal.aborted && error === callerSignal.reason) {
      logger.debug('aborted by the caller', { ...baseFields(), attempt });
    }
    throw error;
  } finally {
    callerLink?.unlink();
  }
}

function build(policy: ResolvedPolicy, shared: Shared): ResilientFetch {
  const resilient = ((input: Request | string | URL, init?: RequestInit) =>
    send(input, init, policy, shared)) as ResilientFetch;
  resilient.withPolicy = (override) => build(resolvePolicy(override, policy), shared);
  return resilient;
}

/**
 * A fetch that retries what is safe to retry, times out, waits for the rate limiter and logs
 * without secrets. See the package README for the rules.
 */
export function createResilientFetch(options: ResilientFetchOptions = {}): ResilientFetch {
  const secrets = [...(options.secrets ?? [])];
  const shared: Shared = {
    fetch: options.fetch,
    rateLimiter: options.rateLimiter,
    logger: scrubbingLogger(options.logger ?? silentLogger, secrets),
    secrets,
    vendor: options.vendor,
    connection: options.connection,
    requestIdHeaders: options.requestIdHeaders ?? [],
    sleep: options.sleep ?? abortableSleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
  return build(resolvePolicy(options, undefined), shared);
}
