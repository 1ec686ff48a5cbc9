/**
 * Checks a reply against what the spec documents for its operation and status.
 * The sandbox records the problems and never alters the reply: a problem is a bug
 * in the fake, and tests should see it.
 */
import type { Reply } from '../types.js';
import { deserializeScalar } from './deserialize.js';
import { findMedia, mediaTypeOf } from './media-type.js';
import type { CompiledSpec, SpecOperation, SpecResponse } from './model.js';

function documentedResponse(operation: SpecOperation, status: string): SpecResponse | undefined {
  return (
    operation.responses[status] ??
    operation.responses[`${status[0]}XX`] ??
    operation.responses.DEFAULT
  );
}

function bodyProblems(
  spec: CompiledSpec,
  documented: SpecResponse,
  reply: Reply,
  status: string,
  contentType: string | undefined,
): string[] {
  const problems: string[] = [];
  if (reply.body !== undefined) {
    const media = contentType ? findMedia(documented.content, contentType) : undefined;
    if (!media)
      problems.push(`a ${contentType ?? 'body'} body is not documented for status ${status}`);
    else if (media.schemaPointer) {
      for (const error of spec.validate(media.schemaPointer, reply.body)) {
        problems.push(
          `body${error.instancePath} ${error.message ?? 'is invalid'} (${error.schemaPath.replace(/^[^#]*/, '')})`,
        );
      }
    }
  } else if (reply.binary) {
    if (
      !contentType ||
      !(
        findMedia(documented.content, contentType) ??
        findMedia(documented.content, 'application/octet-stream')
      )
    ) {
      problems.push(`a ${contentType ?? 'binary'} body is not documented for status ${status}`);
    }
  } else if (documented.content.length > 0) {
    problems.push(
      `status ${status} must have a ${documented.content.map((m) => m.mediaType).join(' or ')} body`,
    );
  }
  return problems;
}

function headerProblems(
  spec: CompiledSpec,
  documented: SpecResponse,
  headers: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  const lowerHeaders = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const header of documented.headers) {
    const value = lowerHeaders.get(header.name);
    if (value === undefined) {
      if (header.required) problems.push(`header ${header.name} is required`);
      continue;
    }
    if (header.schemaPointer) {
      const typed = deserializeScalar(spec, spec.schemaAt(header.schemaPointer), value);
      for (const error of spec.validate(header.schemaPointer, typed)) {
        problems.push(`header ${header.name} ${error.message ?? 'is invalid'}`);
      }
    }
  }
  return problems;
}

/** Everything the spec says this response must be; returns what it is not. */
export function responseProblems(
  spec: CompiledSpec,
  operation: SpecOperation,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
): string[] {
  const status = String(reply.status);
  const documented = documentedResponse(operation, status);
  if (!documented) return [`status ${status} is not documented for ${operation.operationId}`];
  const contentType = mediaTypeOf(
    Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1],
  );
  return [
    ...bodyProblems(spec, documented, reply, status, contentType),
    ...headerProblems(spec, documented, headers),
  ];
}
