/**
 * `@org/provider-sandbox`: local fakes of the Mirakl, SPP, Omnidesk and GameBoost
 * messaging APIs on one loopback HTTP server. Requests and responses are checked
 * against the vendors' specs; state is inspectable; faults and rate limits are
 * scriptable.
 *
 * ```ts
 * const sb = await startSandbox();
 * const client = createGameBoostClient({ baseUrl: sb.vendors.gameboost.baseUrl, token: sb.vendors.gameboost.token });
 * await client.POST('/v2/account-orders/{accountOrder}/messages', {
 *   params: { path: { accountOrder: sb.seed.gameboost.accountOrders.processing } },
 *   body: { message: 'Hello' },
 * });
 * sb.state.messages('gameboost', sb.seed.gameboost.accountOrders.processing);
 * await sb.close();
 * ```
 */
import { AdjustableClock, type SandboxClock } from './clock.js';
import { FaultBook, type FaultController } from './faults.js';
import { isLoopbackHost } from './loopback.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createSandboxServer, listen, originOf } from './server/http-server.js';
import { createRequestListener } from './server/listener.js';
import type { MountedVendor } from './server/routing.js';
import { defaultSpecsDir, loadSpec } from './spec/index.js';
import { Simulator, type SandboxSimulator } from './simulate.js';
import { SandboxState, type ResponseViolation, type SandboxStateView } from './state.js';
import type { AnyVendorModule } from './types.js';
import type { VendorName, VendorRegistry } from './vendors/index.js';
import { vendorModules } from './vendors/registry.js';
import {
  createSandboxWebhooks,
  type SandboxWebhooks,
  type WebhookTarget,
} from './webhooks/index.js';

export type { SandboxClock } from './clock.js';
export type { FaultBodyKind, FaultController, FaultRule } from './faults.js';
export type { CustomerMessageOptions, PopulateOptions, SandboxSimulator } from './simulate.js';
export type { BucketOverride, RateLimitOptions, VendorRateLimitOptions } from './rate-limit.js';
export type { RequestLogEntry, ResponseViolation, SandboxStateView } from './state.js';
export type { StoredMessage } from './types.js';
export type {
  GameBoostPurchase,
  SandboxWebhooks,
  WebhookAttempt,
  WebhookDelivery,
  WebhookTarget,
  WebhookVendor,
} from './webhooks/index.js';
export { sandboxCliEnv } from './env.js';
// The registry, with each vendor's public types and constants.
export * from './vendors/index.js';

/** Each vendor's base URL (give it to the vendor client as `baseUrl`) and credentials. */
export type SandboxVendors = {
  readonly [K in VendorName]: VendorRegistry[K]['credentials'] & {
    /** The fake's base URL, mount path included: give it to the client or adapter as `baseUrl`. */
    readonly baseUrl: string;
  };
};

/** Ids of the seeded orders, threads, tickets and users, per vendor. */
export type SandboxSeed = { readonly [K in VendorName]: ReturnType<VendorRegistry[K]['seedIds']> };

/** Options of {@link startSandbox}; every one has a default. */
export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default `127.0.0.1`; only loopback addresses are accepted (the credentials are public). */
  readonly host?: string;
  /**
   * Rate limits per vendor and bucket. By default each operation counts against the
   * buckets its spec's `x-rate-limit` names, with the limits and windows stated there
   * (GameBoost's `chat`, `reads`, `writes` and per-resource write buckets; the other
   * specs name none). `{ gameboost: { chat: { limit: 100 } } }` changes one,
   * `{ gameboost: false }` or `false` switches them off; a bucket the spec does not name
   * covers every operation (`{ spp: { all: { limit: 10, windowMs: 1000 } } }`).
   */
  readonly rateLimits?: RateLimitOptions;
  /** Check every response against the spec and record problems in `responseViolations` (default true). */
  readonly validateResponses?: boolean;
  /** Called with each response violation as it happens (the CLI prints them). */
  readonly onViolation?: (violation: ResponseViolation) => void;
  /** Where `<vendor>.yaml` specs are; default `dist/specs` of the package, else the repository's `specs/`. */
  readonly specsDir?: string;
  /**
   * Clock for timestamps and rate-limit windows (tests pass a fake one); `sb.clock` moves it
   * further (`set`, `advance`).
   */
  readonly clock?: () => Date;
  /** Largest request body accepted (default 64 MiB, above Mirakl's `x-limits.maxMessageBytes`). */
  readonly maxBodyBytes?: number;
  /** Receivers of signed vendor webhooks (GameBoost); more with `sandbox.webhooks.register`. */
  readonly webhooks?: readonly WebhookTarget[];
}

/**
 * A running sandbox: where each vendor's fake is, its seeded ids, and handles on its state, faults,
 * rate limits, clock and webhooks.
 */
export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The port it listens on (the ephemeral one picked when `port` was 0). */
  readonly port: number;
  /**
   * Per vendor: its `baseUrl` (give it to the client or adapter) and its public test credentials.
   */
  readonly vendors: SandboxVendors;
  /** Per vendor: the ids of the seeded orders, threads, tickets and users. */
  readonly seed: SandboxSeed;
  /** One `curl` command per vendor that works against the seeded data. */
  readonly examples: Readonly<Record<VendorName, string>>;
  /** What the fakes hold: stored messages, the request log, each vendor's raw state. */
  readonly state: SandboxStateView;
  /** Scripted faults: errors, drops, slow or padded answers for chosen operations. */
  readonly faults: FaultController;
  /** Signed webhooks to registered receivers, and the events that trigger them. */
  readonly webhooks: SandboxWebhooks;
  /** The sandbox's time: stop it, move it forward (`sb.clock.advance(60_000)`). Kept across `reset()`. */
  readonly clock: SandboxClock;
  /** Customer messages and bulk data, straight into the vendors' state. */
  readonly simulate: SandboxSimulator;
  /** Responses that did not match the spec (a sandbox bug if not empty). Kept across `reset()`. */
  readonly responseViolations: readonly ResponseViolation[];
  /** Back to the seeded state: messages, request log, faults, rate-limit windows and webhook deliveries. */
  reset(): void;
  /** Stops the server, closing open connections; later calls return the same promise. */
  close(): Promise<void>;
}

/**
 * Every operation of a vendor's spec must have a handler: a spec that grows an operation the
 * sandbox does not serve fails when the sandbox starts, not as a 501 in the middle of a test.
 */
function mountVendors(modules: readonly AnyVendorModule[], specsDir: string): MountedVendor[] {
  return modules.map((module) => {
    const spec = loadSpec(module.name, specsDir);
    const unserved = spec.operations
      .map((operation) => operation.operationId)
      .filter((operationId) => !module.handlers[operationId]);
    if (unserved.length > 0) {
      throw new Error(
        `provider-sandbox: ${module.name}: no handler for ${unserved.join(', ')} (every operation of specs/${module.name}.yaml needs one)`,
      );
    }
    return { module, spec, mountPath: `/${module.name}${spec.serverPath}` };
  });
}

/** Fault rules must name a mounted vendor and one of its operations, so a typo fails loudly. */
function faultTargetProblem(mounted: readonly MountedVendor[]) {
  return (vendor: string, operationId: string | undefined): string | undefined => {
    const target = mounted.find((m) => m.module.name === vendor);
    if (!target)
      return `unknown vendor "${vendor}" (known: ${mounted.map((m) => m.module.name).join(', ')})`;
    if (operationId !== undefined && !target.spec.operation(operationId)) {
      return `unknown operationId "${operationId}" for ${vendor} (known: ${target.spec.operations.map((o) => o.operationId).join(', ')})`;
    }
    return undefined;
  };
}

function describeVendors(
  mounted: readonly MountedVendor[],
  state: SandboxState,
  origin: string,
): Pick<Sandbox, 'vendors' | 'seed' | 'examples'> {
  const vendors = Object.fromEntries(
    mounted.map((m) => [
      m.module.name,
      { ...m.module.credentials, baseUrl: `${origin}${m.mountPath}` },
    ]),
  ) as unknown as SandboxVendors;
  const seed = Object.fromEntries(
    mounted.map((m) => [m.module.name, m.module.seedIds(state.vendorState(m.module.name))]),
  ) as unknown as SandboxSeed;
  const examples = Object.fromEntries(
    mounted.map((m) => [
      m.module.name,
      m.module.example?.(`${origin}${m.mountPath}`, seed[m.module.name as VendorName]) ?? '',
    ]),
  ) as Record<VendorName, string>;
  return { vendors, seed, examples };
}

/**
 * Starts the fakes of every vendor on one loopback HTTP server (an ephemeral port by default),
 * seeded with orders, threads, tickets and messages. Requests and responses are checked against the
 * vendors' specs; `close()` stops it.
 *
 * @throws `Error` for a non-loopback `host` (the credentials are public), or when a vendor's spec
 * has an operation the sandbox has no handler for.
 *
 * @example
 * ```ts
 * import { startSandbox } from '@org/provider-sandbox';
 * import { createGameBoostClient } from '@org/gameboost-client';
 *
 * const sb = await startSandbox();
 * const { baseUrl, token } = sb.vendors.gameboost;
 * const order = sb.seed.gameboost.accountOrders.processing;
 * await createGameBoostClient({ baseUrl, token }).POST('/v2/account-orders/{accountOrder}/messages', {
 *   params: { path: { accountOrder: order } },
 *   body: { message: 'Delivered!' },
 * });
 * sb.state.messages('gameboost', order).at(-1)?.text; // 'Delivered!'
 * await sb.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new Error(
      `The sandbox listens on loopback addresses only (its credentials are public); got host "${host}"`,
    );
  }
  const adjustable = new AdjustableClock(options.clock ?? (() => new Date()));
  const clock = () => adjustable.now();
  const modules: AnyVendorModule[] = Object.values(vendorModules);
  const mounted = mountVendors(modules, options.specsDir ?? defaultSpecsDir());
  const state = new SandboxState(mounted, clock);
  const faults = new FaultBook(faultTargetProblem(mounted));
  const rateLimiter = new RateLimiter(options.rateLimits, clock);
  const violations: ResponseViolation[] = [];
  const webhooks = createSandboxWebhooks(options.webhooks ?? [], state, clock);
  let origin = '';
  const server = createSandboxServer(
    createRequestListener({
      vendors: mounted,
      state,
      faults,
      rateLimiter,
      validateResponses: options.validateResponses ?? true,
      violations,
      ...(options.onViolation ? { onViolation: options.onViolation } : {}),
      clock,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
      origin: () => origin,
    }),
  );
  const address = await listen(server, options.port ?? 0, host);
  origin = originOf(address);

  let closed: Promise<void> | undefined;
  return {
    url: origin,
    port: address.port,
    ...describeVendors(mounted, state, origin),
    state,
    faults,
    webhooks,
    clock: adjustable,
    simulate: new Simulator(state, new Map(modules.map((m) => [m.name, m])), clock),
    responseViolations: violations,
    reset() {
      state.reseed();
      webhooks.clearDeliveries();
      faults.clear();
      rateLimiter.reset();
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
