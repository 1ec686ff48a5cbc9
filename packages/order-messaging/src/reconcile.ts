/**
 * Duplicate-safe sends. When a send's outcome is ambiguous (timeout after the request was
 * written, connection reset, a 5xx, a 2xx that does not say what was stored), the message may or
 * may not be stored. Resending blindly risks a duplicate the customer sees twice, so the order is
 * listed: found → that is the result (`reconciled: true`). Not found is not proof: a vendor may
 * store the post later than we look, so the error keeps `delivery: 'unknown'`; a resend after an
 * absent result happens only when the caller opted in (`maxResends`) and the failure was one
 * after which the same request may succeed (never after a 2xx: the vendor took the post).
 */
import { abortableSleep, ConfigurationError, MAX_TIMER_MS, type Logger } from '@org/http-runtime';
import type { AdapterContext, AnyAdapter, SentProbe } from './adapter.js';
import type { AfterTools } from './reconcile-after.js';
import { makeError } from './error-mapping.js';
import { OrderMessagingError, TimeoutError } from './errors.js';
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
 * `settings` over the defaults, refused when a value would switch a guard off: a `NaN` or
 * `undefined` `maxResends` never stops resending, a `NaN` `clockSkewMs` never finds the stored
 * message (`Number(process.env.X)` of an unset variable is such a value, and it type-checks).
 */
export function resolveReconcileSettings(
  settings: ReconcileSettings | undefined,
): Required<ReconcileSettings> {
  if (settings === undefined) return DEFAULT_RECONCILE;
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigurationError('createOrderMessaging: `reconcile` must be an object');
  }
  const resolved = { ...DEFAULT_RECONCILE };
  for (const [key, value] of Object.entries(settings)) {
    if (!(key in DEFAULT_RECONCILE)) {
      const known = Object.keys(DEFAULT_RECONCILE).join(', ');
      throw new ConfigurationError(
        `createOrderMessaging: reconcile.${key} is not a setting (known: ${known})`,
      );
    }
    if (value === undefined) continue;
    const valid =
      typeof value === 'number' &&
      value >= 0 &&
      (key === 'maxResends' ? Number.isSafeInteger(value) : value <= MAX_TIMER_MS);
    if (!valid) {
      const wanted = key === 'maxResends' ? 'a whole number >= 0' : `0 to ${MAX_TIMER_MS} ms`;
      throw new ConfigurationError(
        `createOrderMessaging: reconcile.${key} must be ${wanted} (got ${String(value)})`,
      );
    }
    resolved[key as keyof ReconcileSettings] = value;
  }
  return resolved;
}

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

export interface ReconciledSend<Raw> {
  message: OrderMessage<Raw>;
  reconciled: boolean;
}

/** What the reconciliation code takes from the facade and the runtime (it imports none of it). */
const AFTER_TOOLS: AfterTools = { makeError, OrderMessagingError, TimeoutError, abortableSleep };

export async function sendWithReconciliation<Raw>(
  adapter: AnyAdapter,
  request: SendRequest,
  ctx: AdapterContext<unknown>,
  settings: Required<ReconcileSettings>,
  logger: Logger,
): Promise<ReconciledSend<Raw>> {
  const since = new Date();
  try {
    return { message: await adapter.send(request, ctx), reconciled: false };
  } catch (error) {
    // Only an ambiguous failure is reconciled, and not once the caller gave up (no listing, no
    // resend). The code that does it loads then (`reconcile-after.ts`).
    if (!(error instanceof OrderMessagingError) || error.delivery !== 'unknown') throw error;
    if (ctx.signal?.aborted) throw error;
    const { reconcileAmbiguous } = await import('./reconcile-after.js');
    return reconcileAmbiguous<Raw>(AFTER_TOOLS, error, {
      adapter,
      request,
      ctx,
      settings,
      logger,
      since,
    });
  }
}
