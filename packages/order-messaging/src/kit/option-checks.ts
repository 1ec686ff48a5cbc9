/**
 * Checks of an adapter's own connection options, run by its factory. A value the spec bounds (a
 * page size) or that the adapter reads as a number or a choice would otherwise go out on every
 * request, or quietly change what the adapter does; here it fails once, when the connection is
 * created, with the ConfigurationError the facade uses for every setting.
 */
import { ConfigurationError } from '@org/http-runtime';

/** What a whole-number option may be; `max` absent: the spec states no maximum. */
export interface WholeNumberRange {
  /** The smallest value allowed. */
  readonly min: number;
  /** The largest value allowed; absent when there is none. */
  readonly max?: number;
}

/** What was given, for the message: a number as is, anything else by its type only. */
function shown(value: unknown): string {
  // A string in the wrong option may be a credential: only numbers are safe to print.
  if (typeof value === 'number') return `got ${value}`;
  return `got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
}

/** Throws unless `value` is absent or a safe integer within `range`. */
export function checkWholeNumber(
  vendor: string,
  option: string,
  value: unknown,
  { min, max }: WholeNumberRange,
): void {
  if (value === undefined) return;
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= min &&
    (max === undefined || value <= max)
  ) {
    return;
  }
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  throw new ConfigurationError(
    `${vendor}: ${option} must be a whole number ${range} (${shown(value)})`,
  );
}

const listed = (choices: readonly string[]) => choices.map((choice) => `"${choice}"`).join(', ');
const isChoice = (value: unknown, choices: readonly string[]) =>
  typeof value === 'string' && choices.includes(value);

/** Throws unless `value` is absent or one of `choices`. */
export function checkChoice(
  vendor: string,
  option: string,
  value: unknown,
  choices: readonly string[],
): void {
  if (value === undefined || isChoice(value, choices)) return;
  throw new ConfigurationError(`${vendor}: ${option} must be one of ${listed(choices)}`);
}

/** Throws unless `value` is absent or a non-empty array whose every entry is one of `choices`. */
export function checkChoices(
  vendor: string,
  option: string,
  value: unknown,
  choices: readonly string[],
): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(
      `${vendor}: ${option} must be a non-empty array of ${listed(choices)}`,
    );
  }
  // An index loop, not forEach: a hole in a sparse array is an entry too.
  for (let index = 0; index < value.length; index++) {
    if (!isChoice(value[index], choices)) {
      throw new ConfigurationError(
        `${vendor}: ${option}[${index}] must be one of ${listed(choices)}`,
      );
    }
  }
}

/** Throws unless `value` is absent or passes `valid`; `form` says what it must look like. */
export function checkString(
  vendor: string,
  option: string,
  value: unknown,
  valid: (value: unknown) => boolean,
  form: string,
): void {
  if (value === undefined || valid(value)) return;
  throw new ConfigurationError(`${vendor}: ${option} must be ${form}`);
}
