/**
 * `@org/order-messaging/adapter-kit`: what an adapter is written with. The built-in adapters
 * use this entry and nothing else of the facade, so an adapter written outside this
 * repository has every tool they have.
 *
 * @module
 */
export {
  defineAdapter,
  type AdapterDefinition,
  type DefinedAdapter,
} from './kit/define-adapter.js';
export {
  clientOptionsOf,
  fileNameFromUrl,
  isoDate,
  isRecord,
  MAX_PAGES,
  standInId,
  stringId,
  unixSecondsDate,
} from './kit/values.js';
export {
  adapterFromSettings,
  checkSettings,
  defineVendor,
  integerSetting,
  secretValues,
  settingEnv,
  settingFlag,
  settingOption,
  stringSetting,
  type AnyVendorDescriptor,
  type ConnectionSetting,
  type SandboxWiring,
  type SettingProblem,
  type SettingRequirement,
  type SettingValue,
  type SettingValues,
  type VendorDescriptor,
} from './vendor-descriptor.js';
/** Reconciliation: whether a listed message is the one an ambiguous send stored. */
export { comparableText, pickSent } from './comparable-text.js';
/**
 * `comparableText` with the entity decoder loaded on first use: an adapter that compares texts
 * on its own paths keeps the decoder (~15 kB gzipped) out of an application's initial chunk.
 */
export { loadComparableText, sentMatcher, type TextComparer } from './text-compare.js';
export { findInListing } from './reconcile.js';
/** Reading vendors' error bodies: the message, and the field a validation error blames. */
export { firstFieldError, vendorMessage } from './error-mapping.js';
/** A request's options for one vendor (`vendorOptions.<vendor>`). */
export { vendorOptionsOf } from './vendor-options.js';
/** Request checks: ids, and attachments as the vendor clients take them. */
export { attachmentFile, checkId, codePointLength } from './validation.js';
/** Checks of an adapter's own connection options, run by its factory (ConfigurationError). */
export {
  checkChoice,
  checkChoices,
  checkString,
  checkWholeNumber,
  type WholeNumberRange,
} from './kit/option-checks.js';
export {
  ERROR_KINDS,
  isOrderMessagingError,
  NotFoundError,
  OrderMessagingError,
  UnsupportedOperationError,
  ValidationError,
  type Delivery,
  type ErrorKind,
} from './errors.js';
export type {
  AdapterContext,
  AnyAdapter,
  AttachmentStream,
  CallOptions,
  ClientResult,
  ClientTransport,
  ConnectionOptions,
  ErrorHint,
  FetchFunction,
  HttpFailure,
  OrderMessagingAdapterV1,
  RequestIssue,
  SentProbe,
  VendorOptionsOf,
} from './adapter.js';
/** Sync: what `changedOrders` takes and reports, and the "needs reply" rule for vendors without a field. */
export type {
  ChangedOrder,
  ChangesRequest,
  NeedsReply,
  SyncCapability,
  SyncMode,
} from './sync/types.js';
export { deriveNeedsReply } from './sync/needs-reply.js';
export type {
  Audience,
  AuthorKind,
  Capabilities,
  MessageAttachment,
  OrderMessage,
  OrderRef,
  OutgoingAttachment,
  SendCost,
  SendRequest,
  VendorName,
  VendorOptions,
} from './model.js';
