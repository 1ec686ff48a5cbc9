/** Rate-limit rules: building them from a description, and checking them. */
import { ConfigurationError } from './base-url.js';
import { LEARNED_RULE_NAME } from './rate-limit-learning.js';
import type { RateLimitMatch, RateLimitRule, RateLimitRuleSpec } from './rate-limit.js';

function singleMatch(pattern: RegExp): RegExp {
  // A global or sticky RegExp keeps lastIndex between test() calls and would skip every other request.
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern;
}

export function matchRequests(match: RateLimitMatch): (request: Request) => boolean {
  const methods = match.methods?.map((m) => m.toUpperCase());
  const pathPattern = match.pathPattern && singleMatch(match.pathPattern);
  return (request) => {
    if (methods && !methods.includes(request.method.toUpperCase())) return false;
    if (pathPattern && !pathPattern.test(new URL(request.url).pathname)) return false;
    return true;
  };
}

/**
 * Rules from a description keyed by rule name, e.g.
 * `{ chat: { limit: 5, windowMs: 60_000, match: { pathPattern: /\/messages$/ } } }`.
 */
export function rateLimitRules(spec: Readonly<Record<string, RateLimitRuleSpec>>): RateLimitRule[] {
  return Object.entries(spec).map(([name, rule]) => ({
    name,
    limit: rule.limit,
    windowMs: rule.windowMs,
    ...(rule.match === undefined
      ? {}
      : { match: typeof rule.match === 'function' ? rule.match : matchRequests(rule.match) }),
    ...(rule.key === undefined ? {} : { key: rule.key }),
  }));
}

/**
 * Throws `ConfigurationError` for a rule without a name, a duplicate or reserved name, or a bad
 * limit or window.
 */
export function validateRules(rules: readonly RateLimitRule[]): void {
  const names = new Set<string>();
  for (const rule of rules) {
    if (!rule.name) throw new ConfigurationError('rate limit rule without a name');
    if (rule.name === LEARNED_RULE_NAME) {
      throw new ConfigurationError(
        `rate limit rule "${LEARNED_RULE_NAME}": the name is reserved for the rule learned from 429s`,
      );
    }
    if (names.has(rule.name))
      throw new ConfigurationError(`rate limit rule "${rule.name}" is declared twice`);
    names.add(rule.name);
    if (!Number.isInteger(rule.limit) || rule.limit < 1) {
      throw new ConfigurationError(`rate limit rule "${rule.name}": limit must be an integer >= 1`);
    }
    if (!Number.isFinite(rule.windowMs) || rule.windowMs <= 0) {
      throw new ConfigurationError(
        `rate limit rule "${rule.name}": windowMs must be a positive number`,
      );
    }
  }
}
