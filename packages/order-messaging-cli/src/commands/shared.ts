import { InvalidArgumentError } from 'commander';
import type { CliMessage } from '../facade.js';

/** A commander parser for integer options. */
export function positiveInteger(name: string, { allowZero = false } = {}) {
  return (raw: string): number => {
    const parsed = Number(raw);
    if (!Number.isSafeInteger(parsed) || parsed < (allowZero ? 0 : 1)) {
      throw new InvalidArgumentError(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer.`,
      );
    }
    return parsed;
  };
}

/** A message as `--json` prints it: `sentAt` as ISO text, the vendor's object only with `--raw`. */
export function messageToJson(message: CliMessage, includeRaw: boolean) {
  const { raw, sentAt, ...rest } = message;
  return { ...rest, sentAt: sentAt.toISOString(), ...(includeRaw ? { raw } : {}) };
}
