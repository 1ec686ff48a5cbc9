/**
 * What the sync code, loaded on first use (`load.ts`), takes from the rest of the facade at run
 * time. It imports none of it itself: in a bundle that does not split code (size-limit's, esbuild
 * without `splitting`), everything a dynamically imported module reaches statically is wrapped
 * in a lazy initializer, and reaching the call context would wrap most of the facade and the
 * runtime. Type imports and `keys.ts` and `needs-reply.ts`, which import nothing, are fine.
 */
import type { createCallContext } from '../call-context.js';
import type { typedAbort } from '../operations.js';
import type { ValidationError, ValidationReason } from '../errors.js';
import type { Connection } from '../connection.js';
import type { checkRef, unsupported } from '../request-checks.js';

/** The facade's functions the sync code calls, handed over by `load.ts`. */
export interface SyncTools {
  readonly checkRef: typeof checkRef;
  readonly createCallContext: typeof createCallContext;
  readonly typedAbort: typeof typedAbort;
  readonly unsupported: typeof unsupported;
  readonly ValidationError: typeof ValidationError;
}

/** Filled by {@link provideTools} before any sync code runs. */
export const tools = {} as SyncTools;

/** Called by `load.ts` once the sync code is loaded, before it runs. */
export function provideTools(given: SyncTools): void {
  Object.assign(tools, given);
}

/** A sync option the caller got wrong, found before any request (`delivery: 'not_sent'`). */
export function invalidOption(
  connection: Connection,
  message: string,
  field: string,
  reason: ValidationReason = 'invalid',
): ValidationError {
  return new tools.ValidationError(`${connection.name}: ${message}`, {
    vendor: connection.adapter.vendor,
    connection: connection.name,
    field,
    reason,
    delivery: 'not_sent',
    retryable: false,
  });
}
