/**
 * Request parsing: the body bytes (with a size limit), then the operation's
 * parameters and body deserialized and validated against the spec. Every problem
 * becomes a `ValidationIssue`, so the vendor words the error the way it does.
 */
import type { IncomingMessage } from 'node:http';
import { isFormMediaType, parseForm } from '../multipart.js';
import {
  findMedia,
  formToBody,
  isJsonMedia,
  issuesFromAjv,
  mediaTypeOf,
  readParameter,
  validationView,
  type CompiledSpec,
  type SpecMediaType,
  type SpecOperation,
} from '../spec/index.js';
import type { ValidationIssue } from '../types.js';

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
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

/** Repeated headers joined as HTTP allows, so handlers see one string per name. */
export function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export interface ParsedRequest {
  readonly pathParams: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly mediaType: string | undefined;
}

interface ParsedParameters {
  readonly pathParams: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly issues: ValidationIssue[];
}

/** Header parameters are validated but not handed on: handlers read `headers` as sent. */
function readParameters(
  spec: CompiledSpec,
  operation: SpecOperation,
  req: IncomingMessage,
  url: URL,
  rawPath: Record<string, string>,
): ParsedParameters {
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
  return { pathParams, query, issues };
}

/** A missing body is judged as an empty one, so the vendor can name the missing fields. */
function missingBodyIssues(spec: CompiledSpec, media: SpecMediaType): ValidationIssue[] {
  const bodyIssues =
    media.schemaPointer && (isJsonMedia(media.mediaType) || isFormMediaType(media.mediaType))
      ? issuesFromAjv(spec.validate(media.schemaPointer, {}), 'body')
      : [];
  return bodyIssues.length > 0
    ? bodyIssues
    : [{ location: 'body', field: '', rule: 'required', message: 'a request body is required' }];
}

type ParsedBody = { body: unknown; issues: ValidationIssue[] };

function unreadableBody(rule: string, message: string): ParsedBody {
  return { body: undefined, issues: [{ location: 'body', field: '', rule, message }] };
}

/** JSON and forms are parsed, `text/*` decoded, anything else handed on as bytes. */
async function parseBody(
  spec: CompiledSpec,
  media: SpecMediaType,
  req: IncomingMessage,
  bytes: Uint8Array,
): Promise<ParsedBody> {
  if (isJsonMedia(media.mediaType)) {
    try {
      return { body: JSON.parse(new TextDecoder().decode(bytes)), issues: [] };
    } catch {
      return unreadableBody('json', 'the body is not valid JSON');
    }
  }
  if (isFormMediaType(media.mediaType)) {
    try {
      const form = await parseForm(bytes, req.headers['content-type'] ?? media.mediaType);
      return await formToBody(spec, media, form);
    } catch {
      return unreadableBody('body', `the ${media.mediaType} body could not be parsed`);
    }
  }
  if (media.mediaType.startsWith('text/'))
    return { body: new TextDecoder().decode(bytes), issues: [] };
  return { body: bytes, issues: [] };
}

async function readRequestBody(
  spec: CompiledSpec,
  content: readonly SpecMediaType[],
  required: boolean,
  req: IncomingMessage,
  bytes: Uint8Array,
): Promise<{ body: unknown; mediaType: string | undefined; issues: ValidationIssue[] }> {
  const mediaType = mediaTypeOf(req.headers['content-type']);
  if (bytes.byteLength === 0) {
    return {
      body: undefined,
      mediaType,
      issues: required ? missingBodyIssues(spec, content[0]!) : [],
    };
  }
  const media = mediaType ? findMedia(content, mediaType) : undefined;
  if (!media) {
    const expected = content.map((m) => m.mediaType).join(' or ');
    const message = `Content-Type ${mediaType ?? '(none)'} is not accepted; send ${expected}`;
    return {
      body: undefined,
      mediaType,
      issues: [{ location: 'body', field: '', rule: 'content-type', message }],
    };
  }
  const parsed = await parseBody(spec, media, req, bytes);
  if (parsed.issues.length > 0 || !media.schemaPointer) return { ...parsed, mediaType };
  const errors = spec.validate(media.schemaPointer, validationView(parsed.body));
  return { body: parsed.body, mediaType, issues: issuesFromAjv(errors, 'body') };
}

export async function parseAndValidate(
  spec: CompiledSpec,
  operation: SpecOperation,
  req: IncomingMessage,
  url: URL,
  rawPath: Record<string, string>,
  bytes: Uint8Array,
): Promise<{ parsed: ParsedRequest; issues: ValidationIssue[] }> {
  const { pathParams, query, issues } = readParameters(spec, operation, req, url, rawPath);
  const requestBody = operation.requestBody;
  if (!requestBody || requestBody.content.length === 0) {
    return { parsed: { pathParams, query, body: undefined, mediaType: undefined }, issues };
  }
  const { body, mediaType, ...read } = await readRequestBody(
    spec,
    requestBody.content,
    requestBody.required,
    req,
    bytes,
  );
  return { parsed: { pathParams, query, body, mediaType }, issues: [...issues, ...read.issues] };
}
