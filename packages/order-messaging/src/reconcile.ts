/**
 * Duplicate-safe sends. When a send's outcome is ambiguous (timeout after the request was
 * written, connection reset, a 5xx, a 2xx that does not say what was stored), the message may or
 * may not be stored. Resending blindly risks a duplicate the customer sees twice, so the order is
 * listed: found → that is the result (`reconciled: true`). Not found is not proof: a vendor may
 * store the post later than we look, so the error keeps `delivery: 'unknown'`; a resend after an
 * absent result happens only when the caller opted in (`maxResends`) and the failure was one
 * after which the same request may succeed (never after a 2xx: the vendor took the post).
 */
import { abortableSleep, type Logger } from '@org/http-runtime';
import type { AdapterContext, AnyAdapter, SentProbe } from './adapter.js';
import { makeError } from './error-mapping.js';
import { OrderMessagingError, TimeoutError, type Delivery } from './errors.js';
import type { OrderMessage, SendRequest } from './model.js';
import { loadComparableText, newestOf, sentMatcher } from './text-compare.js';

/**
 * How `send` checks an ambiguous failure (a timeout after writing, a reset, a 5xx, a 2xx without
 * the documented answer): after `settleDelayMs` it lists the order and looks for the message (same
 * displayed text, from our side, dated after the first attempt minus `clockSkewMs`). Found: the
 * send succeeds with `reconciled: true`. Not found: the error keeps `delivery: 'unknown'`, and
 * nothing is resent unless `maxResends` allows it.
 */
export interface ReconcileSettings {
  /**
   * Resends allowed after the order was listed and the message was absent. Default 0: the error
   * comes back with `delivery: 'unknown'` and you decide (`findSent` later tells whether it
   * arrived). Opting in risks a duplicate: a vendor that stores the first post later than the
   * attempt's timeout plus `settleDelayMs` (a 504 from a gateway in front of a slow backend)
   * gets the message twice. Every failure after a resend is still `delivery: 'unknown'`.
   */
  maxResends?: number;
  /** Wait before listing, so a vendor still processing the lost request has stored it. Default 1000. */
  settleDelayMs?: number;
  /** How far the vendor's clock may lag ours when matching by time. Default 120 000. */
  clockSkewMs?: number;
}

export const DEFAULT_RECONCILE: Required<ReconcileSettings> = {
  maxResends: 0,
  settleDelayMs: 1000,
  clockSkewMs: 120_000,
};

/**
 * Scans an async listing for the probe's message, reading at most `maxMessages`. With
 * `newestFirst` (a listing the vendor documents as newest first) it stops at the first message
 * dated before `probe.notBefore`: everything after it is older still, so no further page is read.
 */
export async function findInListing<M extends OrderMessage>(
  listing: AsyncIterable<M>,
  probe: SentProbe<object>,
  maxMessages = 10_000,
  newestFirst = false,
): Promise<M | undefined> {
  const matches = sentMatcher(await loadComparableText(), probe);
  let best: M | undefined;
  let seen = 0;
  for await (const message of listing) {
    if (newestFirst && message.sentAt.getTime() < probe.notBefore.getTime()) break;
    if (matches(message)) best = newestOf(best, message);
    if (++seen >= maxMessages) break;
  }
  return best;
}

function withDelivery(
  error: OrderMessagingError,
  delivery: Delivery,
  note: string,
): OrderMessagingError {
  const copy = makeError(error.kind, `${error.message}; ${note}`, {
    vendor: error.vendor,
    connection: error.connection,
    status: error.status,
    requestId: error.requestId,
    retryable: error.retryable,
    delivery,
    body: error.body,
    cause: error.cause,
    ...('retryAfterMs' in error
      ? { retryAfterMs: (error as { retryAfterMs?: number }).retryAfterMs }
      : {}),
    ...('field' in error ? { field: (error as { field: string }).field } : {}),
  });
  return copy;
}

/**
 * The call's deadline passed during reconciliation: the first send may have been stored and
 * there was no time left to check, so the outcome is unknown.
 */
function deadlineError(ambiguous: OrderMessagingError, cause?: unknown): OrderMessagingError {
  return new TimeoutError(
    `${ambiguous.message}; the call's deadline (totalTimeoutMs) passed before the order could be checked; look at the order before sending again`,
    {
      vendor: ambiguous.vendor,
      connection: ambiguous.connection,
      retryable: true,
      delivery: 'unknown',
      cause: cause ?? ambiguous,
    },
  );
}

/** Whether the call ran out of time: its deadline passed, or a request of it timed out. */
function outOfTime(error: unknown, deadline: number): boolean {
  return (
    Date.now() >= deadline || (error instanceof OrderMessagingError && error.kind === 'timeout')
  );
}

export interface ReconciledSend<Raw> {
  message: OrderMessage<Raw>;
  reconciled: boolean;
}

/** A failure after an ambiguous post: whatever it says, that post may still be stored. */
function afterAmbiguousPost(error: unknown): unknown {
  if (!(error instanceof OrderMessagingError) || error.delivery === 'unknown') return error;
  return withDelivery(
    error,
    'unknown',
    'an earlier attempt of this send may have been stored; look at the order before sending again',
  );
}

export async function sendWithReconciliation<Raw>(
  adapter: AnyAdapter,
  request: SendRequest,
  ctx: AdapterContext<unknown>,
  settings: Required<ReconcileSettings>,
  logger: Logger,
): Promise<ReconciledSend<Raw>> {
  const since = new Date();
  const probe: SentProbe<object> = {
    request,
    since,
    notBefore: new Date(since.getTime() - settings.clockSkewMs),
  };
  let resends = 0;
  for (;;) {
    let ambiguous: OrderMessagingError;
    try {
      return { message: await adapter.send(request, ctx), reconciled: false };
    } catch (error) {
      if (!(error instanceof OrderMessagingError) || error.delivery !== 'unknown') {
        // Once a post may have been stored, no later answer can say this send was not delivered.
        throw resends > 0 ? afterAmbiguousPost(error) : error;
      }
      // The caller gave up: no listing, no resend.
      if (ctx.signal?.aborted) throw error;
      ambiguous = error;
    }

    const fields = {
      vendor: ctx.vendor,
      connection: ctx.connection,
      orderId: request.orderId,
      kind: ambiguous.kind,
    };
    if (!adapter.findSent || adapter.capabilities.reconcile === 'none') {
      logger.warn('send outcome unknown; the vendor cannot be listed to check', fields);
      throw withDelivery(
        ambiguous,
        'unknown',
        `${ctx.vendor} cannot list messages to check; look at the order before sending again`,
      );
    }

    logger.info('send outcome unknown; listing the order before any resend', fields);
    const deadline = ctx.deadline ?? Number.POSITIVE_INFINITY;
    let found: OrderMessage<Raw> | undefined;
    try {
      // Settling never outlasts the call: the listing needs whatever time is left.
      const settleMs = Math.min(settings.settleDelayMs, deadline - Date.now());
      if (settleMs > 0) await abortableSleep(settleMs, ctx.signal);
      if (Date.now() >= deadline) throw deadlineError(ambiguous);
      found = await adapter.findSent(probe, ctx);
    } catch (listError) {
      const why = listError instanceof Error ? listError.message : String(listError);
      logger.warn('reconciliation failed; delivery unknown', { ...fields, reason: why });
      if (!ctx.signal?.aborted && outOfTime(listError, deadline)) {
        throw listError instanceof TimeoutError && listError.delivery === 'unknown'
          ? listError
          : deadlineError(ambiguous, listError);
      }
      throw withDelivery(
        ambiguous,
        'unknown',
        `checking the order failed too (${why}); look at the order before sending again`,
      );
    }
    if (found) {
      logger.info('message found on the order after an ambiguous send', {
        ...fields,
        messageId: found.id,
      });
      return { message: found, reconciled: true };
    }
    // Absent is not proof: the vendor may store it later. Never `not_sent` from a listing.
    if (resends >= settings.maxResends || !ambiguous.retryable) {
      logger.warn('message not on the order; delivery unknown', fields);
      throw withDelivery(
        ambiguous,
        'unknown',
        `the message is not on the order after ${resends + 1} attempt(s), but the vendor may still store it; look at the order (findSent) before sending again`,
      );
    }
    resends += 1;
    logger.info('message absent from the order; sending again (reconcile.maxResends)', {
      ...fields,
      resend: resends,
    });
  }
}
