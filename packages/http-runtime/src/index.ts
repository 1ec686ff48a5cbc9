export { bearer, type AuthPlacement } from './auth.js';
export {
  assertNoApiSuffix,
  assertSafeBaseUrl,
  ConfigurationError,
  isLoopbackHost,
} from './base-url.js';
export {
  createVendorClient,
  type CommonClientOptions,
  type FieldConstraints,
  type OperationInfo,
  type OperationTable,
  type SpecRateLimit,
  type VendorDefinition,
} from './client.js';
export { PathParameterError, safePathSerializer } from './path-params.js';
export {
  encodeMultipart,
  hasBlob,
  type EncodedMultipart,
  type MultipartEncoding,
} from './multipart.js';
export {
  describeUrl,
  REDACTED,
  redactHeaders,
  redactUrl,
  scrubSecrets,
  scrubValue,
  SECRET_HEADERS,
  SECRET_QUERY_PARAMS,
} from './redact.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
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
  AMBIGUOUS_TRANSPORT_CODES,
  classifyTransportFailure,
  TLS_REJECTION_CODES,
  TRANSIENT_CONNECT_CODES,
  TransportError,
  type TransportErrorInit,
  type TransportFailure,
  type TransportPhase,
} from './network-error.js';
export { matchRequests, rateLimitRules } from './rate-limit-rules.js';
export {
  createRateLimiter,
  LocalRateLimitError,
  type AcquireOptions,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitMatch,
  type RateLimitRule,
  type RateLimitRuleSpec,
  type RateLimitSlot,
  type RateLimitWait,
  type SlidingWindowRateLimiter,
} from './rate-limit.js';
export {
  attemptsOf,
  createResilientFetch,
  type FetchFunction,
  type ResilientFetch,
  type ResilientFetchOptions,
  type ResilientFetchPolicy,
} from './resilient-fetch.js';
export { DEFAULT_MAX_RATE_LIMIT_WAIT_MS, DEFAULT_TIMEOUT_MS } from './fetch-policy.js';
export type { WaitReason } from './fetch-log.js';
export {
  DEFAULT_RETRY,
  IDEMPOTENT_METHODS,
  IDEMPOTENT_RETRY_STATUSES,
  isIdempotentRequest,
  isRetryableStatus,
  NON_IDEMPOTENT_RETRY_STATUSES,
  type RetryOptions,
} from './retry.js';
export {
  parseRateLimitReset,
  parseRetryAfter,
  retryAfterMsOf,
  serverRequestedWait,
  type ServerWait,
  type ServerWaitSource,
} from './retry-after.js';
export { abortableSleep, type Sleep } from './timeout.js';
