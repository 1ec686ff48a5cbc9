/**
 * `createResilientFetch`: a `fetch` that retries what is safe to retry, times out, waits for the
 * rate limiter and logs without secrets. The call itself is in `fetch-send.ts` and the files it
 * imports: policy (`fetch-policy`), the call's setup (`fetch-call`), one attempt
 * (`fetch-attempt`), retry decisions (`fetch-retry`), waits (`fetch-wait`) and log fields
 * (`fetch-log`).
 */
import type { FetchFunction, Shared } from './fetch-call.js';
import { resolvePolicy, type ResilientFetchPolicy, type ResolvedPolicy } from './fetch-policy.js';
import { send } from './fetch-send.js';
import { scrubbingLogger, silentLogger, type Logger } from './logger.js';
import type { RateLimiter } from './rate-limit.js';
import { abortableSleep, type Sleep } from './timeout.js';

export type { FetchFunction } from './fetch-call.js';
export type { AttemptEnd, ResilientFetchPolicy } from './fetch-policy.js';
export { attemptsOf } from './fetch-send.js';

export interface ResilientFetchOptions extends ResilientFetchPolicy {
  /** The fetch doing the I/O. Default `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchFunction;
  /** One per connection: vendors count requests per API key. */
  readonly rateLimiter?: RateLimiter | undefined;
  /**
   * Where attempts, retries and waits are logged (default: nowhere). Every line is scrubbed of
   * `secrets` first.
   */
  readonly logger?: Logger | undefined;
  /** Strings never to log or put in an error message: the connection's tokens and keys. */
  readonly secrets?: readonly string[];
  /** Response headers carrying the vendor's request id, checked before the common ones. */
  readonly requestIdHeaders?: readonly string[];
  /** Labels for logs and errors. */
  readonly vendor?: string | undefined;
  /** Connection label for logs and errors. */
  readonly connection?: string | undefined;
  /** For tests: replace the clock, the timer-based wait and the jitter source. */
  readonly sleep?: Sleep;
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Jitter source in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * A drop-in `fetch` (what the vendor clients take as `fetch`), plus `withPolicy` for a
 * variant with other settings for one call, sharing the limiter, logger and transport.
 */
export interface ResilientFetch {
  (input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /**
   * A fetch with `policy`'s settings over this one's (e.g. one call's timeouts and retries),
   * sharing its rate limiter, logger and transport.
   */
  withPolicy(policy: ResilientFetchPolicy): ResilientFetch;
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
