/**
 * What each facade operation does with one connection, once its name is resolved: checks,
 * a call context, the adapter's work. `facade.ts` gives them their typed, public shape.
 */
import { DEFAULT_MAX_RESPONSE_BYTES, redactHeaders, scrubValue } from '@org/http-runtime';
import type { RequestIssue, SentProbe } from './adapter.js';
import { createCallContext, type CallRecord } from './call-context.js';
import type { CallSettings, Connection } from './connection.js';
import { DEFAULT_MAX_DOWNLOAD_BYTES, readAttachment } from './download.js';
import { errorFromException } from './error-mapping.js';
import type {
  DownloadedAttachment,
  OrderMessage,
  OrderRef,
  SendRequest,
  SendResult,
} from './model.js';
import { sendWithReconciliation, type ReconcileSettings } from './reconcile.js';
import {
  checkCapability,
  checkRef,
  checkSendRequest,
  issueError,
  rejectIssues,
  unsupported,
} from './request-checks.js';
import { checkId } from './validation.js';

export interface DownloadSettings extends CallSettings {
  /** Refuse attachments larger than this many bytes (default 32 MiB); reading stops at the limit. */
  maxBytes?: number;
}

/**
 * Whatever an operation throws outside its client calls is typed like their failures: once the
 * caller's signal aborted (a wait of the adapter's own, a body being read), that abort; a body
 * read after the call returned (an attachment) that timed out, broke off or grew too large, a
 * transport failure of it.
 */
export function typedAbort(
  error: unknown,
  connection: Connection,
  settings: CallSettings | undefined,
  record: CallRecord,
  operation: string,
): unknown {
  const writeStarted = record.writeAttempts > 0;
  return errorFromException(error, connection.scope, {
    operation,
    write: writeStarted,
    attempted: record.attempts > 0,
    signal: settings?.signal,
    writeStarted,
  });
}

async function guarded<T>(
  connection: Connection,
  settings: CallSettings | undefined,
  record: CallRecord,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw typedAbort(error, connection, settings, record, operation);
  }
}

export async function sendMessage(
  connection: Connection,
  request: SendRequest,
  settings: CallSettings | undefined,
  reconcile: Required<ReconcileSettings>,
): Promise<SendResult> {
  checkSendRequest(connection, request);
  checkCapability(connection, 'send');
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = createCallContext(connection, settings, record);
  // `guarded`, written out: the send path is hot, and a closure and an async frame less per send
  // show in profiles.
  let outcome: Awaited<ReturnType<typeof sendWithReconciliation>>;
  try {
    outcome = await sendWithReconciliation(
      connection.adapter,
      request,
      ctx,
      reconcile,
      connection.logger,
    );
  } catch (error) {
    throw typedAbort(error, connection, settings, record, 'send');
  }
  const response = record.lastResponse;
  return {
    message: outcome.message,
    reconciled: outcome.reconciled,
    attempts: record.writeAttempts,
    raw: {
      ...(record.lastWrite ? { request: record.lastWrite } : {}),
      ...(response
        ? {
            response: {
              status: response.status,
              // Values too: any header may echo a credential, not only those named like one.
              headers: scrubValue(redactHeaders(response.headers), connection.scope.secrets),
            },
          }
        : {}),
    },
  };
}

/** Lazy: the checks run at the first iteration, like the requests. */
export async function* listMessages(
  connection: () => Connection,
  ref: OrderRef,
  settings: CallSettings | undefined,
): AsyncGenerator<OrderMessage> {
  const resolved = connection();
  checkRef(resolved, ref);
  checkCapability(resolved, 'list');
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = createCallContext(resolved, settings, record);
  try {
    yield* resolved.adapter.list(ref, ctx);
  } catch (error) {
    throw typedAbort(error, resolved, settings, record, 'list');
  }
}

export async function findSentMessage(
  connection: Connection,
  request: SendRequest,
  options: CallSettings & { since: Date },
  reconcile: Required<ReconcileSettings>,
): Promise<OrderMessage | undefined> {
  const { adapter } = connection;
  checkSendRequest(connection, request);
  if (!adapter.findSent || adapter.capabilities.reconcile === 'none') {
    throw unsupported(connection, 'cannot list messages to find a sent one');
  }
  const since = (options as Partial<typeof options> | undefined)?.since;
  // An invalid date would make the window NaN: "not found", and the caller sends again.
  if (!(since instanceof Date) || !Number.isFinite(since.getTime())) {
    throw issueError(connection, {
      field: 'since',
      reason: since === undefined ? 'required' : 'invalid',
      message: 'findSent needs `since`, a valid Date: when the send started',
    });
  }
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  const ctx = createCallContext(connection, options, record);
  const probe: SentProbe = {
    request,
    since,
    notBefore: new Date(since.getTime() - reconcile.clockSkewMs),
  };
  return guarded(connection, options, record, 'findSent', () => adapter.findSent!(probe, ctx));
}

export async function downloadAttachment(
  connection: Connection,
  attachment: string | { id: string },
  settings: DownloadSettings | undefined,
): Promise<DownloadedAttachment> {
  const { adapter } = connection;
  const id = typeof attachment === 'string' ? attachment : attachment?.id;
  const maxBytes = settings?.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const issues: RequestIssue[] = [];
  const idIssue = checkId(id, 'attachment');
  if (idIssue) issues.push(idIssue);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    issues.push({
      field: 'maxBytes',
      reason: 'invalid',
      message: 'maxBytes must be a non-negative integer',
    });
  }
  rejectIssues(connection, issues);
  if (!adapter.capabilities.attachmentDownload || !adapter.downloadAttachment) {
    throw unsupported(connection, 'attachments cannot be downloaded through the facade');
  }
  const record: CallRecord = { attempts: 0, writeAttempts: 0 };
  // The generic body cap must not cut a download short of the `maxBytes` the caller allowed.
  const maxResponseBytes = Math.max(
    settings?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxBytes,
  );
  const ctx = createCallContext(connection, settings, record, { maxResponseBytes });
  return guarded(connection, settings, record, 'downloadAttachment', async () =>
    readAttachment(await adapter.downloadAttachment!(id as string, ctx), {
      vendor: adapter.vendor,
      connection: connection.name,
      attachmentId: id as string,
      maxBytes,
    }),
  );
}
