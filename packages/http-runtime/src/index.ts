export { authMiddleware, bearer, type AuthPlacement } from './auth.js';
export { assertSafeBaseUrl, ConfigurationError, isLoopbackHost } from './base-url.js';
export {
  clientSecrets,
  createVendorClient,
  type CommonClientOptions,
  type OperationInfo,
  type OperationTable,
  type VendorDefinition,
} from './client.js';
export {
  encodeMultipart,
  hasBlob,
  type EncodedMultipart,
  type MultipartEncoding,
} from './multipart.js';
export {
  REDACTED,
  redactHeaders,
  redactUrl,
  scrubSecrets,
  scrubValue,
  SECRET_HEADERS,
  SECRET_QUERY_PARAMS,
} from './redact.js';
