/**
 * What one `send` is on the wire, per registered vendor, so that every tier of a benchmark
 * (raw fetch, raw undici, bare openapi-fetch, the vendor client, the facade) makes the same
 * HTTP requests and only the code around them differs. The requests are written out by hand,
 * one file per vendor in `wire/<name>.ts`; the facade's connection comes from the vendor's
 * descriptor. test/plans.test.ts checks the hand-written requests against the ones the facade
 * really makes, so a change in an adapter shows up as a failing test rather than as a silently
 * unfair comparison.
 */
import type { ConnectionEntry, RateLimitRuleSpec, RetrySettings } from '@org/order-messaging';
import {
  VENDORS,
  type AnyVendorDescriptor,
  type RegisteredVendorName,
} from '@org/order-messaging/vendors';
import type { SandboxSeed, SandboxVendors } from '@org/provider-sandbox';

export type Vendor = RegisteredVendorName;
/** The registered vendors, in registry order. */
export const VENDOR_NAMES: readonly Vendor[] = VENDORS.map((descriptor) => descriptor.name);

/** What a benchmark needs to know about a running sandbox; plain data, so it crosses process boundaries. */
export interface SandboxInfo {
  readonly url: string;
  readonly vendors: SandboxVendors;
  readonly seed: SandboxSeed;
}

export type FetchLike = (request: Request) => Promise<Response>;

/** A multipart field: objects and arrays go out as one `application/json` part. */
export type FormValue = string | number | boolean | Record<string, unknown> | unknown[];

export interface PlannedCall {
  readonly method: 'GET' | 'POST';
  /** The spec's path template, e.g. `/api/inbox/threads/{thread_id}/message`. */
  readonly path: string;
  readonly pathParams?: Readonly<Record<string, string | number>>;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly json?: unknown;
  readonly multipart?: Readonly<Record<string, FormValue>>;
}

export interface ConnectionExtras {
  fetch?: FetchLike;
  rateLimits?: Readonly<Record<string, RateLimitRuleSpec>> | false;
  retry?: RetrySettings;
}

/** Minimal view of an openapi-fetch client, for calling any vendor's client from one executor. */
export type AnyOpenApiClient = Record<
  'GET' | 'POST',
  (
    path: string,
    init?: Record<string, unknown>,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
>;

export interface VendorPlan {
  readonly vendor: Vendor;
  readonly baseUrl: string;
  /** Sent on every request: credentials and vendor defaults (what the vendor client adds). */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The order (ticket) every benchmark message goes to. */
  readonly orderId: string;
  /**
   * The HTTP requests the facade's `send` makes for one message, in order, once the connection
   * has sent to the order before (a first send may look the order up: see history.ts).
   */
  sendCalls(text: string): PlannedCall[];
  /** Index of the write among `sendCalls` (the "one POST" of the single-call tiers). */
  readonly writeIndex: number;
  /** The vendor's adapter with the connection settings in `extras`. */
  connection(extras?: ConnectionExtras): ConnectionEntry;
  client(fetch?: FetchLike): AnyOpenApiClient;
}

/** The hand-written part of a plan: `wire/<vendor>.ts` exports a function returning it. */
export type Wire = Omit<VendorPlan, 'vendor' | 'connection'>;

export function asAnyClient(client: unknown): AnyOpenApiClient {
  return client as AnyOpenApiClient;
}

async function loadWire(descriptor: AnyVendorDescriptor): Promise<(sandbox: SandboxInfo) => Wire> {
  const file = `./wire/${descriptor.name}.js`;
  try {
    return ((await import(/* @vite-ignore */ file)) as { default: (sandbox: SandboxInfo) => Wire })
      .default;
  } catch (error) {
    throw new Error(
      `no benchmark wire plan for the registered vendor "${descriptor.name}": add examples/bench/src/wire/${descriptor.name}.ts`,
      { cause: error },
    );
  }
}

/** The facade's connection to the vendor's fake, as the vendor's descriptor builds it. */
function connectionOf(descriptor: AnyVendorDescriptor, sandbox: SandboxInfo) {
  const entries = sandbox.vendors as unknown as Readonly<Record<string, Record<string, unknown>>>;
  const access = entries[descriptor.name];
  if (!access) throw new Error(`the sandbox has no fake of ${descriptor.title}`);
  const options = descriptor.toOptions(descriptor.sandbox.settings(access)) as object;
  return (extras: ConnectionExtras = {}): ConnectionEntry => ({
    adapter: descriptor.createAdapter(options),
    ...extras,
  });
}

/** Every registered vendor's plan, keyed by name, in registry order. */
export async function vendorPlans(sandbox: SandboxInfo): Promise<Record<Vendor, VendorPlan>> {
  const descriptors: readonly AnyVendorDescriptor[] = VENDORS;
  const plans = await Promise.all(
    descriptors.map(async (descriptor): Promise<[string, VendorPlan]> => {
      const wire = (await loadWire(descriptor))(sandbox);
      const plan = { vendor: descriptor.name as Vendor, ...wire };
      return [descriptor.name, { ...plan, connection: connectionOf(descriptor, sandbox) }];
    }),
  );
  return Object.fromEntries(plans) as Record<Vendor, VendorPlan>;
}
