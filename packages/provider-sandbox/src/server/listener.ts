/**
 * One node:http listener for every vendor. Each request goes through the same steps:
 * route (vendor by mount point, operation by method + path template) → scripted
 * fault → auth (the spec's security schemes) → rate limit → request validation
 * (the spec's parameters and body, by Ajv) → the vendor's handler → response
 * validation (recorded, never altered) → send.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultBook, FaultRule } from '../faults.js';
import type { RateLimiter } from '../rate-limit.js';
import { responseProblems, type SpecOperation } from '../spec/index.js';
import type { ResponseViolation, SandboxState } from '../state.js';
import type { HandlerContext, Reply, ReplyContext } from '../types.js';
import { authenticate } from './auth.js';
import { faultReply, render, send, sendDripping, sendPadded } from './reply.js';
import {
  BodyTooLarge,
  headerRecord,
  parseAndValidate,
  readBody,
  type ParsedRequest,
} from './request.js';
import {
  mountFor,
  noVendorMountedReply,
  routeRequest,
  type MountedVendor,
  type Route,
} from './routing.js';

export interface SandboxServerConfig {
  readonly vendors: readonly MountedVendor[];
  readonly state: SandboxState;
  readonly faults: FaultBook;
  readonly rateLimiter: RateLimiter;
  readonly validateResponses: boolean;
  readonly violations: ResponseViolation[];
  readonly onViolation?: (violation: ResponseViolation) => void;
  readonly clock: () => Date;
  readonly maxBodyBytes: number;
  /** `http://host:port`, known once the server listens. */
  origin(): string;
}

/** One request to a mounted vendor, from routing to the logged answer. */
interface Exchange {
  readonly config: SandboxServerConfig;
  readonly mounted: MountedVendor;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly route: Route;
  /** Before any rate limit counted the request; later replies add `rateLimit`. */
  readonly baseCtx: ReplyContext;
  /** The scripted fault this request used up, if one matched. */
  fault: FaultRule | undefined;
}

function logExchange(
  ex: Exchange,
  status: number,
  faulted: boolean,
  dropped?: 'before-apply' | 'after-apply',
): void {
  const { vendor, operationId, method, path, requestId, now } = ex.baseCtx;
  ex.config.state.log({
    vendor,
    operationId,
    method,
    path,
    status,
    faulted,
    requestId,
    at: now,
    ...(dropped ? { dropped } : {}),
  });
}

function recordViolation(
  ex: Exchange,
  operationId: string,
  status: number,
  problems: string[],
): void {
  const { vendor, method, path } = ex.baseCtx;
  const violation: ResponseViolation = { vendor, operationId, method, path, status, problems };
  ex.config.violations.push(violation);
  ex.config.onViolation?.(violation);
}

/**
 * Sends (or, for an `after-apply` fault, drops) the reply and logs it. Replies the
 * sandbox itself chose outside the spec (405, a failed handler's 500) skip the check.
 */
function finish(ex: Exchange, reply: Reply, ctx: ReplyContext, checkAgainstSpec: boolean): void {
  const { mounted, route, config, fault } = ex;
  const outgoing = render(reply, mounted.module.responseHeaders?.(ctx) ?? {});
  if (checkAgainstSpec && route.operation && config.validateResponses) {
    const problems = responseProblems(mounted.spec, route.operation, reply, outgoing.headers);
    if (problems.length > 0)
      recordViolation(ex, route.operation.operationId, reply.status, problems);
  }
  if (fault?.drop === 'after-apply') {
    ex.res.destroy();
    logExchange(ex, reply.status, true, 'after-apply');
    return;
  }
  if (fault?.dripMs !== undefined) sendDripping(ex.res, outgoing, fault.dripMs);
  else if (fault?.padToBytes !== undefined)
    sendPadded(ex.res, outgoing, fault.padToBytes, fault.contentEncoding);
  else send(ex.res, outgoing);
  logExchange(ex, reply.status, fault !== undefined);
}

/** The body, or undefined once a 413 (too large) or 400 (aborted upload) has been sent. */
async function readBodyOrReject(ex: Exchange): Promise<Uint8Array | undefined> {
  try {
    return await readBody(ex.req, ex.config.maxBodyBytes);
  } catch (error) {
    const { module } = ex.mounted;
    const reply = module.errors.generic(ex.baseCtx, error instanceof BodyTooLarge ? 413 : 400);
    ex.res.setHeader('Connection', 'close');
    send(ex.res, render(reply, module.responseHeaders?.(ex.baseCtx) ?? {}));
    logExchange(ex, reply.status, false);
    return undefined;
  }
}

/** True when a scripted fault answered or dropped the request before the vendor saw it. */
async function applyScriptedFault(ex: Exchange): Promise<boolean> {
  const fault = ex.config.faults.take(ex.baseCtx.vendor, ex.baseCtx.operationId);
  ex.fault = fault;
  if (fault?.latencyMs) await delay(fault.latencyMs);
  if (fault?.drop === 'before-apply') {
    ex.res.destroy();
    logExchange(ex, 0, true, 'before-apply');
    return true;
  }
  if (fault?.status !== undefined) {
    const outgoing = faultReply(fault, ex.mounted, ex.baseCtx);
    send(ex.res, outgoing);
    logExchange(ex, outgoing.status, true);
    return true;
  }
  return false;
}

function answerUnrouted(ex: Exchange, pathMatched: boolean): void {
  const { errors } = ex.mounted.module;
  const reply = pathMatched
    ? errors.generic(
        ex.baseCtx,
        405,
        `The ${ex.baseCtx.method} method is not supported for this route.`,
      )
    : errors.notFound(ex.baseCtx);
  finish(ex, reply, ex.baseCtx, false);
}

/** Auth, then the rate limit; the context of an admitted request, or undefined once refused. */
function admit(ex: Exchange, operation: SpecOperation): ReplyContext | undefined {
  const { errors } = ex.mounted.module;
  const credential = authenticate(ex.mounted, operation, ex.req, ex.url);
  if (credential === undefined) {
    finish(ex, errors.unauthorized(ex.baseCtx), ex.baseCtx, true);
    return undefined;
  }
  const decision = ex.config.rateLimiter.hit(operation, credential, ex.baseCtx.path);
  const rateLimit = decision.snapshot;
  const ctx: ReplyContext = { ...ex.baseCtx, ...(rateLimit ? { rateLimit } : {}) };
  if (!decision.allowed) {
    // A 429 the vendor does not document comes from a limit the caller configured; not a spec breach.
    const documented =
      operation.responses['429'] !== undefined || operation.responses['4XX'] !== undefined;
    finish(ex, errors.rateLimited(ctx, decision.retryAfterSeconds), ctx, documented);
    return undefined;
  }
  return ctx;
}

async function runHandler(
  ex: Exchange,
  operation: SpecOperation,
  ctx: ReplyContext,
  parsed: ParsedRequest,
): Promise<void> {
  const { module, mountPath } = ex.mounted;
  // Present: startSandbox refuses a spec operation without a handler.
  const handler = module.handlers[operation.operationId]!;
  const handlerCtx: HandlerContext = {
    ...ctx,
    operationId: operation.operationId,
    pathParams: parsed.pathParams,
    query: parsed.query,
    headers: headerRecord(ex.req),
    body: parsed.body,
    mediaType: parsed.mediaType,
    baseUrl: `${ex.config.origin()}${mountPath}`,
    url: ex.url,
    spec: ex.mounted.spec,
  };
  let reply: Reply;
  try {
    reply = await handler(handlerCtx, ex.config.state.vendorState(module.name));
  } catch (error) {
    recordViolation(ex, operation.operationId, 500, [
      `the sandbox handler failed: ${error instanceof Error ? error.message : String(error)}`,
    ]);
    finish(ex, module.errors.generic(ctx, 500), ctx, false);
    return;
  }
  finish(ex, reply, ctx, true);
}

async function answerRouted(
  ex: Exchange,
  route: Extract<Route, { operation: SpecOperation }>,
  bytes: Uint8Array,
): Promise<void> {
  const { operation, rawPath } = route;
  const ctx = admit(ex, operation);
  if (!ctx) return;
  const { spec, module } = ex.mounted;
  const { parsed, issues } = await parseAndValidate(
    spec,
    operation,
    ex.req,
    ex.url,
    rawPath,
    bytes,
  );
  if (issues.some((issue) => issue.location === 'path')) {
    // A segment that cannot be an id names no resource: servers answer 404 (route constraints, model binding).
    finish(ex, module.errors.notFound(ctx), ctx, true);
    return;
  }
  if (issues.length > 0) {
    finish(ex, module.errors.validation(ctx, issues), ctx, true);
    return;
  }
  await runHandler(ex, operation, ctx, parsed);
}

export function createRequestListener(config: SandboxServerConfig) {
  const mounts = [...config.vendors].sort((a, b) => b.mountPath.length - a.mountPath.length);

  return async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = config.clock();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', config.origin());
    const mounted = mountFor(mounts, url.pathname);
    if (!mounted) {
      req.resume();
      send(res, noVendorMountedReply(config.vendors, config.origin()));
      return;
    }
    const subPath = url.pathname.slice(mounted.mountPath.length) || '/';
    const route = routeRequest(mounted.spec, method, subPath);
    const baseCtx: ReplyContext = {
      vendor: mounted.module.name,
      operationId: route.operation?.operationId,
      method,
      path: subPath,
      requestId: randomUUID(),
      now: started,
    };
    const ex: Exchange = { config, mounted, req, res, url, route, baseCtx, fault: undefined };
    const bytes = await readBodyOrReject(ex);
    if (!bytes || (await applyScriptedFault(ex))) return;
    if (route.operation) await answerRouted(ex, route, bytes);
    else answerUnrouted(ex, route.pathMatched);
  };
}
