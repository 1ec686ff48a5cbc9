/**
 * What every part of the Omnidesk adapter shares: the connection's options, the per-connection
 * settings built from them once, and the one place a request's Omnidesk-only field is read.
 */
import type { OmnideskClient, OmnideskDomain, OmnideskTimelineEntry } from '@org/omnidesk-client';
import {
  clientOptionsOf,
  vendorOptionsOf,
  type AdapterContext,
  type ConnectionOptions,
  type OrderMessage,
  type OrderRef,
  type SendRequest,
} from '../../adapter-kit.js';

/**
 * An Omnidesk connection's options. The factory checks the ones only this adapter reads and
 * throws a `ConfigurationError` naming the first that is invalid.
 */
export interface OmnideskConnectionOptions extends ConnectionOptions {
  /** API key, sent in the query; its permissions (`MESSAGE_CREATE`, `TICKET_READ`) decide. */
  apiKey: string;
  /** Account subdomain (`acme` of `https://acme.omnidesk.com`); give this or `baseUrl`. */
  account?: string;
  /** Host of `account`: `omnidesk.com` (default) or `omnidesk.io`. */
  domain?: OmnideskDomain;
  /**
   * Channel `type` used when a request names none: a numeric channel id, `calllog` or
   * `contactform`, like a request's `channel`. Default `1` (e-mail).
   */
  defaultChannel?: string;
  /**
   * Channel `type` that creates an internal note in this account. No default: Omnidesk documents
   * the `type` values `1,3,5,7,8,9,10,12,13 or calllog or contactform` (docs.omnidesk.io, ticket
   * message) without saying that any of them makes a note, so none is guessed; it takes the form
   * of `defaultChannel`. Without it the connection has no internal notes
   * (`capabilities.internalNotes` is false and `internal: true` is a `ValidationError`).
   */
  noteChannel?: string;
  /**
   * Administrator user id to send as (`userID`, a whole number); Omnidesk credits "Agent
   * Anonymous" otherwise.
   */
  userId?: number;
  /**
   * Omnidesk timestamps carry no zone; minutes east of UTC of the account's clock, a whole number
   * from -720 to 840 (UTC-12:00 to UTC+14:00). Default 0 (UTC).
   */
  utcOffsetMinutes?: number;
}

/** A normalized Omnidesk message; `raw` is the ticket's timeline entry. */
export type OmnideskOrderMessage = OrderMessage<OmnideskTimelineEntry>;

export type Ctx = AdapterContext<OmnideskClient>;

/** A connection's settings, read from its options once by the factory. */
export interface OmnideskConfig {
  readonly options: OmnideskConnectionOptions;
  readonly defaultChannel: string;
  /** Undefined when the connection has no note channel, and so no internal notes. */
  readonly noteChannel: string | undefined;
  /** The account clock's offset from UTC, in milliseconds. */
  readonly offsetMs: number;
}

export function configOf(options: OmnideskConnectionOptions): OmnideskConfig {
  return {
    options,
    defaultChannel: options.defaultChannel ?? '1',
    noteChannel: options.noteChannel,
    offsetMs: (options.utcOffsetMinutes ?? 0) * 60_000,
  };
}

/** What `createOmnideskClient` takes, without the transport. */
export function clientOptionsFor(options: OmnideskConnectionOptions) {
  return {
    ...clientOptionsOf(options),
    apiKey: options.apiKey,
    ...(options.account === undefined ? {} : { account: options.account }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
  };
}

/** Options only Omnidesk understands, under `vendorOptions.omnidesk`. */
export interface OmnideskSendOptions {
  /** The channel `type` to send in (`1` = e-mail, `calllog`, `contactform`, ...). */
  channel?: string;
}
/** `vendorOptions` of an Omnidesk connection: only the `omnidesk` key compiles. */
export type OmnideskVendorOptions = {
  /** Omnidesk's own options. */
  omnidesk?: OmnideskSendOptions;
};

/** The request's Omnidesk-only option: the channel `type` to send in. */
export function omnideskOptionsOf(
  request: OrderRef<OmnideskVendorOptions> | SendRequest<OmnideskVendorOptions>,
): Partial<OmnideskSendOptions> {
  return vendorOptionsOf<OmnideskSendOptions>(request, 'omnidesk');
}
