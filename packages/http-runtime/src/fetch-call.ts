/**
 * What one call of a resilient fetch works with: the connection's shared parts, and the call's
 * own request, limits and signals, fixed before its first attempt.
 */
import { callFields, type CallFields, type LogLabels } from './fetch-log.js';
import type { ResolvedPolicy } from './fetch-policy.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limit.js';
import { rememberBody, replayableBodyOf, type ReplayableBody } from './replayable-body.js';
import { forwardAbort, type SignalLink, type Sleep } from './timeout.js';

/**
 * The shape of `globalThis.fetch` as the runtime calls it: always with a `Request`, and an
 * `init` carrying the attempt's `signal`, any transport extension (an undici `dispatcher`) and,
 * when the runtime kept the value the body was built from, that `body` (so the request's own
 * body stream is never read and can serve the next attempt). `fetch(input, init)` honours
 * them as the standard does; a fetch that reads only `input` still sends the right body, since
 * the runtime passes a fresh copy whenever an earlier attempt consumed it.
 */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/** What a resilient fetch and its `withPolicy` variants share: one connection's parts. */
export interface Shared extends LogLabels {
  readonly fetch: FetchFunction | undefined;
  readonly rateLimiter: RateLimiter | undefined;
  /** Already scrubbing `secrets`. */
  readonly logger: Logger;
  readonly secrets: readonly string[];
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: () => number;
}

/** One call, as its attempts see it. */
export interface Call {
  readonly request: Request;
  /** Passed through to every attempt (openapi-fetch's `requestInitExt`, e.g. an undici dispatcher). */
  readonly extension: Record<string, unknown>;
  /** Upper case. */
  readonly method: string;
  readonly idempotent: boolean;
  readonly maxAttempts: number;
  /**
   * When the call's `totalTimeoutMs` or the policy's `deadline` runs out, whichever is first, on
   * `Shared.now`'s clock; infinite without either.
   */
  readonly deadline: number;
  /**
   * The value the body was built from, when it can be sent again as is: then no attempt copies
   * the request's body stream (see `FetchFunction`).
   */
  readonly replayableBody: ReplayableBody | undefined;
  /** Stands for "the caller gave up", whichever of the caller's signals fired. */
  readonly callerSignal: AbortSignal;
  /** The signals that came with the request itself (`init.signal`, `request.signal`). */
  readonly ownSignals: readonly (AbortSignal | undefined)[];
  /** Whether `callerSignal` is one of `ownSignals`. */
  readonly callerIsOwn: boolean;
  readonly fields: CallFields;
  /** Stops following the caller's signals: once the call has ended. */
  unlink(): void;
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
  // The vendor clients build their requests with `redirect: 'manual'` already; anything else
  // is copied with it, so no attempt (by the global fetch or a caller's) follows a redirect.
  if (input instanceof Request && !changesRequest && input.redirect === 'manual') request = input;
  else {
    request = new Request(input, { ...rest, redirect: 'manual' });
    const body = rest.body ?? (input instanceof Request ? replayableBodyOf(input) : undefined);
    if (body != null) rememberBody(request, body);
  }
  const extension = Object.fromEntries(
    Object.entries(rest).filter(([key]) => !REQUEST_INIT_MEMBERS.has(key)),
  );
  return { request, extension, initSignal: signal ?? undefined };
}

interface CallerSignal {
  readonly signal: AbortSignal;
  readonly link: SignalLink | undefined;
}

/**
 * One signal for all of the caller's. Usually the request's own signal is the only one, and then
 * it serves as is: no controller to link.
 */
function callerSignalOf(sources: readonly (AbortSignal | undefined)[]): CallerSignal {
  const distinct = [...new Set(sources)].filter(
    (source): source is AbortSignal => source !== undefined,
  );
  if (distinct.length === 1) return { signal: distinct[0]!, link: undefined };
  const caller = new AbortController();
  const link = forwardAbort(distinct, caller);
  return { signal: caller.signal, link };
}

/** Sets up a call: its request, its limits and the signal that says the caller gave up. */
export function openCall(
  input: Request | string | URL,
  init: RequestInit | undefined,
  policy: ResolvedPolicy,
  shared: Shared,
): Call {
  const { request, extension, initSignal } = normalizeCall(input, init);
  const method = request.method.toUpperCase();
  const idempotent = policy.isIdempotent(request);
  const maxAttempts = policy.retry ? policy.retry.maxRetries + 1 : 1;
  const deadline = Math.min(
    policy.deadline ?? Number.POSITIVE_INFINITY,
    policy.totalTimeoutMs === undefined
      ? Number.POSITIVE_INFINITY
      : shared.now() + policy.totalTimeoutMs,
  );
  const replayableBody = request.body === null ? undefined : replayableBodyOf(request);
  const caller = callerSignalOf([...policy.signals, initSignal, request.signal]);
  const ownSignals = [initSignal, request.signal];
  return {
    request,
    extension,
    method,
    idempotent,
    maxAttempts,
    deadline,
    replayableBody,
    callerSignal: caller.signal,
    ownSignals,
    callerIsOwn: ownSignals.includes(caller.signal),
    fields: callFields(shared, method, request),
    unlink: () => caller.link?.unlink(),
  };
}
