/**
 * One facade call's context. The adapter gets a client bound to this call: every request it
 * makes carries the call's fetch (connection limiter, this call's retries, timeouts, deadline
 * and the caller's signal), so an adapter cannot forget them. The call also records what left
 * this process (attempts, the last write), which decides `delivery` on failures.
 */
import {
  ConfigurationError,
  redactRequestUrl,
  type ResilientFetch,
  type ResilientFetchPolicy,
} from '@org/http-runtime';
import type { AdapterContext, ClientResult, HttpFailure } from './adapter.js';
import { policyOf, type CallSettings, type Connection } from './connection.js';
import { errorFromException, errorFromHttp } from './error-mapping.js';
import { ValidationError } from './errors.js';
import { hookPolicy } from './hooks.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CLIENT_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'];

/** What left this process during one call. */
export interface CallRecord {
  attempts: number;
  writeAttempts: number;
  lastWrite?: { method: string; url: string };
  lastResponse?: Response;
}

type Init = Record<string, unknown> | undefined;
type ClientMethod = (path: string, init?: Init) => Promise<unknown>;

/** What a bound view carries: the call's fetch and signal. */
interface CallBinding {
  readonly source: Record<string, unknown>;
  readonly fetch: typeof globalThis.fetch;
  readonly signal: AbortSignal | undefined;
}

const BINDING = Symbol('callBinding');
type BoundView = Record<string, unknown> & { [BINDING]: CallBinding };

function withCall(binding: CallBinding, init: Init) {
  const { fetch, signal } = binding;
  return { ...init, fetch, ...(signal ? { signal } : {}) };
}

/** The bound form of one client method: a function of its own, so it can be passed around. */
function boundMethod(binding: CallBinding, name: string): (...args: unknown[]) => unknown {
  const { source } = binding;
  // Looked up on the client at each request, as the client has it then.
  if (name === 'request') {
    return (method, path, init) =>
      (source['request'] as (...args: unknown[]) => unknown).call(
        source,
        method,
        path,
        withCall(binding, init as Init),
      );
  }
  return (path, init) =>
    (source[name] as ClientMethod).call(source, path as string, withCall(binding, init as Init));
}

/**
 * The methods of every bound view of one client, made once per client. Each is a getter that
 * binds the method on first use in a call, so a call pays for the methods it uses (one or two),
 * not for nine closures.
 */
const bindingPrototypes = new WeakMap<object, object>();

function bindingPrototype(source: Record<string, unknown>): object {
  let prototype = bindingPrototypes.get(source);
  if (prototype) return prototype;
  const methods = Object.create(source) as object;
  for (const name of [...CLIENT_METHODS, 'request']) {
    if (typeof source[name] !== 'function') continue;
    Object.defineProperty(methods, name, {
      get(this: BoundView) {
        const method = boundMethod(this[BINDING], name);
        Object.defineProperty(this, name, { value: method });
        return method;
      },
    });
  }
  bindingPrototypes.set(source, methods);
  return methods;
}

/**
 * A view of an openapi-fetch client whose every request uses `fetch` and `signal`; the
 * client's other members (and the typing) are the client's own.
 */
export function bindClient<C>(client: C, fetch: typeof globalThis.fetch, signal?: AbortSignal): C {
  if (typeof client !== 'object' || client === null) return client;
  const source = client as unknown as Record<string, unknown>;
  const bound = Object.create(bindingPrototype(source)) as BoundView;
  bound[BINDING] = { source, fetch, signal };
  return bound as unknown as C;
}

function isOpenApiFetchClient(client: unknown): boolean {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as { GET?: unknown }).GET === 'function' &&
    typeof (client as { use?: unknown }).use === 'function'
  );
}

/**
 * The adapter's client for one call. An openapi-fetch client (every built-in one) is shared
 * by the connection and bound per call for about a microsecond; any other client is built
 * anew on the call's transport, which is always right, if slower.
 */
function clientForCall(connection: Connection, fetch: ResilientFetch, signal?: AbortSignal) {
  if (isOpenApiFetchClient(connection.client)) return bindClient(connection.client, fetch, signal);
  return connection.adapter.createClient({ fetch });
}

/** A call's settings are the caller's input: what the runtime refuses is a typed validation error. */
function settingsError(connection: Connection, field: string, message: string): ValidationError {
  return new ValidationError(`${connection.name}: ${message}`, {
    vendor: connection.adapter.vendor,
    connection: connection.name,
    field,
    reason: 'invalid',
    delivery: 'not_sent',
    retryable: false,
  });
}

function checkedSignal(connection: Connection, settings: CallSettings | undefined) {
  if (settings !== undefined && (typeof settings !== 'object' || settings === null)) {
    throw settingsError(connection, 'settings', 'call settings must be an object');
  }
  const signal = settings?.signal;
  // Shape, not class: a signal from another realm or a polyfill aborts the call as well.
  const signalLike = signal as { aborted?: unknown; addEventListener?: unknown } | null | undefined;
  if (
    signal !== undefined &&
    (typeof signalLike?.aborted !== 'boolean' || typeof signalLike.addEventListener !== 'function')
  ) {
    throw settingsError(connection, 'settings.signal', 'settings.signal must be an AbortSignal');
  }
  return signal;
}

function callFetch(connection: Connection, policy: ResilientFetchPolicy): ResilientFetch {
  try {
    return connection.fetch.withPolicy(policy);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // The runtime's message starts with the setting's name (`timeoutMs must be …`).
    const setting = /^\w+/.exec(error.message)?.[0] ?? '';
    throw settingsError(connection, `settings.${setting}`, `settings.${error.message}`);
  }
}

export function createCallContext(
  connection: Connection,
  settings: CallSettings | undefined,
  record: CallRecord,
  /** What the operation itself fixes, over the caller's settings (a download's body cap). */
  operationPolicy: Pick<ResilientFetchPolicy, 'maxResponseBytes'> = {},
): AdapterContext<unknown> {
  const { adapter, scope } = connection;
  const signal = checkedSignal(connection, settings);
  // One deadline for the whole facade call: its requests, their bodies and retries, and a
  // send's reconciliation all draw on the same `totalTimeoutMs`, not a fresh one each.
  const deadline = Date.now() + (settings?.totalTimeoutMs ?? connection.totalTimeoutMs);
  // The vendor operation running (`call`), for the request hooks.
  let operation = 'unknown';
  const fetch = callFetch(connection, {
    ...policyOf(settings),
    ...operationPolicy,
    deadline,
    ...(signal ? { signal } : {}),
    ...hookPolicy(
      connection.hooks,
      connection.hookTarget,
      () => operation,
      (request) => {
        record.attempts += 1;
        const method = request.method.toUpperCase();
        if (WRITE_METHODS.has(method)) {
          record.writeAttempts += 1;
          record.lastWrite = { method, url: redactRequestUrl(request) };
        }
      },
    ),
  });

  function failureOf(
    write: boolean,
    operation: string,
    status: number,
    headers: Headers,
    body: unknown,
  ): HttpFailure {
    return { vendor: adapter.vendor, operation, write, status, headers, body };
  }

  return {
    client: clientForCall(connection, fetch, signal),
    connection: connection.name,
    vendor: adapter.vendor,
    logger: connection.logger,
    signal,
    deadline,
    sendState: new Map(),
    async call<T>(
      name: string,
      run: () => Promise<ClientResult<T>>,
      callOptions?: { write?: boolean },
    ) {
      const write = callOptions?.write === true;
      const attemptsBefore = record.attempts;
      operation = name;
      let result: ClientResult<T>;
      try {
        result = await run();
      } catch (error) {
        throw errorFromException(error, scope, {
          operation: name,
          write,
          attempted: record.attempts > attemptsBefore,
          signal,
          writeStarted: record.writeAttempts > 0,
        });
      }
      const { response } = result;
      if (write) record.lastResponse = response;
      if (!response.ok || result.error !== undefined) {
        // openapi-fetch reports an empty error body as ''.
        const body = result.error === '' ? undefined : result.error;
        const failure = failureOf(write, name, response.status, response.headers, body);
        throw errorFromHttp(failure, scope, adapter.mapError?.(failure), adapter.requestIdHeaders);
      }
      return { data: result.data as T, response };
    },
    unexpected(operation, detail, body, callOptions) {
      const failure = failureOf(callOptions?.write === true, operation, 200, new Headers(), body);
      // An adapter may recognise an error envelope inside a 2xx (then the vendor refused);
      // anything else is a broken answer, after which a post may or may not be stored.
      const hint = adapter.mapError?.(failure);
      return errorFromHttp(
        failure,
        scope,
        hint?.kind
          ? { delivery: 'rejected', retryable: false, ...hint }
          : {
              kind: 'vendor_server',
              message: `unexpected answer: ${detail}`,
              retryable: false,
              delivery: failure.write ? 'unknown' : 'rejected',
            },
        adapter.requestIdHeaders,
      );
    },
  };
}
