/**
 * What every part of the Mirakl adapter shares: the connection's options, the per-connection
 * settings built from them once, and the one place a request's Mirakl-only fields are read.
 */
import type { MiraklAuth, MiraklClient, MiraklThreadMessage } from '@org/mirakl-client';
import {
  clientOptionsOf,
  vendorOptionsOf,
  type AdapterContext,
  type Audience,
  type AuthorKind,
  type ConnectionOptions,
  type OrderMessage,
  type OrderRef,
  type SendRequest,
} from '../../adapter-kit.js';
import { DEFAULT_THREAD_CACHE_SIZE, ThreadCache } from './thread-cache.js';

/**
 * A Mirakl connection's options. The factory checks the ones only this adapter reads and throws a
 * `ConfigurationError` naming the first that is out of range.
 */
export interface MiraklConnectionOptions extends ConnectionOptions {
  /**
   * The shop API key (`{ type: 'apiKey', apiKey }`) or an OAuth bearer token
   * (`{ type: 'bearer', token }`).
   */
  auth: MiraklAuth;
  /** Instance name (`acme` of `https://acme.mirakl.net`); give this or `baseUrl`. */
  instance?: string;
  /** Seller API: act as this shop when the key reaches several. */
  shopId?: number;
  /** Which side this connection writes as, for the author of sent messages. Default `seller` (shop API). */
  actingAs?: 'seller' | 'operator';
  /** Audience when a request gives none: a non-empty list. Default `['customer']`. */
  defaultAudience?: readonly Audience[];
  /** Threads per M11 page (Mirakl's default 50): a whole number, at least M11's `limit` minimum. */
  pageSize?: number;
  /**
   * Orders whose reply thread this connection remembers, so a send to one of them is a single
   * M12 (default 1000; 0 looks every order up with M11 before posting). A whole number.
   */
  threadCacheSize?: number;
}

/** A normalized Mirakl message; `raw` is the thread message as Mirakl returned it. */
export type MiraklOrderMessage = OrderMessage<MiraklThreadMessage>;

export type Ctx = AdapterContext<MiraklClient>;

/** A connection's settings, read from its options once by the factory. */
export interface MiraklConfig {
  readonly actingAs: AuthorKind;
  readonly defaultAudience: readonly Audience[];
  /** Threads per M11 page; absent: Mirakl's default. */
  readonly pageSize: number | undefined;
  /** The thread each recently written order was replied in (per connection). */
  readonly threads: ThreadCache;
}

export function configOf(options: MiraklConnectionOptions): MiraklConfig {
  return {
    actingAs: options.actingAs ?? 'seller',
    defaultAudience: options.defaultAudience ?? ['customer'],
    pageSize: options.pageSize,
    threads: new ThreadCache(options.threadCacheSize ?? DEFAULT_THREAD_CACHE_SIZE),
  };
}

/** What `createMiraklClient` takes, without the transport. */
export function clientOptionsFor(options: MiraklConnectionOptions) {
  return {
    ...clientOptionsOf(options),
    auth: options.auth,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    ...(options.shopId === undefined ? {} : { shopId: options.shopId }),
  };
}

/** The credential this connection sends, for scrubbing. */
export function secretOf(options: MiraklConnectionOptions): string | undefined {
  return options.auth?.type === 'apiKey' ? options.auth.apiKey : options.auth?.token;
}

/** Options only Mirakl understands, under `vendorOptions.mirakl`. */
export interface MiraklSendOptions {
  /** Topic (FREE_TEXT) of a new thread; default `Order <orderId>`. */
  subject?: string;
  /** Reply in this thread instead of the order's most recent one. */
  threadId?: string;
  /**
   * Read the stored message back with M10 (the whole thread, up to 1,000 messages) and return
   * Mirakl's copy: its `date_created`, author and attachment ids. `false` never reads back;
   * absent reads back only a message with attachments, whose ids exist only in the stored copy.
   */
  readBack?: boolean;
}
/** `vendorOptions` of a Mirakl connection: only the `mirakl` key compiles. */
export type MiraklVendorOptions = {
  /** Mirakl's own options. */
  mirakl?: MiraklSendOptions;
};

/** The request's Mirakl-only options: a new thread's topic, and the thread to reply in. */
export function miraklOptionsOf(
  request: OrderRef<MiraklVendorOptions> | SendRequest<MiraklVendorOptions>,
): Partial<MiraklSendOptions> {
  return vendorOptionsOf<MiraklSendOptions>(request, 'mirakl');
}
