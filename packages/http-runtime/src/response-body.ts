/**
 * The response body of one attempt, read under the attempt's limits: its timeout and the call's
 * deadline keep running until the last byte (a server dripping its body cannot hold a call), and
 * no more than `maxResponseBytes` are read (decoded bytes, so a gzip bomb stops at the cap).
 */
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
  /** Same status, headers and `url` as the original; its body is the guarded one. */
  readonly response: Response;
  /** Ends the body with `error`: a pending or later read rejects with it. No-op once settled. */
  fail(error: unknown): void;
}

/**
 * `response` with its body read through the limits, or undefined when it has no body to guard.
 * The guarded body pulls only when read (`highWaterMark: 0`), so an unread body costs nothing
 * beyond what the underlying fetch buffers.
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
  const reader = source.getReader();
  let received = 0;
  let settled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    limits.onSettled();
    return true;
  };
  const fail = (error: unknown): void => {
    if (!settle()) return;
    controller.error(error);
    // Closes the connection: nothing more is downloaded or decompressed.
    reader.cancel(error).catch(() => {});
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      async pull(streamController) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          fail(limits.readFailure(error));
          return;
        }
        if (settled) return;
        if (chunk.done) {
          settle();
          streamController.close();
          return;
        }
        received += chunk.value.byteLength;
        if (received > limits.maxBytes) {
          fail(limits.tooLarge(received));
          return;
        }
        streamController.enqueue(chunk.value);
      },
      cancel(reason) {
        settle();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const guarded = new Response(body, {
    status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // A constructed Response has no URL and is never "redirected"; callers read both.
  Object.defineProperties(guarded, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return { response: guarded, fail };
}
