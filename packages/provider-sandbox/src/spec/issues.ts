/** Ajv errors to the vendor-neutral `ValidationIssue`s vendors word their messages from. */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ValidationIssue } from '../types.js';

function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required' && typeof error.params.missingProperty === 'string')
    parts.push(error.params.missingProperty);
  return parts.join('.');
}

const LIMIT_PARAMS: Record<string, string> = {
  maxLength: 'limit',
  minLength: 'limit',
  maxItems: 'limit',
  minItems: 'limit',
  maximum: 'limit',
  minimum: 'limit',
  exclusiveMaximum: 'limit',
  exclusiveMinimum: 'limit',
  type: 'type',
  enum: 'allowedValues',
  format: 'format',
  pattern: 'pattern',
  const: 'allowedValue',
};

/**
 * One issue per field: the first specific error wins over the `anyOf`/`oneOf`
 * summaries Ajv adds, so vendors can word one message per field as they do.
 */
export function issuesFromAjv(
  errors: readonly ErrorObject[],
  location: ValidationIssue['location'],
  prefix = '',
): ValidationIssue[] {
  const byField = new Map<string, ValidationIssue>();
  const summaries = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);
  for (const error of errors) {
    const field = [prefix, fieldOf(error)].filter(Boolean).join('.');
    const existing = byField.get(field);
    if (existing && !summaries.has(existing.rule)) continue;
    if (existing && summaries.has(error.keyword)) continue;
    const limitKey = LIMIT_PARAMS[error.keyword];
    byField.set(field, {
      location,
      field,
      rule: error.keyword,
      ...(limitKey ? { limit: (error.params as Record<string, unknown>)[limitKey] } : {}),
      message: `${field || location} ${error.message ?? 'is invalid'}`,
    });
  }
  return [...byField.values()];
}
