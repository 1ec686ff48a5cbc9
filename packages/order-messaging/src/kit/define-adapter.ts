/**
 * `defineAdapter`: what every adapter repeats, written once. It stamps the specification
 * version, defaults the declared rate limits to none, finds sent messages by listing when the
 * capabilities say so, and seals the result: printable without credentials (they stay in the
 * factory's closure) and frozen, so one connection cannot alter another's adapter.
 */
import type { RateLimitRuleSpec } from '@org/http-runtime';
import type { AdapterContext, OrderMessagingAdapterV1, SentProbe } from '../adapter.js';
import type { VendorName, VendorOptions } from '../model.js';
import { findInListing } from '../reconcile.js';

/**
 * An adapter's own parts; `defineAdapter` adds the rest: the specification version, no declared
 * rate limits by default (429s still honoured), and `findSent` from `list` when
 * `capabilities.reconcile` is `'by-listing'`.
 */
export type AdapterDefinition<
  Client,
  Raw,
  Vendor extends VendorName = VendorName,
  Options extends object = VendorOptions,
> = Omit<
  OrderMessagingAdapterV1<Client, Raw, Options>,
  'specificationVersion' | 'vendor' | 'rateLimits'
> & {
  /** The vendor's name, as a literal type (`'acme-desk'`): connections are typed by it. */
  readonly vendor: Vendor;
  /** The vendor's documented limits per credential (default none; 429s are still honoured). */
  readonly rateLimits?: Readonly<Record<string, RateLimitRuleSpec>>;
};

/** What `defineAdapter` returns: a frozen {@link OrderMessagingAdapterV1} whose `vendor` keeps its literal type. */
export type DefinedAdapter<
  Client,
  Raw,
  Vendor extends VendorName,
  Options extends object = VendorOptions,
> = OrderMessagingAdapterV1<Client, Raw, Options> & {
  /** The vendor's name, as a literal type. */
  readonly vendor: Vendor;
};

/**
 * Builds an adapter from its own parts: stamps `specificationVersion: 'v1'`, defaults `rateLimits`
 * to none, derives `findSent` from `list` when `capabilities.reconcile` is `'by-listing'`, and
 * seals the result (frozen; `inspect` and `JSON.stringify` show the vendor, never the credentials,
 * which stay in the factory's closure).
 *
 * @example
 * ```ts
 * import { defineAdapter } from '@org/order-messaging/adapter-kit';
 *
 * export function acmeDesk(options: { baseUrl: string; apiKey: string }) {
 *   return defineAdapter({
 *     vendor: 'acme-desk',
 *     capabilities, // what the vendor can do, as data
 *     createClient: (transport) => createAcmeClient(options, transport), // every request via transport.fetch
 *     secrets: () => [options.apiKey], // scrubbed from errors and logs
 *     async send(request, ctx) {
 *       const { data } = await ctx.call('add note', () => ctx.client.addNote(request.orderId, request.text), {
 *         write: true, // decides `delivery` when the answer is lost
 *       });
 *       return normalize(data, request.orderId, ctx);
 *     },
 *     async *list(ref, ctx) {
 *       const { data } = await ctx.call('list notes', () => ctx.client.notes(ref.orderId));
 *       for (const note of data) yield normalize(note, ref.orderId, ctx);
 *     },
 *   });
 * }
 * ```
 */
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
