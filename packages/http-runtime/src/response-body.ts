/**
 * The response body of one attempt, read under the attempt's limits: its timeout and the call's
 * deadline keep running until the last byte (a server dripping its body cannot hold a call), and
 * no more than `maxResponseBytes` are read (decoded bytes, so a gzip bomb stops at the cap).
 */
import { concatBytes } from './bytes.js';
import { describeUrl, scrubSecrets } from './redact.js';

/** Constructor input of {@link ResponseTooLargeError}. */
export interface ResponseTooLargeErrorInit {
  /** The request method. */
  readonly method: string;
  /** The request URL; only its origin and path are kept. */
  readonly url: string;
  /** The status of the response whose body was too large. */
  readonly status: number;
  /** The `maxResponseBytes` in force. */
  readonly limit: number;
  /** Bytes read (after decompression) when reading stopped. */
  readonly received: number;
  /** Vendor label for the message. */
  readonly vendor?: string | undefined;
  /** Connection label for the message. */
  readonly connection?: string | undefined;
  /** Strings scrubbed from the message. */
  readonly secrets?: readonly string[];
}

/**
 * A response whose body passed `maxResponseBytes`: reading stopped there and the connection was
 * closed. The server answered, so the request reached it: a write may have been applied.
 */
export class ResponseTooLargeError extends Error {
  /** Always `'ResponseTooLargeError'`. */
  override readonly name = 'ResponseTooLargeError';
  /** The request method. */
  readonly method: string;
  /** Origin and path only. */
  readonly url: string;
  /** The status of the response whose body was too large. */
  readonly status: number;
  /** The `maxResponseBytes` in force. */
  readonly limit: number;
  /** Bytes read (after decompression) when reading stopped: more than `limit`. */
  readonly received: number;
  /** Vendor label, when the fetch had one. */
  readonly vendor: string | undefined;
  /** Connection label, when the fetch had one. */
  readonly connection: string | undefined;

  constructor(init: ResponseTooLargeErrorInit) {
    const secrets = init.secrets ?? [];
    const url = describeUrl(init.url, secrets);
    const label = [init.vendor, init.connection].filter(Boolean).join('/');
    super(
      scrubSecrets(
        `${label ? `${label}: ` : ''}${init.method} ${url}: the response (HTTP ${init.status}) is larger than maxResponseBytes (${init.limit}); reading stopped after ${init.received} bytes`,
        secrets,
      ),
    );
    this.method = init.method;
    this.url = url;
    this.status = init.status;
    this.limit = init.limit;
    this.received = init.received;
    this.vendor = init.vendor;
    this.connection = init.connection;
  }

  /** The error's fields and message as plain data, without secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      url: this.url,
      status: this.status,
      limit: this.limit,
      received: this.received,
      vendor: this.vendor,
      connection: this.connection,
    };
  }
}

/** Statuses `new Response` refuses a body for (and that never carry one). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

export interface BodyLimits {
  readonly maxBytes: number;
  tooLarge(received: number): Error;
  /** What a failed read of the underlying body becomes: a typed runtime error, or the caller's reason. */
  readFailure(error: unknown): unknown;
  /** Called once, when the body ended, failed or was cancelled: the attempt's timer and links can go. */
  onSettled(): void;
}

export interface GuardedResponse {
  /** The response itself, its body readable only through the limits. */
  readonly response: Response;
  /** Ends the body with `error`: a pending or later read rejects with it. No-op once settled. */
  fail(error: unknown): void;
}

const utf8 = new TextDecoder();

/** The state of one guarded body; the response's own methods reach it through {@link GUARD}. */
class BodyGuard implements GuardedResponse {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private received = 0;
  private settled = false;
  private failure: { readonly error: unknown } | undefined;
  /** A direct read (`text()`, `json()`, …) started. */
  consumed = false;
  /** The guarded copy `body`, `clone()`, `blob()` and `formData()` read through, once built. */
  copy: Response | undefined;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(
    readonly response: Response,
    readonly source: ReadableStream<Uint8Array>,
    private readonly limits: BodyLimits,
  ) {}

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.limits.onSettled();
    return true;
  }

  fail(error: unknown): void {
    if (!this.settle()) return;
    this.failure = { error };
    this.controller?.error(error);
    // Closes the connection: nothing more is downloaded or decompressed.
    (this.reader ?? this.source).cancel(error).catch(() => {});
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** The next chunk within the limits, or undefined at the end. */
  async nextChunk(): Promise<Uint8Array | undefined> {
    this.throwIfFailed();
    if (this.settled) return undefined;
    this.reader ??= this.source.getReader();
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.reader.read();
    } catch (error) {
      this.fail(this.limits.readFailure(error));
    }
    // A read in flight when the timer failed the body ends as `done`: the failure decides.
    this.throwIfFailed();
    if (chunk!.done) {
      this.settle();
      return undefined;
    }
    this.received += chunk!.value.byteLength;
    if (this.received > this.limits.maxBytes) this.fail(this.limits.tooLarge(this.received));
    this.throwIfFailed();
    return chunk!.value;
  }

  async readAll(): Promise<Uint8Array> {
    if (this.consumed) throw new TypeError('Body is unusable: Body has already been read');
    this.consumed = true;
    const chunks: Uint8Array[] = [];
    for (let chunk = await this.nextChunk(); chunk; chunk = await this.nextChunk()) {
      chunks.push(chunk);
    }
    return concatBytes(chunks);
  }

  guardedCopy(): Response {
    if (this.copy) return this.copy;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
          if (this.failure) controller.error(this.failure.error);
        },
        pull: (controller) =>
          this.nextChunk().then(
            (chunk) => (chunk ? controller.enqueue(chunk) : controller.close()),
            (error: unknown) => controller.error(error),
          ),
        cancel: (reason) => {
          this.settle();
          return (this.reader ?? this.source).cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    const { status, statusText, headers, url, redirected } = this.response;
    this.copy = new Response(body, { status, statusText, headers });
    // A constructed Response has no URL and is never "redirected": a frozen response's caller,
    // who gets this copy, reads both.
    Object.defineProperties(this.copy, { url: { value: url }, redirected: { value: redirected } });
    return this.copy;
  }
}

const GUARD = Symbol('bodyGuard');
type Guarded = Response & { [GUARD]: BodyGuard };

/** Reads the whole body directly, or through the guarded copy once one exists. */
function directRead<T>(
  name: 'text' | 'json' | 'arrayBuffer' | 'bytes',
  convert: (bytes: Uint8Array) => T,
) {
  return function (this: Guarded): Promise<unknown> {
    const guard = this[GUARD];
    const { copy } = guard;
    return copy
      ? (copy[name as 'text'] as () => Promise<unknown>).call(copy)
      : guard.readAll().then(convert);
  };
}

function viaCopy(name: 'blob' | 'formData' | 'clone') {
  return function (this: Guarded): unknown {
    const copy = this[GUARD].guardedCopy();
    return (copy[name] as () => unknown).call(copy);
  };
}

// One prototype for every guarded response: swapping the prototype costs one map transition,
// where defining these as own properties of each response cost more than the body's second stream.
const GUARDED_PROTOTYPE: object = Object.create(Response.prototype, {
  body: {
    get(this: Guarded) {
      const guard = this[GUARD];
      return guard.consumed ? guard.source : guard.guardedCopy().body;
    },
  },
  bodyUsed: {
    get(this: Guarded) {
      const guard = this[GUARD];
      return guard.consumed || (guard.copy?.bodyUsed ?? false);
    },
  },
  text: { value: directRead('text', (bytes) => utf8.decode(bytes)) },
  json: { value: directRead('json', (bytes) => JSON.parse(utf8.decode(bytes)) as unknown) },
  arrayBuffer: { value: directRead('arrayBuffer', (bytes) => bytes.buffer) },
  bytes: { value: directRead('bytes', (bytes) => bytes) },
  blob: { value: viaCopy('blob') },
  formData: { value: viaCopy('formData') },
  clone: { value: viaCopy('clone') },
});

/**
 * Guards `response`'s body in place, or returns undefined when it has no body to guard.
 *
 * `text()`, `json()`, `arrayBuffer()` and `bytes()` read the body chunk by chunk, counting, with
 * no second stream; `body`, `clone()`, `blob()` and `formData()` go through a guarded copy of the
 * response (built on first use, pulling only when read). Either way no byte passes the limits,
 * and the same `Response` (its `url`, `redirected`, `type`) reaches the caller.
 */
export function guardResponseBody(
  response: Response,
  limits: BodyLimits,
): GuardedResponse | undefined {
  const source = response.body;
  const { status } = response;
  if (source === null || NULL_BODY_STATUSES.has(status) || status < 200 || status > 599) {
    return undefined;
  }
  const guard = new BodyGuard(response, source, limits);
  // A response a caller's fetch froze cannot take the guard: it is read through the copy.
  if (!Object.isExtensible(response))
    return { response: guard.guardedCopy(), fail: guard.fail.bind(guard) };
  (response as Guarded)[GUARD] = guard;
  Object.setPrototypeOf(response, GUARDED_PROTOTYPE);
  return guard;
}
