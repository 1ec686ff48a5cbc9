/**
 * The checks every facade operation makes before the network: the connection exists, the
 * vendor supports the operation, and the request passes the shared and the adapter's checks.
 * Each failure is a typed error with `delivery: 'not_sent'`.
 */
import type { RequestIssue } from './adapter.js';
import type { Connection } from './connection.js';
import { UnsupportedOperationError, ValidationError } from './errors.js';
import type { OrderRef, SendRequest } from './model.js';
import { quoted, validateRef, validateSend } from './validation.js';

export function connectionNamed(connections: ReadonlyMap<string, Connection>, name: string) {
  const connection = typeof name === 'string' ? connections.get(name) : undefined;
  if (!connection) {
    const known = [...connections.keys()].join(', ') || 'none';
    throw new ValidationError(`unknown connection ${quoted(name)} (configured: ${known})`, {
      field: 'connection',
      reason: 'invalid',
      delivery: 'not_sent',
    });
  }
  return connection;
}

/** Throws the first issue as a ValidationError naming its field (and the others' fields). */
export function rejectIssues(connection: Connection, issues: readonly RequestIssue[]): void {
  const [first, ...rest] = issues;
  if (first) throw issueError(connection, first, rest);
}

/** The ValidationError for `first`, naming the other issues' fields too. */
export function issueError(
  connection: Connection,
  first: RequestIssue,
  rest: readonly RequestIssue[] = [],
): ValidationError {
  const others = rest.map((issue) => issue.field);
  const more = others.length > 0 ? ` (and ${others.length} more: ${others.join(', ')})` : '';
  return new ValidationError(`${connection.name}: ${first.message}${more}`, {
    vendor: connection.adapter.vendor,
    connection: connection.name,
    field: first.field,
    reason: first.reason,
    delivery: 'not_sent',
    retryable: false,
    ...(first.limit === undefined ? {} : { limit: first.limit }),
    ...(first.actual === undefined ? {} : { actual: first.actual }),
  });
}

/** `what` follows "<connection>: <vendor> ". */
export function unsupported(connection: Connection, what: string): UnsupportedOperationError {
  const { vendor } = connection.adapter;
  return new UnsupportedOperationError(`${connection.name}: ${vendor} ${what}`, {
    vendor,
    connection: connection.name,
    delivery: 'not_sent',
  });
}

export function checkCapability(connection: Connection, operation: 'list' | 'send'): void {
  if (!connection.adapter.capabilities[operation]) {
    throw unsupported(connection, `does not support ${operation}`);
  }
}

/** Adapters' own checks read fields; a JavaScript caller may pass null or a string instead. */
function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The shared checks, then the adapter's own. */
export function checkSendRequest(connection: Connection, request: SendRequest): void {
  const { adapter } = connection;
  rejectIssues(connection, [
    ...validateSend(request, adapter.capabilities),
    ...(isObject(request) ? (adapter.validate?.(request, 'send') ?? []) : []),
  ]);
}

export function checkRef(connection: Connection, ref: OrderRef): void {
  const { adapter } = connection;
  rejectIssues(connection, [
    ...validateRef(ref, adapter.capabilities),
    ...(isObject(ref) ? (adapter.validate?.(ref, 'list') ?? []) : []),
  ]);
}
