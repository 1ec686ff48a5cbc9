/**
 * The runtime's public API: what the vendor clients and the facade build on, and what an
 * application needs to configure them or catch their errors. The package's other modules are
 * internal: `exports` does not reach them, and they may change in any release. Test helpers are
 * in `@org/http-runtime/testing`.
 *
 * @module index
 */
export { bearer, type AuthPlacement } from './auth.js';
export { assertHeaders, assertNoApiSuffix, ConfigurationError } from './base-url.js';
export {
  createVendorClient,
  type CommonClientOptions,
  type FieldConstraints,
  type OperationInfo,
  type OperationTable,
  type RequestBodyLayout,
  type RequestBodyTable,
  type SpecRateLimit,
  type VendorDefinition,
} from './client.js';
export {
  PaginationError,
  walkPages,
  type PaginationErrorReason,
  type WalkPagesOptions,
} from './pages.js';
export { PathParameterError } from './path-params.js';
export { concatBytes } from './bytes.js';
export { redactHeaders, redactRequestUrl, redactUrl, scrubSecrets, scrubValue } from './redact.js';
export {
  consoleLogger,
  LOG_LEVELS,
  REQUEST_ID_HEADERS,
  requestIdOf,
  scrubbingLogger,
  silentLogger,
  withLevel,
  type ConsoleSink,
  type LogFields,
  type Logger,
  type LogLevel,
} from './logger.js';
export {
  classifyTransportFailure,
  TransportError,
  type TransportFailure,
  type TransportPhase,
} from './network-error.js';
export { rateLimitRules } from './rate-limit-rules.js';
export { ResponseTooLargeError, type ResponseTooLargeErrorInit } from './response-body.js';
export {
  createRateLimiter,
  DEFAULT_MAX_SERVER_HOLD_MS,
  LocalRateLimitError,
  type AcquireOptions,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitMatch,
  type RateLimitRule,
  type RateLimitRuleSpec,
  type RateLimitSlot,
  type RateLimitSource,
  type RateLimitWait,
  type SlidingWindowRateLimiter,
} from './rate-limit.js';
export { DEFAULT_MAX_RESPONSE_BYTES, MAX_TIMER_MS } from './fetch-policy.js';
export {
  attemptsOf,
  createResilientFetch,
  type AttemptEnd,
  type FetchFunction,
  type ResilientFetch,
  type ResilientFetchOptions,
  type ResilientFetchPolicy,
} from './resilient-fetch.js';
export type { RetryOptions } from './retry.js';
export { quotaSpent, retryAfterMsOf } from './retry-after.js';
export { abortableSleep, type Sleep } from './timeout.js';
