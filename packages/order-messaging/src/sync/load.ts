/**
 * Loads the sync code (`chunk.ts`) on first use: a dynamic import, so a bundler that splits code
 * keeps it out of the initial chunk of an application that only sends and lists. It hands the
 * chunk what it needs from the rest of the facade (`tools.ts` says why it imports none of it).
 */
import { createCallContext } from '../call-context.js';
import { ValidationError } from '../errors.js';
import { typedAbort } from '../operations.js';
import { checkRef, unsupported } from '../request-checks.js';

/** The sync chunk, its tools provided. */
export async function loadSync(): Promise<typeof import('./chunk.js')> {
  const chunk = await import('./chunk.js');
  chunk.provideTools({ checkRef, createCallContext, typedAbort, unsupported, ValidationError });
  return chunk;
}
