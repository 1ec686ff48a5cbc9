import type { Client } from 'openapi-fetch';
import {
  assertNoApiSuffix,
  bearer,
  ConfigurationError,
  createVendorClient,
  type AuthPlacement,
  type CommonClientOptions,
} from '@org/http-runtime';
import type { components, paths } from './generated/schema.js';
import { operationsById, operationTable } from './generated/operations.js';
import { PACKAGE_VERSION } from './version.js';

export type { components, operations, paths } from './generated/schema.js';
export { operationTable, operationsById } from './generated/operations.js';
export { PACKAGE_VERSION } from './version.js';

/**
 * Mirakl has no shared production host: every customer has its own instance.
 * This is the documented template; `miraklBaseUrl(instance)` fills it in.
 * Operation paths already start with `/api`, so the base URL is the bare origin.
 */
export const MIRAKL_BASE_URL = 'https://{instance}.mirakl.net';

const INSTANCE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

/** `https://<instance>.mirakl.net` for an instance name such as `acme-prod`. */
export function miraklBaseUrl(instance: string): string {
  if (typeof instance !== 'string' || !INSTANCE_NAME.test(instance)) {
    throw new ConfigurationError(
      `mirakl: instance must be a host name label such as "acme-prod" (got ${JSON.stringify(instance)})`,
    );
  }
  return MIRAKL_BASE_URL.replace('{instance}', instance);
}

/**
 * How the client authenticates. Both go in the `Authorization` header:
 * - `apiKey`: the raw key, with no `Bearer` prefix (seller API; deprecated on the front API);
 * - `bearer`: an OAuth 2.0 access token, sent as `Bearer <token>` (front API).
 */
export type MiraklAuth = { type: 'apiKey'; apiKey: string } | { type: 'bearer'; token: string };

export interface MiraklClientOptions extends CommonClientOptions {
  auth: MiraklAuth;
  /**
   * Instance name, the `acme-prod` of `https://acme-prod.mirakl.net`. Give this or `baseUrl`
   * (`baseUrl` wins, for custom domains and the sandbox). `baseUrl` is the origin without `/api`.
   */
  instance?: string;
  /**
   * Seller (shop) API only: sent as `shop_id` on every request that does not set it itself,
   * for users who can act as several shops (Mirakl's SDK does the same). Leave it out on the
   * front API.
   */
  shopId?: number;
}

export type MiraklClient = Client<paths>;

function authPlacement(auth: MiraklAuth | undefined): AuthPlacement {
  if (auth?.type === 'apiKey') {
    // The key is the whole header value; the runtime rejects a blank one.
    return {
      in: 'header',
      name: 'Authorization',
      value: auth.apiKey,
      secret: auth.apiKey,
      option: 'auth.apiKey',
    };
  }
  if (auth?.type === 'bearer') return bearer(auth.token, 'auth.token');
  throw new ConfigurationError(
    "mirakl: missing credential (auth: { type: 'apiKey', apiKey } or { type: 'bearer', token })",
  );
}

export function createMiraklClient(options: MiraklClientOptions): MiraklClient {
  const { auth, instance, shopId, ...common } = options;
  const placement = authPlacement(auth);
  let baseUrl = common.baseUrl;
  if (baseUrl === undefined) {
    if (instance === undefined) {
      throw new ConfigurationError('mirakl: give either baseUrl or instance');
    }
    baseUrl = miraklBaseUrl(instance);
  } else {
    assertNoApiSuffix('mirakl', baseUrl, 'https://acme-prod.mirakl.net');
  }
  if (shopId !== undefined && !(Number.isSafeInteger(shopId) && shopId > 0)) {
    throw new ConfigurationError('mirakl: shopId must be a positive integer');
  }
  return createVendorClient<paths>(
    {
      vendor: 'mirakl',
      packageName: '@org/mirakl-client',
      packageVersion: PACKAGE_VERSION,
      operations: operationTable,
      // entity_id and channel_codes are sent comma-joined in one parameter (entity_id=a,b).
      querySerializer: { array: { style: 'form', explode: false } },
    },
    {
      ...common,
      baseUrl,
      // Like Mirakl's own SDK: act as this shop unless a call names another.
      ...(shopId === undefined ? {} : { defaultQuery: { shop_id: shopId } }),
    },
    [placement],
  );
}

/**
 * The file name of an M13 download, from its `Content-Disposition` header
 * (`filename*` per RFC 6266/5987 preferred over `filename`).
 */
export function contentDispositionFileName(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]!.trim().replace(/^"|"$/g, ''));
    } catch {
      // A malformed extended value falls back to the plain parameter.
    }
  }
  const quoted = /filename\s*=\s*"((?:\\.|[^"\\])*)"/i.exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return bare ? bare[1] : undefined;
}

/**
 * Documented limits (spec `x-limits`), read from the operation table (`operationsById`).
 * `maxMessageBytes` is documented for OR43 and inferred for M12; `maxAttachmentsPerEntity` is
 * documented for M12 only.
 */
export const MIRAKL_LIMITS = {
  /** M12, OR42: messages on one thread. */
  maxMessagesPerThread: operationsById.replyToThread.limits.maxMessagesPerThread,
  /** OR43 (and, inferred, M12): bytes per message, attachments included. */
  maxMessageBytes: operationsById.createOrderThread.limits.maxMessageBytes,
  /** M12: attachments across all threads of the same entity (for example an order). */
  maxAttachmentsPerEntity: operationsById.replyToThread.limits.maxAttachmentsPerEntity,
  /** M11 `with_messages=true`: only the last messages of each thread are returned. */
  withMessagesMaxMessagesPerThread:
    operationsById.listThreads.limits.withMessagesMaxMessagesPerThread,
  /** M11 default `limit`. */
  defaultThreadPageSize: operationsById.listThreads.limits.defaultPageSize,
} as const;

type Schemas = components['schemas'];

export type MiraklError = Schemas['Error'];
export type MiraklParticipantType = Schemas['ParticipantType'];
export type MiraklThreadTopicType = Schemas['ThreadTopicType'];
export type MiraklThreadEntityType = Schemas['ThreadEntityType'];
export type MiraklParticipant = Schemas['Participant'];
export type MiraklSender = Schemas['Sender'];
export type MiraklThreadAttachment = Schemas['ThreadAttachment'];
export type MiraklThreadMessage = Schemas['ThreadMessage'];
export type MiraklThreadTopic = Schemas['ThreadTopic'];
export type MiraklThreadTopicInput = Schemas['ThreadTopicInput'];
export type MiraklThreadEntity = Schemas['ThreadEntity'];
export type MiraklCustomerOrganization = Schemas['CustomerOrganization'];
export type MiraklThreadMetadata = Schemas['ThreadMetadata'];
export type MiraklThread = Schemas['Thread'];
export type MiraklThreadWithMessages = Schemas['ThreadWithMessages'];
export type MiraklThreadList = Schemas['ThreadList'];
export type MiraklRecipient = Schemas['Recipient'];
export type MiraklMessageInput = Schemas['MessageInput'];
export type MiraklThreadInput = Schemas['ThreadInput'];
export type MiraklThreadCreated = Schemas['ThreadCreated'];
export type MiraklThreadReplyCreated = Schemas['ThreadReplyCreated'];
export type MiraklOrderMessageCreate = Schemas['OrderMessageCreate'];
export type MiraklMessageCreated = Schemas['MessageCreated'];
export type MiraklLegacyMessage = Schemas['LegacyMessage'];
export type MiraklLegacyMessageDocument = Schemas['LegacyMessageDocument'];
export type MiraklLegacyMessageList = Schemas['LegacyMessageList'];

/** M12 multipart body: `message_input` JSON part plus one `files` part per Blob/File. */
export type MiraklReplyToThreadBody =
  paths['/api/inbox/threads/{thread_id}/message']['post']['requestBody']['content']['multipart/form-data'];
/** OR43 multipart body: `thread_input` JSON part plus one `files` part per Blob/File. */
export type MiraklCreateOrderThreadBody =
  paths['/api/orders/{order_id}/threads']['post']['requestBody']['content']['multipart/form-data'];

export { listThreadPages, type MiraklListThreadsQuery } from './pages.js';
