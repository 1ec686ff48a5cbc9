/**
 * Checks a request against the connection's capabilities before anything
 * touches the network. Generic: the limits come from `Capabilities` (which the
 * adapters take from the specs), vendor-only rules from `adapter.validate`.
 */
import type { RequestIssue } from './adapter.js';
import type { Capabilities, OrderRef, SendRequest } from './model.js';
import { AUDIENCES } from './model.js';
import {
  byteLengthOf,
  checkId,
  codePointLength,
  CONTROL_CHARACTERS,
  quoted,
  utf8ByteLength,
} from './validation-text.js';
import { validateVendorOptions } from './vendor-options.js';

export {
  attachmentFile,
  byteLengthOf,
  checkId,
  codePointLength,
  MAX_ID_LENGTH,
  quoted,
  utf8ByteLength,
} from './validation-text.js';

/** The order reference and, for `operation`, the vendor options it carries. */
export function validateRef(
  ref: OrderRef,
  capabilities: Capabilities,
  operation: 'send' | 'list' = 'list',
): RequestIssue[] {
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
  issues.push(...validateVendorOptions(ref, capabilities, operation));
  return issues;
}

type Issues = RequestIssue[];

function checkText(request: SendRequest, capabilities: Capabilities, issues: Issues): void {
  const vendor = capabilities.vendor;
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
}

function checkInternal(request: SendRequest, capabilities: Capabilities, issues: Issues): void {
  const vendor = capabilities.vendor;
  if (request.internal !== undefined && typeof request.internal !== 'boolean') {
    issues.push({ field: 'internal', reason: 'invalid', message: 'internal must be a boolean' });
  } else if (request.internal === true && !capabilities.internalNotes) {
    issues.push({
      field: 'internal',
      reason: 'unsupported',
      message: `${vendor} has no internal notes`,
    });
  }
}

function checkAudience(request: SendRequest, capabilities: Capabilities, issues: Issues): void {
  const vendor = capabilities.vendor;
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
}

/** A per-message size limit (Mirakl's 30 MB) counts the text too. */
function checkAttachments(request: SendRequest, capabilities: Capabilities, issues: Issues): void {
  const vendor = capabilities.vendor;
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
}

export function validateSend(request: SendRequest, capabilities: Capabilities): RequestIssue[] {
  const issues = validateRef(request, capabilities, 'send');
  if (request === null || typeof request !== 'object') return issues;
  if (!capabilities.send) {
    issues.push({
      field: 'request',
      reason: 'unsupported',
      message: `${capabilities.vendor} does not support sending messages`,
    });
  }
  checkText(request, capabilities, issues);
  checkInternal(request, capabilities, issues);
  checkAudience(request, capabilities, issues);
  checkAttachments(request, capabilities, issues);
  return issues;
}
