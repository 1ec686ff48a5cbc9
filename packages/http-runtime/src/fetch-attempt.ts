/** One attempt of a resilient fetch: the request sent once, under its own timeout. */
import type { Call, FetchFunction, Shared } from './fetch-call.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import { classifyTransportFailure, TransportError, type TransportPhase } from './network-error.js';
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
  extra: { code?: string | undefined; timeoutMs?: number; cause?: unknown },
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
function failureOf(
  error: unknown,
  timeout: { readonly timedOut: boolean; readonly timeoutMs: number },
  call: Call,
  attempt: number,
  shared: Shared,
): AttemptOutcome {
  if (call.callerSignal.aborted) throw call.callerSignal.reason;
  if (timeout.timedOut || isNamedError(error, 'TimeoutError')) {
    const { timeoutMs } = timeout;
    return {
      kind: 'failure',
      error: transportError(call, shared, 'timeout', attempt, { timeoutMs, cause: error }),
      transient: false,
    };
  }
  const failure = classifyTransportFailure(error);
  if (failure) {
    const { phase, code } = failure;
    return {
      kind: 'failure',
      error: transportError(call, shared, phase, attempt, { code, cause: error }),
      transient: failure.transient,
    };
  }
  if (isNamedError(error, 'AbortError')) {
    return {
      kind: 'failure',
      error: transportError(call, shared, 'aborted', attempt, { cause: error }),
      transient: false,
    };
  }
  throw error;
}

/**
 * Sends the request once (`attempt` counts from 1), until its headers arrive or the attempt's
 * timeout (the policy's, cut to the call's deadline) fires.
 */
export async function attemptOnce(
  call: Call,
  attempt: number,
  policy: ResolvedPolicy,
  shared: Shared,
): Promise<AttemptOutcome> {
  const { now } = shared;
  const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, call.deadline - now()));
  const controller = new AbortController();
  // The call's own signals keep aborting the response body after headers arrive; they live
  // no longer than the request, so their listeners need no removal. Other caller signals
  // (a connection's, living as long as it) are unlinked when the attempt ends.
  const callerForward = call.callerIsOwn
    ? undefined
    : forwardAbort([call.callerSignal], controller);
  forwardAbort(call.ownSignals, controller);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(timeoutReason(timeoutMs));
  }, timeoutMs);
  const startedAt = now();
  try {
    const underlying = shared.fetch ?? globalThis.fetch;
    policy.onAttempt?.(call.request, attempt);
    const response = await fetchOnce(underlying, call, attempt, controller.signal);
    return { kind: 'response', response, durationMs: now() - startedAt };
  } catch (error) {
    return failureOf(error, { timedOut, timeoutMs }, call, attempt, shared);
  } finally {
    clearTimeout(timer);
    callerForward?.unlink();
  }
}
