/**
 * A GameBoost webhook endpoint: verifies the `Signature` of the raw body, parses the envelope,
 * drops duplicates and calls the callbacks registered per event. `handleNode` and `handleFetch`
 * adapt it to Node's `http` and to any framework built on the Fetch `Request`/`Response`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GameBoostWebhookError } from './errors.js';
import {
  assertFreshGameBoostEvent,
  gameBoostWebhookIdentity,
  isDocumentedGameBoostEvent,
  parseGameBoostWebhook,
  type GameBoostWebhookEnvelope,
  type GameBoostWebhookEventMap,
  type GameBoostWebhookEventName,
} from './events.js';
import { readFetchBody, readNodeBody, type RawBodyLimits } from './raw-body.js';
import { createMemorySeenStore, type GameBoostWebhookSeenStore } from './seen-store.js';
import {
  bodyBytes,
  normalizeSecrets,
  verifyGameBoostSignature,
  type WebhookBody,
} from './signature.js';

/** Default `maxBodyBytes` of the receiver: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/** Default `bodyTimeoutMs` of the receiver: 10 s. */
export const DEFAULT_WEBHOOK_BODY_TIMEOUT_MS = 10_000;

/** Options of {@link createGameBoostWebhookReceiver}; only `secrets` is required. */
export interface GameBoostWebhookReceiverOptions {
  /** The endpoint's signing secret; during a rotation `[current, previous]`, all accepted. */
  readonly secrets: string | readonly string[];
  /** Larger bodies get 413 (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** A body not fully received in this time gets 408 (default 10 s). */
  readonly bodyTimeoutMs?: number;
  /** Remembers handled events (default: in memory, the 10 000 most recent). */
  readonly seen?: GameBoostWebhookSeenStore;
  /** Overrides the duplicate rule (default `gameBoostWebhookIdentity`). */
  readonly identify?: (envelope: GameBoostWebhookEnvelope, body: Uint8Array) => string;
  /**
   * Rejects (400 `stale_event`) events whose payload `updated_at`/`created_at` is older than this.
   * Off by default: GameBoost signs no timestamp, and a retried delivery keeps its old payload,
   * so any bound here also rejects legitimate late retries.
   */
  readonly maxEventAgeSeconds?: number;
  /** Milliseconds since the epoch (tests pass a fixed clock). */
  readonly now?: () => number;
  /** Sees every rejected delivery, e.g. for logging; its messages never contain a secret. */
  readonly onError?: (error: GameBoostWebhookError) => void;
}

/** What a callback learns besides the event itself. */
export interface GameBoostWebhookDelivery {
  /** The duplicate-detection identity of this event. */
  readonly identity: string;
  /** The body exactly as signed. */
  readonly rawBody: Uint8Array;
}

/**
 * A callback registered with `on` or `onUnknownEvent`. The event counts as handled (and later
 * duplicates are skipped) only once every callback for it resolved; a throw answers 500
 * `handler_failed`, so GameBoost delivers it again.
 */
export type GameBoostWebhookHandler<Event> = (
  event: Event,
  delivery: GameBoostWebhookDelivery,
) => void | Promise<void>;

/** What `receive` did with a verified delivery. */
export interface GameBoostWebhookOutcome {
  /** `handled`: callbacks ran; `duplicate`: seen before; `ignored`: no callback for this event. */
  readonly result: 'handled' | 'duplicate' | 'ignored';
  /** The event name of the delivery. */
  readonly event: string;
  /** Its duplicate-detection identity. */
  readonly identity: string;
}

/**
 * A webhook endpoint: register callbacks with `on`, then mount `handleNode` or `handleFetch` (or
 * call `receive` with the raw body yourself). Every delivery is verified, parsed and de-duplicated
 * before any callback runs; accepted ones are answered 200 `{"status":"success"}`.
 */
export interface GameBoostWebhookReceiver {
  /** Runs `handler` for each new event of this name (callbacks run in registration order). */
  on<Name extends GameBoostWebhookEventName>(
    event: Name,
    handler: GameBoostWebhookHandler<GameBoostWebhookEventMap[Name]>,
  ): GameBoostWebhookReceiver;
  /** Runs for events the spec does not name (GameBoost may add some); otherwise they are acknowledged and ignored. */
  onUnknownEvent(
    handler: GameBoostWebhookHandler<GameBoostWebhookEnvelope>,
  ): GameBoostWebhookReceiver;
  /**
   * The framework-free core: throws only `GameBoostWebhookError` (a failing seen store or
   * `identify` as `handler_failed`). `body` is the raw body as received.
   */
  receive(input: {
    readonly body: WebhookBody;
    readonly signature: string | null | undefined;
  }): Promise<GameBoostWebhookOutcome>;
  /** For `http.createServer`, Express and anything with Node's request/response; never rejects. */
  handleNode(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** For Hono, Next.js route handlers, Bun, Deno…: never rejects. */
  handleFetch(request: Request): Promise<Response>;
}

const ACK = JSON.stringify({ status: 'success' });
/** Failures that leave the rest of the body unread, so the connection cannot be reused. */
const UNREAD_BODY_CODES = new Set(['body_too_large', 'body_timeout']);

function errorBody(error: GameBoostWebhookError): string {
  return JSON.stringify({ status: 'error', code: error.code });
}

function asWebhookError(error: unknown): GameBoostWebhookError {
  return error instanceof GameBoostWebhookError
    ? error
    : new GameBoostWebhookError('handler_failed', { cause: error });
}

/** Options of the wrong type, named before they could fail a delivery (never their values). */
function assertOptionTypes(options: GameBoostWebhookReceiverOptions): void {
  const misconfigured = (detail: string) => new GameBoostWebhookError('misconfigured', { detail });
  if (typeof options !== 'object' || options === null) {
    throw misconfigured('options must be an object.');
  }
  const seen: unknown = options.seen;
  if (
    seen !== undefined &&
    (typeof seen !== 'object' ||
      seen === null ||
      typeof (seen as Partial<GameBoostWebhookSeenStore>).has !== 'function' ||
      typeof (seen as Partial<GameBoostWebhookSeenStore>).add !== 'function')
  ) {
    throw misconfigured('seen must be an object with has and add functions.');
  }
  for (const name of ['identify', 'now', 'onError'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'function') {
      throw misconfigured(`${name} must be a function.`);
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new GameBoostWebhookError('misconfigured', { detail: `${name} must be positive.` });
  }
  return value;
}

/**
 * A receiver for GameBoost webhooks: checks the `Signature` header (hex HMAC-SHA256 of the raw
 * body) against every secret in constant time, parses the `{ event, payload }` envelope into the
 * spec's types, runs each new event's callbacks once (duplicates, recognised by `identify`, are
 * acknowledged without running them), and answers 200 `{"status":"success"}`, or the status of the
 * {@link GameBoostWebhookError} that refused it.
 *
 * Give it the raw body: a JSON body parser in front of it would change the bytes that were signed
 * (`handleNode` fails with `misconfigured` when the body was already consumed).
 *
 * @throws {@link GameBoostWebhookError} (`misconfigured`) when no secret (or an empty one) is
 * given, a size, timeout or age option is not positive, or an option has the wrong type (`seen`
 * without `has` and `add`, a callback that is not a function); the message names the option.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createGameBoostWebhookReceiver } from '@org/gameboost-client/webhooks';
 *
 * const { GAMEBOOST_WEBHOOK_SECRET, GAMEBOOST_WEBHOOK_SECRET_PREVIOUS } = process.env;
 * const receiver = createGameBoostWebhookReceiver({
 *   secrets: [GAMEBOOST_WEBHOOK_SECRET!, GAMEBOOST_WEBHOOK_SECRET_PREVIOUS!], // current, previous
 * }).on('account.order.purchased', async ({ payload }) => deliver(payload.id));
 *
 * http.createServer((req, res) => receiver.handleNode(req, res)).listen(8080); // Node
 * app.post('/gameboost', (c) => receiver.handleFetch(c.req.raw)); // Hono, or any Fetch framework
 * ```
 */
export function createGameBoostWebhookReceiver(
  options: GameBoostWebhookReceiverOptions,
): GameBoostWebhookReceiver {
  assertOptionTypes(options);
  const secrets = normalizeSecrets(options.secrets);
  const limits: RawBodyLimits = {
    maxBodyBytes: positive(options.maxBodyBytes, DEFAULT_WEBHOOK_MAX_BODY_BYTES, 'maxBodyBytes'),
    bodyTimeoutMs: positive(
      options.bodyTimeoutMs,
      DEFAULT_WEBHOOK_BODY_TIMEOUT_MS,
      'bodyTimeoutMs',
    ),
  };
  const maxAge =
    options.maxEventAgeSeconds === undefined
      ? undefined
      : positive(options.maxEventAgeSeconds, 0, 'maxEventAgeSeconds');
  const seen = options.seen ?? createMemorySeenStore();
  const identify = options.identify ?? gameBoostWebhookIdentity;
  const now = options.now ?? Date.now;
  const handlers = new Map<string, GameBoostWebhookHandler<never>[]>();
  const unknownHandlers: GameBoostWebhookHandler<GameBoostWebhookEnvelope>[] = [];
  const inFlight = new Map<string, Promise<void>>();

  async function dispatch(envelope: GameBoostWebhookEnvelope, delivery: GameBoostWebhookDelivery) {
    const chosen = (
      isDocumentedGameBoostEvent(envelope) ? (handlers.get(envelope.event) ?? []) : unknownHandlers
    ) as GameBoostWebhookHandler<GameBoostWebhookEnvelope>[];
    try {
      for (const handler of chosen) await handler(envelope, delivery);
    } catch (error) {
      throw new GameBoostWebhookError('handler_failed', { cause: error });
    }
    // Only now: a delivery whose callback failed must be handled again when GameBoost retries it.
    await seen.add(delivery.identity);
    return chosen.length > 0 ? 'handled' : 'ignored';
  }

  async function receive(input: {
    readonly body: WebhookBody;
    readonly signature: string | null | undefined;
  }): Promise<GameBoostWebhookOutcome> {
    try {
      return await receiveOnce(input);
    } catch (error) {
      // The seen store and `identify` are the application's: their failures are typed too.
      throw asWebhookError(error);
    }
  }

  async function receiveOnce(input: {
    readonly body: WebhookBody;
    readonly signature: string | null | undefined;
  }): Promise<GameBoostWebhookOutcome> {
    const body = bodyBytes(input.body);
    verifyGameBoostSignature({ body, signature: input.signature, secrets });
    const envelope = parseGameBoostWebhook(body);
    if (maxAge !== undefined) assertFreshGameBoostEvent(envelope, maxAge, now());
    const identity = identify(envelope, body);
    const outcome = (result: GameBoostWebhookOutcome['result']) => ({
      result,
      event: envelope.event,
      identity,
    });
    // A concurrent delivery of the same event waits for the first one's outcome, then looks again.
    for (let pending = inFlight.get(identity); pending; pending = inFlight.get(identity)) {
      await pending;
    }
    // Registered before the first await, so a concurrent copy always finds it.
    const run = (async () =>
      (await seen.has(identity))
        ? ('duplicate' as const)
        : dispatch(envelope, { identity, rawBody: body }))();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    inFlight.set(identity, settled);
    try {
      return outcome(await run);
    } finally {
      inFlight.delete(identity);
    }
  }

  function report(error: unknown): GameBoostWebhookError {
    const typed = asWebhookError(error);
    try {
      options.onError?.(typed);
    } catch {
      // A failing logger must not change the answer GameBoost gets.
    }
    return typed;
  }

  const core: ReceiverCore = { limits, receive, report };
  const receiver: GameBoostWebhookReceiver = {
    on(event, handler) {
      const list = handlers.get(event) ?? [];
      list.push(handler as GameBoostWebhookHandler<never>);
      handlers.set(event, list);
      return receiver;
    },
    onUnknownEvent(handler) {
      unknownHandlers.push(handler);
      return receiver;
    },
    receive,
    handleNode: (request, response) => answerNode(core, request, response),
    handleFetch: (request) => answerFetch(core, request),
  };
  return receiver;
}

/** What the Node and Fetch adapters share. */
interface ReceiverCore {
  readonly limits: RawBodyLimits;
  readonly receive: GameBoostWebhookReceiver['receive'];
  /** Types any failure and tells `onError`. */
  readonly report: (error: unknown) => GameBoostWebhookError;
}

async function answerNode(core: ReceiverCore, request: IncomingMessage, response: ServerResponse) {
  let status = 200;
  let body = ACK;
  try {
    if (request.method !== 'POST') throw new GameBoostWebhookError('method_not_allowed');
    const raw = await readNodeBody(request, core.limits);
    const signature = request.headers['signature'];
    await core.receive({ body: raw, signature: Array.isArray(signature) ? undefined : signature });
  } catch (error) {
    const typed = core.report(error);
    status = typed.status;
    body = errorBody(typed);
  }
  sendNode(request, response, status, body);
}

async function answerFetch(core: ReceiverCore, request: Request): Promise<Response> {
  try {
    if (request.method !== 'POST') throw new GameBoostWebhookError('method_not_allowed');
    const raw = await readFetchBody(request, core.limits);
    await core.receive({ body: raw, signature: request.headers.get('signature') });
    return jsonResponse(200, ACK);
  } catch (error) {
    const typed = core.report(error);
    return jsonResponse(typed.status, errorBody(typed), UNREAD_BODY_CODES.has(typed.code));
  }
}

function jsonResponse(status: number, body: string, closeConnection = false): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 405) headers.allow = 'POST';
  if (closeConnection) headers.connection = 'close';
  return new Response(body, { status, headers });
}

function sendNode(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: string,
) {
  const unread = !request.readableEnded;
  if (response.headersSent) return;
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', Buffer.byteLength(body));
  if (status === 405) response.setHeader('allow', 'POST');
  // An unread (too large, dripping) body is not drained: the connection is closed instead.
  if (unread) {
    response.setHeader('connection', 'close');
    response.once('finish', () => request.destroy());
  }
  response.end(body);
}
