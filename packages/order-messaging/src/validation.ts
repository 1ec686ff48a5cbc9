/**
 * Checks a request against the connection's capabilities before anything
 * touches the network. Generic: the limits come from `Capabilities` (which the
 * adapters take from the specs), vendor-only rules from `adapter.validate`.
 */
import type { RequestIssue } from './adapter.js';
import type { AttachmentData, Capabilities, OrderRef, SendOption, SendRequest } from './model.js';
import { AUDIENCES } from './model.js';

/** Longest id accepted; real ids are far shorter, a megabyte "id" is a bug or an attack. */
export const MAX_ID_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
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

export function validateRef(ref: OrderRef, capabilities: Capabilities): RequestIssue[] {
  if (ref === null || typeof ref !== 'object') {
    return [
      {
        field: 'orderId',
        reason: 'required',
        message: 'an order reference { orderId } is required',
      },
    ];
  }
  const issues: RequestIssue[] = [];
  const idIssue = checkId(ref.orderId, 'orderId');
  if (idIssue) issues.push(idIssue);
  if (ref.orderKind !== undefined) {
    if (!capabilities.orderKinds) {
      issues.push({
        field: 'orderKind',
        reason: 'unsupported',
        message: `${capabilities.vendor} has a single kind of order; orderKind is not supported`,
      });
    } else if (!capabilities.orderKinds.includes(ref.orderKind)) {
      issues.push({
        field: 'orderKind',
        reason: 'invalid',
        message: `orderKind must be one of ${capabilities.orderKinds.join(', ')} (got ${quoted(ref.orderKind)})`,
      });
    }
  }
  return issues;
}

const OPTION_FIELDS: readonly SendOption[] = ['subject', 'channel', 'threadId'];

export function validateSend(request: SendRequest, capabilities: Capabilities): RequestIssue[] {
  const issues = validateRef(request, capabilities);
  if (request === null || typeof request !== 'object') return issues;
  const vendor = capabilities.vendor;

  if (!capabilities.send) {
    issues.push({
      field: 'request',
      reason: 'unsupported',
      message: `${vendor} does not support sending messages`,
    });
  }

  // text
  if (typeof request.text !== 'string' || request.text.trim() === '') {
    issues.push({ field: 'text', reason: 'required', message: 'text must not be empty' });
  } else {
    const length = codePointLength(request.text);
    const trimmedLength = codePointLength(request.text.trim());
    const { minLength, maxLength } = capabilities.text;
    if (trimmedLength < minLength) {
      issues.push({
        field: 'text',
        reason: 'too_short',
        message: `text must be at least ${minLength} characters for ${vendor} (got ${trimmedLength})`,
        limit: minLength,
        actual: trimmedLength,
      });
    }
    if (maxLength !== undefined && length > maxLength) {
      issues.push({
        field: 'text',
        reason: 'too_long',
        message: `text must be at most ${maxLength} characters for ${vendor} (got ${length})`,
        limit: maxLength,
        actual: length,
      });
    }
  }

  // internal notes
  if (request.internal !== undefined && typeof request.internal !== 'boolean') {
    issues.push({ field: 'internal', reason: 'invalid', message: 'internal must be a boolean' });
  } else if (request.internal === true && !capabilities.internalNotes) {
    issues.push({
      field: 'internal',
      reason: 'unsupported',
      message: `${vendor} has no internal notes`,
    });
  }

  // audience
  if (request.audience !== undefined) {
    if (!Array.isArray(request.audience)) {
      issues.push({ field: 'audience', reason: 'invalid', message: 'audience must be an array' });
    } else if (capabilities.audiences.length === 0 && request.audience.length > 0) {
      issues.push({
        field: 'audience',
        reason: 'unsupported',
        message: `${vendor} decides who sees a message; audience cannot be chosen`,
      });
    } else {
      request.audience.forEach((audience, index) => {
        if (!(AUDIENCES as readonly unknown[]).includes(audience)) {
          issues.push({
            field: `audience[${index}]`,
            reason: 'invalid',
            message: `audience must be one of ${AUDIENCES.join(', ')} (got ${quoted(audience)})`,
          });
        } else if (!capabilities.audiences.includes(audience)) {
          issues.push({
            field: `audience[${index}]`,
            reason: 'unsupported',
            message: `${vendor} cannot address "${audience}"; supported: ${capabilities.audiences.join(', ')}`,
          });
        }
      });
      if (request.internal === true && request.audience.length > 0) {
        issues.push({
          field: 'audience',
          reason: 'invalid',
          message: 'an internal note has no audience',
        });
      }
    }
  }

  // vendor-specific optional fields
  for (const option of OPTION_FIELDS) {
    const value = request[option];
    if (value === undefined) continue;
    if (!capabilities.sendOptions.includes(option)) {
      issues.push({
        field: option,
        reason: 'unsupported',
        message: `${vendor} does not support ${option}`,
      });
    } else if (typeof value !== 'string' || value.trim() === '') {
      issues.push({
        field: option,
        reason: 'invalid',
        message: `${option} must be a non-empty string`,
      });
    }
  }

  // attachments; a per-message size limit (Mirakl's 30 MB) counts the text too
  const attachments = request.attachments;
  const messageLimit =
    capabilities.attachments === false ? undefined : capabilities.attachments.maxTotalBytes;
  const textBytes =
    messageLimit !== undefined && typeof request.text === 'string'
      ? utf8ByteLength(request.text)
      : 0;
  const withFiles = Array.isArray(attachments) && attachments.length > 0;
  if (!withFiles && messageLimit !== undefined && textBytes > messageLimit) {
    issues.push({
      field: 'text',
      reason: 'too_large',
      message: `text is ${textBytes} bytes; ${vendor} accepts at most ${messageLimit} per message`,
      limit: messageLimit,
      actual: textBytes,
    });
  }
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) {
      issues.push({
        field: 'attachments',
        reason: 'invalid',
        message: 'attachments must be an array',
      });
    } else if (attachments.length > 0) {
      const limits = capabilities.attachments;
      if (limits === false) {
        issues.push({
          field: 'attachments',
          reason: 'unsupported',
          message: `${vendor} does not accept attachments`,
        });
      } else {
        if (limits.maxCount !== undefined && attachments.length > limits.maxCount) {
          issues.push({
            field: 'attachments',
            reason: 'too_many',
            message: `at most ${limits.maxCount} attachments per message for ${vendor} (got ${attachments.length})`,
            limit: limits.maxCount,
            actual: attachments.length,
          });
        }
        let total = textBytes;
        attachments.forEach((attachment, index) => {
          const at = `attachments[${index}]`;
          if (attachment === null || typeof attachment !== 'object') {
            issues.push({
              field: at,
              reason: 'invalid',
              message: `${at} must be { filename, data }`,
            });
            return;
          }
          if (typeof attachment.filename !== 'string' || attachment.filename.trim() === '') {
            issues.push({
              field: `${at}.filename`,
              reason: 'required',
              message: `${at}.filename is required`,
            });
          } else if (CONTROL_CHARACTERS.test(attachment.filename)) {
            issues.push({
              field: `${at}.filename`,
              reason: 'invalid',
              message: `${at}.filename must not contain control characters`,
            });
          }
          const size = byteLengthOf(attachment.data);
          if (size === undefined) {
            issues.push({
              field: `${at}.data`,
              reason: 'invalid',
              message: `${at}.data must be a Blob, Uint8Array or ArrayBuffer`,
            });
            return;
          }
          total += size;
          if (limits.maxFileBytes !== undefined && size > limits.maxFileBytes) {
            issues.push({
              field: `${at}.data`,
              reason: 'too_large',
              message: `${at} is ${size} bytes; ${vendor} accepts at most ${limits.maxFileBytes} per file`,
              limit: limits.maxFileBytes,
              actual: size,
            });
          }
        });
        if (limits.maxTotalBytes !== undefined && total > limits.maxTotalBytes) {
          issues.push({
            field: 'attachments',
            reason: 'too_large',
            message: `text and attachments total ${total} bytes; ${vendor} accepts at most ${limits.maxTotalBytes} per message`,
            limit: limits.maxTotalBytes,
            actual: total,
          });
        }
      }
    }
  }
  return issues;
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
