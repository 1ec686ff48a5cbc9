/**
 * `@org/order-messaging`: {@link createOrderMessaging} and what its operations take and return
 * (the normalized messages, typed errors, sync events). Each vendor's adapter is a subpath
 * (`@org/order-messaging/mirakl`, `/spp`, `/omnidesk`, `/gameboost`); `/adapter-kit` is what
 * adapters are written with, and `/vendors` lists the vendors as data.
 *
 * @module index
 */
export {
  createOrderMessaging,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_TOTAL_TIMEOUT_MS,
} from './facade.js';
export type {
  CallSettings,
  ConnectionEntry,
  ConnectionInfo,
  CreateOrderMessagingOptions,
  DownloadSettings,
  OrderMessaging,
} from './facade.js';
export type { AdapterOf } from './connection.js';
export type {
  AdapterContext,
  AnyAdapter,
  AttachmentStream,
  CallOptions,
  ClientOf,
  ClientResult,
  ClientTransport,
  ConnectionOptions,
  ConnectionSettings,
  ErrorHint,
  FetchFunction,
  HttpFailure,
  OrderMessagingAdapterV1,
  RawOf,
  RequestIssue,
  RetrySettings,
  RuntimeSettings,
  SentProbe,
  VendorOptionsOf,
} from './adapter.js';
export { ADAPTER_SPECIFICATION_VERSIONS } from './adapter.js';
export {
  AuthenticationError,
  ERROR_BRAND,
  ERROR_KINDS,
  InvalidOrderStateError,
  isOrderMessagingError,
  NetworkError,
  NotFoundError,
  OrderMessagingError,
  PermissionError,
  RateLimitedError,
  TimeoutError,
  UnsupportedOperationError,
  ValidationError,
  VendorServerError,
} from './errors.js';
export type {
  Delivery,
  ErrorKind,
  OrderMessagingErrorOptions,
  RateLimitedErrorOptions,
  ValidationErrorOptions,
  ValidationReason,
} from './errors.js';
export { AUDIENCES } from './model.js';
export type {
  AttachmentData,
  AttachmentLimits,
  Audience,
  AuthorKind,
  Capabilities,
  DownloadedAttachment,
  MessageAttachment,
  MessageAuthor,
  OrderMessage,
  OrderRef,
  OutgoingAttachment,
  SendOption,
  SendCost,
  SendRequest,
  SendResult,
  VendorName,
  VendorOptions,
} from './model.js';
export { DEFAULT_SYNC_OVERLAP_MS, syncKey } from './sync/keys.js';
export { deriveNeedsReply } from './sync/needs-reply.js';
export type {
  AuditOptions,
  AuditReport,
  ChangedOrder,
  ChangesRequest,
  InboxEntry,
  InboxOptions,
  NeedsReply,
  SyncCapability,
  SyncCursor,
  SyncEvent,
  SyncMode,
  SyncOptions,
  SyncOrder,
} from './sync/types.js';
export { comparableText } from './comparable-text.js';
export type {
  AttemptHookInfo,
  ErrorHookEvent,
  RequestHookEvent,
  RequestHooks,
  ResponseHookEvent,
} from './hooks.js';
export type { ReconcileSettings } from './reconcile.js';
export {
  ConfigurationError,
  type Logger,
  type LogFields,
  type LogLevel,
  type AcquireOptions,
  type RateLimiter,
  type RateLimitRuleSpec,
  type RateLimitSlot,
} from '@org/http-runtime';
