/**
 * What `send` does after an ambiguous failure (see `reconcile.ts`): list the order, return the
 * message found there, or fail with `delivery: 'unknown'`, resending only when the caller opted
 * in. Loaded on first use, only after a send's outcome was ambiguous: a bundler that splits code
 * keeps it out of the initial chunk. It imports nothing at run time: what it needs of the facade
 * and the runtime comes in {@link AfterTools} (`sync/tools.ts` says why).
 */
import type { abortableSleep, Logger } from '@org/http-runtime';
import type { AdapterContext, AnyAdapter, SentProbe } from './adapter.js';
import type { makeError } from './error-mapping.js';
import type { Delivery, OrderMessagingError, TimeoutError } from './errors.js';
import type { OrderMessage, SendRequest } from './model.js';
import type { ReconciledSend, ReconcileSettings } from './reconcile.js';

/** The facade's and the runtime's values this module uses, handed over by `reconcile.ts`. */
export interface AfterTools {
  readonly makeError: typeof makeError;
  readonly OrderMessagingError: typeof OrderMessagingError;
  readonly TimeoutError: typeof TimeoutError;
  readonly abortableSleep: typeof abortableSleep;
}

function withDelivery(
  tools: AfterTools,
  error: OrderMessagingError,
  delivery: Delivery,
  note: string,
): OrderMessagingError {
  const copy = tools.makeError(error.kind, `${error.message}; ${note}`, {
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
function deadlineError(
  tools: AfterTools,
  ambiguous: OrderMessagingError,
  cause?: unknown,
): OrderMessagingError {
  return new tools.TimeoutError(
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
function outOfTime(tools: AfterTools, error: unknown, deadline: number): boolean {
  return (
    Date.now() >= deadline ||
    (error instanceof tools.OrderMessagingError && error.kind === 'timeout')
  );
}

/** A failure after an ambiguous post: whatever it says, that post may still be stored. */
function afterAmbiguousPost(tools: AfterTools, error: unknown): unknown {
  if (!(error instanceof tools.OrderMessagingError) || error.delivery === 'unknown') return error;
  return withDelivery(
    tools,
    error,
    'unknown',
    'an earlier attempt of this send may have been stored; look at the order before sending again',
  );
}

/** An ambiguous send, as `sendWithReconciliation` hands it over. */
export interface AmbiguousSend {
  readonly adapter: AnyAdapter;
  readonly request: SendRequest;
  readonly ctx: AdapterContext<unknown>;
  readonly settings: Required<ReconcileSettings>;
  readonly logger: Logger;
  /** When the first attempt was made. */
  readonly since: Date;
}

/**
 * After the send's first ambiguous failure (`first`): lists the order and returns the message
 * found there, or throws with `delivery: 'unknown'`; resends only as `settings.maxResends` allows.
 */
export async function reconcileAmbiguous<Raw>(
  tools: AfterTools,
  first: OrderMessagingError,
  { adapter, request, ctx, settings, logger, since }: AmbiguousSend,
): Promise<ReconciledSend<Raw>> {
  const probe: SentProbe<object> = {
    request,
    since,
    notBefore: new Date(since.getTime() - settings.clockSkewMs),
  };
  let resends = 0;
  let ambiguous = first;
  for (;;) {
    const fields = {
      vendor: ctx.vendor,
      connection: ctx.connection,
      orderId: request.orderId,
      kind: ambiguous.kind,
    };
    if (!adapter.findSent || adapter.capabilities.reconcile === 'none') {
      logger.warn('send outcome unknown; the vendor cannot be listed to check', fields);
      throw withDelivery(
        tools,
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
      if (settleMs > 0) await tools.abortableSleep(settleMs, ctx.signal);
      if (Date.now() >= deadline) throw deadlineError(tools, ambiguous);
      found = await adapter.findSent(probe, ctx);
    } catch (listError) {
      const why = listError instanceof Error ? listError.message : String(listError);
      logger.warn('reconciliation failed; delivery unknown', { ...fields, reason: why });
      if (!ctx.signal?.aborted && outOfTime(tools, listError, deadline)) {
        throw listError instanceof tools.TimeoutError && listError.delivery === 'unknown'
          ? listError
          : deadlineError(tools, ambiguous, listError);
      }
      throw withDelivery(
        tools,
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
        tools,
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
    try {
      return { message: await adapter.send(request, ctx), reconciled: false };
    } catch (error) {
      if (!(error instanceof tools.OrderMessagingError) || error.delivery !== 'unknown') {
        // Once a post may have been stored, no later answer can say this send was not delivered.
        throw afterAmbiguousPost(tools, error);
      }
      // The caller gave up: no listing, no resend.
      if (ctx.signal?.aborted) throw error;
      ambiguous = error;
    }
  }
}
