/**
 * One node:http server for every vendor. Each request goes through the same steps:
 * route (vendor by mount point, operation by method + path template) → scripted
 * fault → auth (the spec's security schemes) → rate limit → request validation
 * (the spec's parameters and body, by Ajv) → the vendor's handler → response
 * validation (recorded, never altered) → send.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { htmlErrorPage, retryAfterValue, type FaultBook, type FaultRule } from './faults.js';
import { isFormMediaType, parseForm } from './multipart.js';
import type { RateLimiter } from './rate-limit.js';
import {
  findMedia,
  formToBody,
  isJsonMedia,
  issuesFromAjv,
  mediaTypeOf,
  readParameter,
  responseProblems,
  validationView,
  type CompiledSpec,
  type SpecOperation,
} from './spec/index.js';
import type { ResponseViolation, SandboxState } from './state.js';
import type {
  AnyVendorModule,
  HandlerContext,
  Reply,
  ReplyContext,
  ValidationIssue,
} from './types.js';

export interface MountedVendor {
  readonly module: AnyVendorModule;
  readonly spec: CompiledSpec;
  /** `/<vendor>` followed by the path of the spec's server URL. */
  readonly mountPath: string;
}

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

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/** Which credential (by scheme names) the request carries, or undefined when none is valid. */
function authenticate(
  mounted: MountedVendor,
  operation: SpecOperation,
  req: IncomingMessage,
  url: URL,
): string | undefined {
  if (operation.security.length === 0) return 'anonymous';
  const { spec, module } = mounted;
  const passes = (schemeName: string): boolean => {
    const scheme = spec.securitySchemes[schemeName];
    const secret = module.secrets[schemeName];
    if (!scheme || secret === undefined) return false;
    if (scheme.type === 'http') {
      const header = req.headers.authorization ?? '';
      if (scheme.scheme === 'bearer') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] === secret;
      if (scheme.scheme === 'basic') {
        const encoded = /^Basic\s+(\S+)\s*$/i.exec(header)?.[1];
        return encoded !== undefined && Buffer.from(encoded, 'base64').toString('utf8') === secret;
      }
      return false;
    }
    if (scheme.type === 'apiKey' && scheme.name) {
      if (scheme.in === 'header') return req.headers[scheme.name.toLowerCase()] === secret;
      if (scheme.in === 'query') return url.searchParams.get(scheme.name) === secret;
      if (scheme.in === 'cookie') {
        const cookies = new URLSearchParams((req.headers.cookie ?? '').replace(/;\s*/g, '&'));
        return cookies.get(scheme.name) === secret;
      }
    }
    return false;
  };
  const alternative = operation.security.find((names) => names.every(passes));
  return alternative ? alternative.join('+') || 'anonymous' : undefined;
}

interface ParsedRequest {
  readonly pathParams: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly mediaType: string | undefined;
}

async function parseAndValidate(
  spec: CompiledSpec,
  operation: SpecOperation,
  req: IncomingMessage,
  url: URL,
  rawPath: Record<string, string>,
  bytes: Uint8Array,
): Promise<{ parsed: ParsedRequest; issues: ValidationIssue[] }> {
  const issues: ValidationIssue[] = [];
  const pathParams: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const raw = { path: rawPath, query: url.searchParams, headers: req.headers };
  for (const parameter of operation.parameters) {
    if (parameter.in === 'cookie') continue;
    const value = readParameter(spec, parameter, raw);
    if (value === undefined) {
      if (parameter.required) {
        issues.push({
          location: parameter.in,
          field: parameter.name,
          rule: 'required',
          message: `${parameter.name} is required`,
        });
      }
      continue;
    }
    issues.push(
      ...issuesFromAjv(spec.validate(parameter.schemaPointer, value), parameter.in, parameter.name),
    );
    if (parameter.in === 'path') pathParams[parameter.name] = value;
    else if (parameter.in === 'query') query[parameter.name] = value;
  }

  let body: unknown;
  let mediaType: string | undefined;
  const requestBody = operation.requestBody;
  if (requestBody && requestBody.content.length > 0) {
    mediaType = mediaTypeOf(req.headers['content-type']);
    if (bytes.byteLength === 0) {
      if (requestBody.required) {
        // A missing body is judged as an empty one, so the vendor can name the missing fields.
        const media = requestBody.content[0]!;
        const bodyIssues =
          media.schemaPointer && (isJsonMedia(media.mediaType) || isFormMediaType(media.mediaType))
            ? issuesFromAjv(spec.validate(media.schemaPointer, {}), 'body')
            : [];
        issues.push(
          ...(bodyIssues.length > 0
            ? bodyIssues
            : [
                {
                  location: 'body' as const,
                  field: '',
                  rule: 'required',
                  message: 'a request body is required',
                },
              ]),
        );
      }
    } else {
      const media = mediaType ? findMedia(requestBody.content, mediaType) : undefined;
      if (!media) {
        const expected = requestBody.content.map((m) => m.mediaType).join(' or ');
        issues.push({
          location: 'body',
          field: '',
          rule: 'content-type',
          message: `Content-Type ${mediaType ?? '(none)'} is not accepted; send ${expected}`,
        });
      } else {
        const parseIssues: ValidationIssue[] = [];
        if (isJsonMedia(media.mediaType)) {
          try {
            body = JSON.parse(new TextDecoder().decode(bytes));
          } catch {
            parseIssues.push({
              location: 'body',
              field: '',
              rule: 'json',
              message: 'the body is not valid JSON',
            });
          }
        } else if (isFormMediaType(media.mediaType)) {
          try {
            const result = await formToBody(
              spec,
              media,
              await parseForm(bytes, req.headers['content-type'] ?? media.mediaType),
            );
            body = result.body;
            parseIssues.push(...result.issues);
          } catch {
            parseIssues.push({
              location: 'body',
              field: '',
              rule: 'body',
              message: `the ${media.mediaType} body could not be parsed`,
            });
          }
        } else if (media.mediaType.startsWith('text/')) {
          body = new TextDecoder().decode(bytes);
        } else {
          body = bytes;
        }
        issues.push(...parseIssues);
        if (parseIssues.length === 0 && media.schemaPointer) {
          issues.push(
            ...issuesFromAjv(spec.validate(media.schemaPointer, validationView(body)), 'body'),
          );
        }
      }
    }
  }
  return { parsed: { pathParams, query, body, mediaType }, issues };
}

interface Outgoing {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload: Uint8Array | string;
}

function render(reply: Reply, vendorHeaders: Record<string, string>): Outgoing {
  const headers: Record<string, string> = { ...vendorHeaders };
  let payload: Uint8Array | string = '';
  if (reply.binary) {
    headers['Content-Type'] = reply.binary.contentType;
    payload = reply.binary.bytes;
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(reply.body);
  }
  Object.assign(headers, reply.headers);
  return { status: reply.status, headers, payload };
}

function send(res: ServerResponse, outgoing: Outgoing): void {
  if (res.destroyed || res.writableEnded) return;
  const length =
    typeof outgoing.payload === 'string'
      ? Buffer.byteLength(outgoing.payload)
      : outgoing.payload.byteLength;
  res.writeHead(outgoing.status, { ...outgoing.headers, 'Content-Length': String(length) });
  res.end(outgoing.payload);
}

function faultReply(rule: FaultRule, mounted: MountedVendor, ctx: ReplyContext): Outgoing {
  const status = rule.status ?? 500;
  const kind = rule.bodyKind ?? 'json';
  const headers: Record<string, string> = {};
  let payload: string = '';
  if (kind === 'json') {
    // The vendor's application answered: its own headers and error envelope.
    Object.assign(headers, mounted.module.responseHeaders?.(ctx));
    const body =
      rule.body ??
      (status === 429
        ? mounted.module.errors.rateLimited(ctx, 1).body
        : mounted.module.errors.generic(ctx, status).body);
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  } else if (kind === 'html') {
    headers['Content-Type'] = 'text/html; charset=utf-8';
    payload = typeof rule.body === 'string' ? rule.body : htmlErrorPage(status);
  } else if (kind === 'malformed-json') {
    headers['Content-Type'] = 'application/json';
    const full =
      typeof rule.body === 'string'
        ? rule.body
        : JSON.stringify(rule.body ?? { message: 'Server Error', status });
    payload = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
  }
  if (rule.retryAfter !== undefined) headers['Retry-After'] = retryAfterValue(rule.retryAfter);
  Object.assign(headers, rule.headers);
  return { status, headers, payload };
}

export function createRequestListener(config: SandboxServerConfig) {
  const mounts = [...config.vendors].sort((a, b) => b.mountPath.length - a.mountPath.length);

  return async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = config.clock();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', config.origin());
    const mounted = mounts.find(
      (m) => url.pathname === m.mountPath || url.pathname.startsWith(`${m.mountPath}/`),
    );
    if (!mounted) {
      req.resume();
      send(res, {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
        payload: JSON.stringify({
          message: 'No sandbox vendor is mounted at this path.',
          vendors: Object.fromEntries(
            config.vendors.map((v) => [v.module.name, `${config.origin()}${v.mountPath}`]),
          ),
        }),
      });
      return;
    }
    const vendor = mounted.module.name;
    const subPath = url.pathname.slice(mounted.mountPath.length) || '/';
    let rawPath: Record<string, string> | undefined;
    let operation: SpecOperation | undefined;
    let pathMatched = false;
    for (const candidate of mounted.spec.operations) {
      let params: Record<string, string> | undefined;
      try {
        params = candidate.match(subPath);
      } catch {
        params = undefined; // a malformed %-escape: no route
      }
      if (!params) continue;
      pathMatched = true;
      if (candidate.method === method) {
        operation = candidate;
        rawPath = params;
        break;
      }
    }
    const requestId = randomUUID();
    const baseCtx: ReplyContext = {
      vendor,
      operationId: operation?.operationId,
      method,
      path: subPath,
      requestId,
      now: started,
    };
    const log = (status: number, faulted: boolean, dropped?: 'before-apply' | 'after-apply') =>
      config.state.log({
        vendor,
        operationId: operation?.operationId,
        method,
        path: subPath,
        status,
        faulted,
        requestId,
        at: started,
        ...(dropped ? { dropped } : {}),
      });

    let bytes: Uint8Array;
    try {
      bytes = await readBody(req, config.maxBodyBytes);
    } catch (error) {
      const reply = mounted.module.errors.generic(
        baseCtx,
        error instanceof BodyTooLarge ? 413 : 400,
      );
      res.setHeader('Connection', 'close');
      send(res, render(reply, mounted.module.responseHeaders?.(baseCtx) ?? {}));
      log(reply.status, false);
      return;
    }

    const fault = config.faults.take(vendor, operation?.operationId);
    if (fault?.latencyMs) await delay(fault.latencyMs);
    if (fault?.drop === 'before-apply') {
      res.destroy();
      log(0, true, 'before-apply');
      return;
    }
    if (fault?.status !== undefined) {
      const outgoing = faultReply(fault, mounted, baseCtx);
      send(res, outgoing);
      log(outgoing.status, true);
      return;
    }

    const recordViolation = (operationId: string, status: number, problems: string[]) => {
      const violation: ResponseViolation = {
        vendor,
        operationId,
        method,
        path: subPath,
        status,
        problems,
      };
      config.violations.push(violation);
      config.onViolation?.(violation);
    };

    const finish = (reply: Reply, ctx: ReplyContext, checkAgainstSpec: boolean) => {
      const outgoing = render(reply, mounted.module.responseHeaders?.(ctx) ?? {});
      if (checkAgainstSpec && operation && config.validateResponses) {
        const problems = responseProblems(mounted.spec, operation, reply, outgoing.headers);
        if (problems.length > 0) recordViolation(operation.operationId, reply.status, problems);
      }
      if (fault?.drop === 'after-apply') {
        res.destroy();
        log(reply.status, true, 'after-apply');
        return;
      }
      send(res, outgoing);
      log(reply.status, fault !== undefined);
    };

    if (!operation || !rawPath) {
      const reply = pathMatched
        ? mounted.module.errors.generic(
            baseCtx,
            405,
            `The ${method} method is not supported for this route.`,
          )
        : mounted.module.errors.notFound(baseCtx);
      finish(reply, baseCtx, false);
      return;
    }

    const credential = authenticate(mounted, operation, req, url);
    if (credential === undefined) {
      finish(mounted.module.errors.unauthorized(baseCtx), baseCtx, true);
      return;
    }

    const decision = config.rateLimiter.hit(operation, credential, subPath);
    const rateLimit = decision.snapshot;
    const ctx: ReplyContext = { ...baseCtx, ...(rateLimit ? { rateLimit } : {}) };
    if (!decision.allowed) {
      // A 429 the vendor does not document comes from a limit the caller configured; not a spec breach.
      const documented =
        operation.responses['429'] !== undefined || operation.responses['4XX'] !== undefined;
      finish(mounted.module.errors.rateLimited(ctx, decision.retryAfterSeconds), ctx, documented);
      return;
    }

    const { parsed, issues } = await parseAndValidate(
      mounted.spec,
      operation,
      req,
      url,
      rawPath,
      bytes,
    );
    if (issues.some((issue) => issue.location === 'path')) {
      // A segment that cannot be an id names no resource: servers answer 404 (route constraints, model binding).
      finish(mounted.module.errors.notFound(ctx), ctx, true);
      return;
    }
    if (issues.length > 0) {
      finish(mounted.module.errors.validation(ctx, issues), ctx, true);
      return;
    }

    const handler = mounted.module.handlers[operation.operationId];
    const handlerCtx: HandlerContext = {
      ...ctx,
      operationId: operation.operationId,
      pathParams: parsed.pathParams,
      query: parsed.query,
      headers: headerRecord(req),
      body: parsed.body,
      mediaType: parsed.mediaType,
      baseUrl: `${config.origin()}${mounted.mountPath}`,
      url,
    };
    let reply: Reply;
    if (!handler) {
      reply = mounted.module.errors.generic(
        ctx,
        501,
        `${operation.operationId} is not implemented by the sandbox.`,
      );
    } else {
      try {
        reply = await handler(handlerCtx, config.state.vendorState(vendor));
      } catch (error) {
        recordViolation(operation.operationId, 500, [
          `the sandbox handler failed: ${error instanceof Error ? error.message : String(error)}`,
        ]);
        finish(mounted.module.errors.generic(ctx, 500), ctx, false);
        return;
      }
    }
    finish(reply, ctx, true);
  };
}
