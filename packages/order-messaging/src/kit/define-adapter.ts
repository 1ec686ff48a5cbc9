/**
 * `defineAdapter`: what every adapter repeats, written once. It stamps the specification
 * version, defaults the declared rate limits to none, finds sent messages by listing when the
 * capabilities say so, and seals the result: printable without credentials (they stay in the
 * factory's closure) and frozen, so one connection cannot alter another's adapter.
 */
import type { RateLimitRuleSpec } from '@org/http-runtime';
import type {
  AdapterContext,
  AttachmentStream,
  ClientTransport,
  ErrorHint,
  HttpFailure,
  OrderMessagingAdapterV1,
  RequestIssue,
  SentProbe,
} from '../adapter.js';
import type {
  Capabilities,
  OrderMessage,
  OrderRef,
  SendRequest,
  VendorName,
  VendorOptions,
} from '../model.js';
import { findInListing } from '../reconcile.js';

/** An adapter's own parts; `defineAdapter` adds the rest. */
export interface AdapterDefinition<
  Client,
  Raw,
  Vendor extends VendorName = VendorName,
  Options extends object = VendorOptions,
> {
  readonly vendor: Vendor;
  readonly capabilities: Capabilities;
  /** Limits the vendor documents, enforced before sending. Default: none (429s still honoured). */
  readonly rateLimits?: Readonly<Record<string, RateLimitRuleSpec>>;
  /** Response headers carrying the vendor's request id. */
  readonly requestIdHeaders?: readonly string[];
  createClient(transport: ClientTransport): Client;
  /** The credentials this connection sends, for scrubbing. */
  secrets(): readonly string[];
  validate?(
    request: OrderRef<Options> | SendRequest<Options>,
    operation: 'send' | 'list',
  ): RequestIssue[];
  send(request: SendRequest<Options>, ctx: AdapterContext<Client>): Promise<OrderMessage<Raw>>;
  list(ref: OrderRef<Options>, ctx: AdapterContext<Client>): AsyncIterable<OrderMessage<Raw>>;
  /** Default with `capabilities.reconcile: 'by-listing'`: the newest match in `list`. */
  findSent?(
    probe: SentProbe<Options>,
    ctx: AdapterContext<Client>,
  ): Promise<OrderMessage<Raw> | undefined>;
  mapError?(failure: HttpFailure): ErrorHint | undefined;
  downloadAttachment?(attachmentId: string, ctx: AdapterContext<Client>): Promise<AttachmentStream>;
}

export type DefinedAdapter<
  Client,
  Raw,
  Vendor extends VendorName,
  Options extends object = VendorOptions,
> = OrderMessagingAdapterV1<Client, Raw, Options> & { readonly vendor: Vendor };

export function defineAdapter<
  Client,
  Raw,
  const Vendor extends VendorName,
  Options extends object = VendorOptions,
>(
  definition: AdapterDefinition<Client, Raw, Vendor, Options>,
): DefinedAdapter<Client, Raw, Vendor, Options> {
  const { vendor, capabilities, list } = definition;
  const byListing =
    definition.findSent === undefined && capabilities.reconcile === 'by-listing'
      ? (probe: SentProbe<Options>, ctx: AdapterContext<Client>) =>
          findInListing(list(probe.request, ctx), probe)
      : definition.findSent;
  const adapter: DefinedAdapter<Client, Raw, Vendor, Options> = {
    ...definition,
    specificationVersion: 'v1',
    rateLimits: definition.rateLimits ?? {},
    ...(byListing ? { findSent: byListing } : {}),
  };
  Object.defineProperty(adapter, 'toJSON', {
    value: () => ({ specificationVersion: 'v1', vendor }),
    enumerable: false,
  });
  Object.defineProperty(adapter, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `OrderMessagingAdapter(${vendor})`,
    enumerable: false,
  });
  return Object.freeze(adapter);
}
