/**
 * Validation messages in the words of Laravel's validator, which the SPP and
 * GameBoost backends use (`The message field is required.`). Vendors on other
 * stacks word their errors themselves from `ValidationIssue`.
 */
import { reasonPhrase } from './faults.js';
import type { ValidationIssue } from './types.js';

/** Laravel shows `user_id` as "user id" and nested fields with dots. */
function attribute(issue: ValidationIssue): string {
  return (issue.field || issue.location).replace(/_/g, ' ');
}

function laravelMessage(issue: ValidationIssue): string {
  const name = attribute(issue);
  const limit = issue.limit;
  switch (issue.rule) {
    case 'required':
      return `The ${name} field is required.`;
    case 'maxLength':
      return `The ${name} field must not be greater than ${String(limit)} characters.`;
    case 'minLength':
      return Number(limit) <= 1
        ? `The ${name} field is required.`
        : `The ${name} field must be at least ${String(limit)} characters.`;
    case 'maxItems':
      return `The ${name} field must not have more than ${String(limit)} items.`;
    case 'minItems':
      return `The ${name} field must have at least ${String(limit)} items.`;
    case 'maximum':
      return `The ${name} field must not be greater than ${String(limit)}.`;
    case 'minimum':
      return `The ${name} field must be at least ${String(limit)}.`;
    case 'enum':
    case 'const':
      return `The selected ${name} is invalid.`;
    case 'format':
    case 'pattern':
      return `The ${name} field format is invalid.`;
    case 'json':
      return `The ${name} field must be a valid JSON string.`;
    case 'type':
      switch (String(limit).split(',')[0]) {
        case 'string':
          return `The ${name} field must be a string.`;
        case 'integer':
          return `The ${name} field must be an integer.`;
        case 'number':
          return `The ${name} field must be a number.`;
        case 'boolean':
          return `The ${name} field must be true or false.`;
        case 'array':
        case 'object':
          return `The ${name} field must be an array.`;
        default:
          return `The ${name} field is invalid.`;
      }
    default:
      return `The ${name} field is invalid.`;
  }
}

/** Laravel's `ValidationException` body: the first message (plus a count) and every message by field. */
export function laravelValidationBody(issues: readonly ValidationIssue[]): {
  message: string;
  errors: Record<string, string[]>;
} {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.field || issue.location;
    (errors[key] ??= []).push(laravelMessage(issue));
  }
  const all = Object.values(errors).flat();
  const first = all[0] ?? 'The given data was invalid.';
  const more = all.length - 1;
  return {
    message: more > 0 ? `${first} (and ${more} more error${more === 1 ? '' : 's'})` : first,
    errors,
  };
}

/** The message of Laravel's JSON error response for a status (`Server Error` for 500). */
export function laravelStatusMessage(status: number): string {
  return status === 500 ? 'Server Error' : reasonPhrase(status);
}
