/**
 * Text and id checks shared by request validation and the adapters: how long a text is as the
 * vendors count it, and ids that cannot leave their URL path segment.
 */
import type { RequestIssue } from './adapter.js';
import type { AttachmentData } from './model.js';

/** Longest id accepted; real ids are far shorter, a megabyte "id" is a bug or an attack. */
export const MAX_ID_LENGTH = 256;
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** Half of a surrogate pair on its own: not Unicode text, and `encodeURIComponent` throws on it. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A caller's value quoted in a message. Never throws: JavaScript callers can pass anything,
 * and `JSON.stringify` throws on a BigInt or a cycle.
 */
export function quoted(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // a cycle, or a toJSON that throws
  }
  return typeof value === 'symbol' ? value.toString() : typeof value;
}

export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Bytes of the text in UTF-8, as the vendor counts a message's size (a lone surrogate as U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function byteLengthOf(data: AttachmentData): number | undefined {
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  if (data instanceof Uint8Array) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  return undefined;
}

/**
 * Ids go into URL paths. openapi-fetch percent-encodes `/ ? #`, but `.` and `..` survive
 * encoding and are resolved by URL parsing, which would move the request to another path.
 */
export function checkId(value: unknown, field: string): RequestIssue | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return { field, reason: 'required', message: `${field} is required` };
  }
  if (value === '.' || value === '..') {
    return { field, reason: 'invalid', message: `${field} must not be "." or ".."` };
  }
  if (CONTROL_CHARACTERS.test(value)) {
    return { field, reason: 'invalid', message: `${field} must not contain control characters` };
  }
  if (LONE_SURROGATE.test(value)) {
    return {
      field,
      reason: 'invalid',
      message: `${field} must be well-formed Unicode (it contains a lone surrogate)`,
    };
  }
  if (value !== value.trim()) {
    return { field, reason: 'invalid', message: `${field} must not start or end with whitespace` };
  }
  if (value.length > MAX_ID_LENGTH) {
    return {
      field,
      reason: 'too_long',
      message: `${field} is longer than ${MAX_ID_LENGTH} characters`,
      limit: MAX_ID_LENGTH,
      actual: value.length,
    };
  }
  return undefined;
}

/** Turns an attachment into the Blob the multipart encoder sends, with its file name. */
export function attachmentFile(attachment: {
  filename: string;
  data: AttachmentData;
  contentType?: string;
}): File {
  const type =
    attachment.contentType ??
    (typeof Blob !== 'undefined' && attachment.data instanceof Blob && attachment.data.type
      ? attachment.data.type
      : 'application/octet-stream');
  return new File([attachment.data as BlobPart], attachment.filename, { type });
}
