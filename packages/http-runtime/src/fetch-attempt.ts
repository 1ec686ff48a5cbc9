/**
 * One attempt of a resilient fetch: the request sent once, under its own timeout, which runs
 * until the response body has been read (or cancelled), as does the size limit of that body.
 */
import type { Call, FetchFunction, Shared } from './fetch-call.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import {
  classifyTransportFailure,
  deepestCode,
  TransportError,
  type TransportPhase,
} from './network-error.js';
import { guardResponseBody, ResponseTooLargeError, type GuardedResponse } from './response-body.js';
import { forwardAbort, timeoutReason } from './timeout.js';

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly response: Response; readonly durationMs: number }
  | { readonly kind: 'failure'; readonly error: TransportError; readonly transient: boolean };

function isNamedError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/** The request this attempt hands to `fetch`, with the body it may send again (see `FetchFunction`). */
function fetchOnce(
  underlying: FetchFunction,
  call: Call,
  attempt: number,
  signal: AbortSignal,
): Promise<Response> {
  const { request, extension, replayableBody } = call;
  // Never follow a redirect: a 3xx is the answer (see `normalizeCall`; repeated here for a
  // fetch that builds its own request from `init`).
  const redirect = 'manual';
  // Nothing single-use: every attempt can send the request itself.
  if (request.body === null) return underlying(request, { ...extension, redirect, signal });
  if (replayableBody !== undefined) {
    // A fetch that read only its first argument consumed the original: give it a fresh copy.
    const attemptRequest = request.bodyUsed
      ? new Request(request, { body: replayableBody })
      : request;
    return underlying(attemptRequest, { ...extension, body: replayableBody, redirect, signal });
  }
  // A stream body is single-use: every attempt but the last sends a copy.
  const attemptRequest = attempt >= call.maxAttempts ? request : request.clone();
  return underlying(attemptRequest, { ...extension, redirect, signal });
}

function transportError(
  call: Call,
  shared: Shared,
  phase: TransportPhase,
  attempt: number,
  extra: {
    code?: string | undefined;
    timeoutMs?: number;
    responseStatus?: number;
    requestSent?: boolean;
    cause?: unknown;
  },
): TransportError {
  return new TransportError({
    phase,
    method: call.method,
    url: call.request.url,
    attempts: attempt,
    vendor: shared.vendor,
    connection: shared.connection,
    secrets: shared.secrets,
    ...extra,
  });
}

/**
 * What an exception from `fetch` means: a timeout, a transport failure (connect or sent) or an
 * abort by a signal other than the caller's. Throws the caller's reason when the caller gave up,
 * and anything else untouched.
 */
interface AttemptState {
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  /** Set once headers arrived: failures from then on are of that response's body. */
  readonly responseStatus?: number;
}

function failureOf(
  error: unknown,
  state: AttemptState,
  call: Call,
  attempt: number,
  shared: Shared,
): Extract<AttemptOutcome, { kind: 'failure' }> {
  if (call.callerSignal.aborted) throw call.callerSignal.reason;
  const { responseStatus } = state;
  const fail = (phase: TransportPhase, extra: { code?: string | undefined; timeoutMs?: number }) =>
    transportError(call, shared, phase, attempt, {
      ...extra,
      ...(responseStatus === undefined ? {} : { responseStatus }),
      cause: error,
    });
  if (state.timedOut || isNamedError(error, 'TimeoutError')) {
    const { timeoutMs } = state;
    return { kind: 'failure', error: fail('timeout', { timeoutMs }), transient: false };
  }
  const failure = classifyTransportFailure(error);
  if (failure) {
    // Once the response started, the connection had been up: nothing is "not connected".
    const phase = responseStatus === undefined ? failure.phase : 'sent';
    const transient = responseStatus === undefined && failure.transient;
    return { kind: 'failure', error: fail(phase, { code: failure.code }), transient };
  }
  if (isNamedError(error, 'AbortError')) {
    return { kind: 'failure', error: fail('aborted', {}), transient: false };
  }
  // Once headers arrived, whatever breaks the body (an undici code no table knows yet) is the
  // connection's: the request was received, so it is a failure after sending, never untyped.
  if (responseStatus !== undefined) {
    return { kind: 'failure', error: fail('sent', { code: deepestCode(error) }), transient: false };
  }
  throw error;
}

/** What a failed body read stands for: a typed failure, or the caller's reason (or a bug) as is. */
function bodyFailureOf(
  error: unknown,
  state: AttemptState,
  call: Call,
  attempt: number,
  shared: Shared,
): unknown {
  try {
    return failureOf(error, state, call, attempt, shared).error;
  } catch (thrown) {
    return thrown;
  }
}

/** The deadline passed before this attempt could go: fails it without sending anything. */
function deadlinePassed(call: Call, attempt: number, shared: Shared): AttemptOutcome {
  return {
    kind: 'failure',
    error: transportError(call, shared, 'timeout', attempt - 1, { requestSent: false }),
    transient: false,
  };
}

/** What HTTP allows a final response to carry, and all `Response` itself accepts. */
const isFinalHttpStatus = (status: number) => status >= 200 && status <= 599;

/**
 * A status outside 200–599 (undici passes on any three digits): no body limit could guard such a
 * response, so it is refused as the malformed answer it is, and its body is never read. The
 * server answered, so the request arrived: a failure after sending, with the status it gave.
 */
function invalidStatus(
  response: Response,
  call: Call,
  attempt: number,
  shared: Shared,
  end: () => void,
): AttemptOutcome {
  end();
  response.body?.cancel().catch(() => {});
  const error = transportError(call, shared, 'sent', attempt, {
    code: 'HPE_INVALID_STATUS',
    responseStatus: response.status,
  });
  return { kind: 'failure', error, transient: false };
}

/** Lets the process exit while a timer only guards a body nobody may ever read. */
function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Sends the request once (`attempt` counts from 1). The attempt's timeout (the policy's, cut to
 * the call's deadline) runs until the returned response's body has been read, failed or been
 * cancelled, and that body fails past `maxResponseBytes`.
 */
export async function attemptOnce(
  call: Call,
  attempt: number,
  policy: ResolvedPolicy,
  shared: Shared,
): Promise<AttemptOutcome> {
  const { now } = shared;
  const timeLeftMs = call.deadline - now();
  if (timeLeftMs <= 0) return deadlinePassed(call, attempt, shared);
  const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, timeLeftMs));
  const controller = new AbortController();
  // The call's own signals live no longer than the request, so their listeners need no
  // removal. Other caller signals (a connection's, living as long as it) are unlinked when the
  // attempt ends, which is when its response body does.
  const callerForward = call.callerIsOwn
    ? undefined
    : forwardAbort([call.callerSignal], controller);
  forwardAbort(call.ownSignals, controller);
  const state: { timedOut: boolean; timeoutMs: number; responseStatus?: number } = {
    timedOut: false,
    timeoutMs,
  };
  let body: GuardedResponse | undefined;
  const end = () => {
    clearTimeout(timer);
    callerForward?.unlink();
  };
  const timer = setTimeout(() => {
    state.timedOut = true;
    controller.abort(timeoutReason(timeoutMs));
    // Also ends the body when the underlying fetch ignores the signal once headers arrived.
    body?.fail(bodyFailureOf(timeoutReason(timeoutMs), state, call, attempt, shared));
    callerForward?.unlink();
  }, timeoutMs);
  const startedAt = now();
  let response: Response;
  try {
    const underlying = shared.fetch ?? globalThis.fetch;
    policy.onAttempt?.(call.request, attempt);
    response = await fetchOnce(underlying, call, attempt, controller.signal);
  } catch (error) {
    end();
    let failure: Extract<AttemptOutcome, { kind: 'failure' }>;
    try {
      failure = failureOf(error, state, call, attempt, shared);
    } catch (thrown) {
      policy.onAttemptEnd?.(call.request, attempt, {
        error: thrown,
        durationMs: now() - startedAt,
      });
      throw thrown;
    }
    policy.onAttemptEnd?.(call.request, attempt, {
      error: failure.error,
      durationMs: now() - startedAt,
    });
    return failure;
  }
  state.responseStatus = response.status;
  policy.onAttemptEnd?.(call.request, attempt, {
    status: response.status,
    headers: response.headers,
    durationMs: now() - startedAt,
  });
  if (!isFinalHttpStatus(response.status))
    return invalidStatus(response, call, attempt, shared, end);
  const maxBytes = policy.maxResponseBytes;
  body = guardResponseBody(response, {
    maxBytes,
    tooLarge: (received) =>
      new ResponseTooLargeError({
        method: call.method,
        url: call.request.url,
        status: response.status,
        limit: maxBytes,
        received,
        vendor: shared.vendor,
        connection: shared.connection,
        secrets: shared.secrets,
      }),
    readFailure: (error) => bodyFailureOf(error, state, call, attempt, shared),
    onSettled: end,
  });
  if (body === undefined) end();
  else unref(timer);
  return { kind: 'response', response: body?.response ?? response, durationMs: now() - startedAt };
}
