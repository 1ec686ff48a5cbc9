import type { Client } from 'openapi-fetch';
import {
  assertNoApiSuffix,
  type AuthPlacement,
  bearer,
  type CommonClientOptions,
  ConfigurationError,
  createVendorClient,
} from '@org/http-runtime';
import type { components, paths } from './generated/schema.js';
import { operationsById, requestBodies } from './generated/operations.js';
import { PACKAGE_VERSION } from './version.js';

export type { components, operations, paths } from './generated/schema.js';
export { operationTable, operationsById, requestBodies } from './generated/operations.js';
export { PACKAGE_VERSION } from './version.js';

/**
 * Mirakl has no shared production host: every customer has its own instance.
 * This is the documented template; `miraklBaseUrl(instance)` fills it in.
 * Operation paths already start with `/api`, so the base URL is the bare origin.
 */
export const MIRAKL_BASE_URL = 'https://{instance}.mirakl.net';

const INSTANCE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

/**
 * `https://<instance>.mirakl.net` for an instance name such as `acme-prod`.
 *
 * @throws `ConfigurationError` when `instance` is not a host name label. The message never quotes
 * the value: a key or a URL with credentials put here by mistake must not be printed back.
 */
export function miraklBaseUrl(instance: string): string {
  if (typeof instance !== 'string' || !INSTANCE_NAME.test(instance)) {
    throw new ConfigurationError(
      'mirakl: instance must be a host name label such as "acme-prod", not a URL or a key',
    );
  }
  return MIRAKL_BASE_URL.replace('{instance}', instance);
}

/**
 * How the client authenticates. Both go in the `Authorization` header:
 * - `apiKey`: the raw key, with no `Bearer` prefix (seller API; deprecated on the front API);
 * - `bearer`: an OAuth 2.0 access token, sent as `Bearer <token>` (front API).
 */
export type MiraklAuth =
  | {
      /** Seller (shop) API: the key goes in `Authorization` as is. */
      type: 'apiKey';
      /** The shop's API key, from the Mirakl back office. */
      apiKey: string;
    }
  | {
      /** Front API: OAuth 2.0, sent as `Authorization: Bearer <token>`. */
      type: 'bearer';
      /** The OAuth 2.0 access token. */
      token: string;
    };

/**
 * Options of {@link createMiraklClient}: the credential, the instance (`instance` or `baseUrl`),
 * and the options every vendor client takes (`fetch`, `headers`, `userAgent`, `middleware`…).
 */
export interface MiraklClientOptions extends CommonClientOptions {
  /** The credential; see {@link MiraklAuth}. */
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

/**
 * An openapi-fetch client typed by Mirakl's messaging spec (M10–M13, OR42, OR43, M01): `GET`/`POST`
 * take the spec's paths and return `{ data, error, response }` without throwing on HTTP errors.
 */
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
    "mirakl: auth must be { type: 'apiKey', apiKey } or { type: 'bearer', token } (missing credential)",
  );
}

/**
 * A typed client for Mirakl's messaging API on `https://<instance>.mirakl.net` (or `baseUrl`). List
 * parameters such as `entity_id` are sent comma-joined, as Mirakl expects; with `shopId`, `shop_id`
 * is added to every request that does not set one. It only types and sends: no retries, rate
 * limiting or error normalisation (those are `@org/order-messaging`'s).
 *
 * @throws `ConfigurationError` (from `@org/http-runtime`) when `auth` is missing or blank, neither
 * `instance` nor `baseUrl` is given, `instance` is not a host name label, `baseUrl` ends in `/api`
 * or is not https, `shopId` is not a positive integer, or an option has the wrong type. The
 * message names the option, never its value.
 *
 * @example
 * ```ts
 * const mirakl = createMiraklClient({
 *   instance: 'acme-prod',
 *   auth: { type: 'apiKey', apiKey: process.env.MIRAKL_API_KEY! },
 * });
 * const { data, error } = await mirakl.GET('/api/inbox/threads', {
 *   params: { query: { entity_type: 'MMP_ORDER', entity_id: ['order1-A'], with_messages: true } },
 * });
 * if (error) throw new Error(`M11 failed: ${error.message}`);
 * for (const thread of data.data) console.log(thread.id, thread.topic?.value);
 * ```
 */
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
      operations: requestBodies,
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
export const MIRAKL_LIMITS = /* @__PURE__ */ (() =>
  // A pure call: a bundle that never reads the limits drops them, and the operation table too.
  ({
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
  }) as const)();

type Schemas = components['schemas'];

/** Mirakl's error body: `message`, and usually a numeric `status` (not documented). */
export type MiraklError = Schemas['Error'];
/** Kind of participant: `OPERATOR`, `SHOP` or `CUSTOMER`. */
export type MiraklParticipantType = Schemas['ParticipantType'];
/** Kind of thread topic: `FREE_TEXT` (the value is free text) or `REASON_CODE` (a reason code). */
export type MiraklThreadTopicType = Schemas['ThreadTopicType'];
/**
 * What a thread is linked to: `MMP_ORDER` (product orders), `MMP_OFFER`, `MPS_ORDER`, `MPS_SERVICE`
 * or `SELLER_OPERATOR`.
 */
export type MiraklThreadEntityType = Schemas['ThreadEntityType'];
/** A user who may join, or took part in, a thread. */
export type MiraklParticipant = Schemas['Participant'];
/**
 * The author of a message (`messages[].from`, `metadata.last_sender`); its organization is in
 * `organization_details`.
 */
export type MiraklSender = Schemas['Sender'];
/** An attachment of a thread message; download it with M13 by its `id`. */
export type MiraklThreadAttachment = Schemas['ThreadAttachment'];
/** A message of a thread: `id`, `body`, `date_created`, `from`, `to`, `attachments`. */
export type MiraklThreadMessage = Schemas['ThreadMessage'];
/** The topic of a thread, as Mirakl returns it. */
export type MiraklThreadTopic = Schemas['ThreadTopic'];
/** The topic of a new thread (OR43's `thread_input.topic`). */
export type MiraklThreadTopicInput = Schemas['ThreadTopicInput'];
/** An entity (order, offer, service…) a thread is linked to. */
export type MiraklThreadEntity = Schemas['ThreadEntity'];
/** The B2B customer organization of a thread. */
export type MiraklCustomerOrganization = Schemas['CustomerOrganization'];
/**
 * A thread's metadata: message count, last message date and sender, and `shop_reply_needed_since`.
 */
export type MiraklThreadMetadata = Schemas['ThreadMetadata'];
/**
 * A message thread (an M11 `data[]` item; M10's answer). `messages` is filled by M11 only with
 * `with_messages=true` (the last 100).
 */
export type MiraklThread = Schemas['Thread'];
/** A thread whose `messages` are present: M10's answer. */
export type MiraklThreadWithMessages = Schemas['ThreadWithMessages'];
/**
 * One page of M11: `data`, and `next_page_token` / `previous_page_token` when there is such a page.
 */
export type MiraklThreadList = Schemas['ThreadList'];
/** A recipient of an M12 reply (`id` is left out for the operator). */
export type MiraklRecipient = Schemas['Recipient'];
/** The `message_input` JSON part of M12. */
export type MiraklMessageInput = Schemas['MessageInput'];
/** The `thread_input` JSON part of OR43. */
export type MiraklThreadInput = Schemas['ThreadInput'];
/** OR43's answer: the new thread's and message's ids. */
export type MiraklThreadCreated = Schemas['ThreadCreated'];
/** M12's answer: the message's and thread's ids. */
export type MiraklThreadReplyCreated = Schemas['ThreadReplyCreated'];
/** The body of OR42 (deprecated order messages). */
export type MiraklOrderMessageCreate = Schemas['OrderMessageCreate'];
/** OR42's answer: the message id. */
export type MiraklMessageCreated = Schemas['MessageCreated'];
/** An M01 message (order or offer message, older API). */
export type MiraklLegacyMessage = Schemas['LegacyMessage'];
/** A document attached to an M01 message. */
export type MiraklLegacyMessageDocument = Schemas['LegacyMessageDocument'];
/** M01's answer: the messages and their total count. */
export type MiraklLegacyMessageList = Schemas['LegacyMessageList'];

/** M12 multipart body: `message_input` JSON part plus one `files` part per Blob/File. */
export type MiraklReplyToThreadBody =
  paths['/api/inbox/threads/{thread_id}/message']['post']['requestBody']['content']['multipart/form-data'];
/** OR43 multipart body: `thread_input` JSON part plus one `files` part per Blob/File. */
export type MiraklCreateOrderThreadBody =
  paths['/api/orders/{order_id}/threads']['post']['requestBody']['content']['multipart/form-data'];

export { listThreadPages, type MiraklListThreadsQuery } from './pages.js';
