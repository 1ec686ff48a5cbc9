/**
 * A named connection: one adapter, its typed client, one rate limiter (vendors count per
 * credential) and one resilient fetch carrying the connection's retry and timeout policy.
 * Every call derives its own fetch from that one (`withPolicy`), so settings merge in one
 * place: facade → connection → call.
 */
import {
  ConfigurationError,
  createRateLimiter,
  createResilientFetch,
  rateLimitRules,
  scrubbingLogger,
  silentLogger,
  type Logger,
  type RateLimiter,
  type ResilientFetch,
  type ResilientFetchPolicy,
} from '@org/http-runtime';
import {
  ADAPTER_SPECIFICATION_VERSIONS,
  type AnyAdapter,
  type ConnectionSettings,
  type FetchFunction,
  type RuntimeSettings,
} from './adapter.js';
import type { ErrorScope } from './error-mapping.js';
import { hookPolicy, type HookTarget, type RequestHooks } from './hooks.js';

/**
 * Default `totalTimeoutMs`: 120 s for a whole facade call, retries, rate-limit waits and
 * reconciliation included.
 */
export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;

/** A connection as given to `createOrderMessaging`: an adapter, or an adapter with its own settings. */
export type ConnectionEntry<A extends AnyAdapter = AnyAdapter> =
  | A
  | ({
      /** The connection's adapter, e.g. `spp({ workspaceUrl, token })`. */
      readonly adapter: A;
    } & ConnectionSettings);

/** The adapter of a connection entry. */
export type AdapterOf<E> = E extends { readonly adapter: infer A } ? A : E;

/** Per-call settings; they override the connection's and the facade's. */
export interface CallSettings {
  /**
   * Aborts the call. Whatever the abort's reason, the call fails with a `TimeoutError`
   * (`retryable: false`, the reason as `cause`), whose `delivery` is `not_sent` unless a post had
   * started (then `unknown`).
   */
  signal?: AbortSignal;
  /** Per-attempt timeout, response body included (default 30 s). */
  timeoutMs?: number;
  /**
   * Deadline of the whole call, fixed when it starts (default {@link DEFAULT_TOTAL_TIMEOUT_MS}).
   */
  totalTimeoutMs?: number;
  /** Most bytes of one response body read, decompressed (default 8 MiB). */
  maxResponseBytes?: number;
  /** See `RuntimeSettings.maxRateLimitWaitMs`. */
  maxRateLimitWaitMs?: number;
  /** Retry settings for this call; `false` sends each request once. */
  retry?: RuntimeSettings['retry'];
}

export interface Connection {
  readonly name: string;
  readonly adapter: AnyAdapter;
  /** The client `raw()` returns: the connection's policy, no call's. */
  readonly client: unknown;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly scope: ErrorScope;
  /** The connection's fetch; a call narrows it with `withPolicy`. */
  readonly fetch: ResilientFetch;
  /** The connection's `totalTimeoutMs`: a call's deadline unless the call sets its own. */
  readonly totalTimeoutMs: number;
  readonly hooks: RequestHooks | undefined;
  readonly hookTarget: HookTarget;
}

/**
 * The runtime passes each attempt's signal (and, for a body it kept, the body) in
 * `init`. The global fetch takes them as is; a user's fetch may read only its first
 * argument, so for it they go into a copy of the request (a copy costs a third of a
 * send's CPU, hence not for the global fetch).
 */
function forUserFetch(base: FetchFunction | undefined) {
  if (!base) return undefined;
  return (request: Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? undefined;
    const body = init?.body ?? undefined;
    if (!signal && body === undefined) return base(request);
    return base(
      new Request(request, {
        ...(signal ? { signal } : {}),
        ...(body === undefined ? {} : { body }),
      }),
    );
  };
}

/** The retry, timeout and rate-limit wait members of settings that are set, as a runtime policy. */
export function policyOf(
  settings: CallSettings | RuntimeSettings | undefined,
): ResilientFetchPolicy {
  if (!settings) return {};
  return {
    ...(settings.retry === undefined ? {} : { retry: settings.retry }),
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    ...(settings.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: settings.totalTimeoutMs }),
    ...(settings.maxResponseBytes === undefined
      ? {}
      : { maxResponseBytes: settings.maxResponseBytes }),
    ...(settings.maxRateLimitWaitMs === undefined
      ? {}
      : { maxRateLimitWaitMs: settings.maxRateLimitWaitMs }),
  };
}

function isAdapter(value: unknown): value is AnyAdapter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { send?: unknown }).send === 'function'
  );
}

function splitEntry(
  name: string,
  entry: unknown,
): { adapter: AnyAdapter; settings: ConnectionSettings } {
  if (isAdapter(entry)) return { adapter: entry, settings: {} };
  if (
    typeof entry === 'object' &&
    entry !== null &&
    isAdapter((entry as { adapter?: unknown }).adapter)
  ) {
    const { adapter, ...settings } = entry as { adapter: AnyAdapter } & ConnectionSettings;
    return { adapter, settings };
  }
  throw new ConfigurationError(
    `connection "${name}": not an order-messaging adapter (give an adapter, or { adapter, ...settings })`,
  );
}

function ownLimiter(
  own: ConnectionSettings,
  adapter: AnyAdapter,
  maxServerHoldMs: number | undefined,
): RateLimiter {
  const rateLimits = own.rateLimits === false ? {} : (own.rateLimits ?? adapter.rateLimits);
  return createRateLimiter({
    rules: rateLimitRules(rateLimits),
    ...(maxServerHoldMs === undefined ? {} : { maxServerHoldMs }),
  });
}

/** A limiter given in the settings: it must be one, and it cannot be configured twice. */
function checkedLimiter(name: string, own: ConnectionSettings): RateLimiter {
  const limiter = own.rateLimiter as Partial<RateLimiter>;
  if (typeof limiter.acquire !== 'function' || typeof limiter.observe !== 'function') {
    throw new ConfigurationError(
      `connection "${name}": rateLimiter must be a rate limiter (acquire and observe methods)`,
    );
  }
  for (const option of ['rateLimits', 'maxServerHoldMs'] as const) {
    if (own[option] !== undefined) {
      throw new ConfigurationError(
        `connection "${name}": ${option} configures the connection's own limiter; with rateLimiter, give it to that limiter`,
      );
    }
  }
  return own.rateLimiter!;
}

/** Builds one connection: checks the adapter, then its limiter, fetch and client. */
export function openConnection(name: string, entry: unknown, shared: RuntimeSettings): Connection {
  const { adapter, settings: own } = splitEntry(name, entry);
  if (!ADAPTER_SPECIFICATION_VERSIONS.includes(adapter.specificationVersion)) {
    throw new ConfigurationError(
      `connection "${name}": adapter specification ${String(adapter.specificationVersion)} is not supported by this version of @org/order-messaging (supported: ${ADAPTER_SPECIFICATION_VERSIONS.join(', ')})`,
    );
  }
  const secrets = adapter.secrets();
  const logger = own.logger ?? shared.logger;
  const limiter = own.rateLimiter
    ? checkedLimiter(name, own)
    : ownLimiter(own, adapter, own.maxServerHoldMs ?? shared.maxServerHoldMs);
  const userFetch = forUserFetch(own.fetch ?? shared.fetch);
  const fetch = createResilientFetch({
    ...(userFetch ? { fetch: userFetch } : {}),
    rateLimiter: limiter,
    logger,
    secrets,
    requestIdHeaders: adapter.requestIdHeaders ?? [],
    vendor: adapter.vendor,
    connection: name,
    totalTimeoutMs: DEFAULT_TOTAL_TIMEOUT_MS,
  })
    .withPolicy(policyOf(shared))
    .withPolicy(policyOf(own));
  const scrubbed = scrubbingLogger(logger ?? silentLogger, secrets);
  const hooks = own.hooks ?? shared.hooks;
  const hookTarget: HookTarget = {
    connection: name,
    vendor: adapter.vendor,
    logger: scrubbed,
    requestIdHeaders: adapter.requestIdHeaders ?? [],
    secrets,
  };
  // The raw client's requests: a facade call replaces these with its own, naming its operations.
  const connectionFetch = fetch.withPolicy(hookPolicy(hooks, hookTarget, () => 'raw'));
  return {
    name,
    adapter,
    client: adapter.createClient({ fetch: connectionFetch }),
    limiter,
    logger: scrubbed,
    scope: { vendor: adapter.vendor, connection: name, secrets },
    fetch: connectionFetch,
    hooks,
    hookTarget,
    totalTimeoutMs: own.totalTimeoutMs ?? shared.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS,
  };
}
