import {
  startSandbox,
  type GameBoostCredentials,
  type GameBoostSeed,
  type MiraklCredentials,
  type MiraklSeed,
  type OmnideskCredentials,
  type OmnideskSeed,
  type Sandbox,
  type SppCredentials,
  type SppSeed,
} from '@org/provider-sandbox';
import type { ConnectionSettings } from './connections.js';
import type { VendorName } from './vendors.js';

// `Sandbox['vendors']` and `Sandbox['seed']` are typed per vendor through conditional types
// that resolve to `never` (so anything would type-check); the exported per-vendor interfaces
// say what is really there.
type WithBaseUrl<T> = T & { readonly baseUrl: string };
interface SandboxVendorsView {
  mirakl: WithBaseUrl<MiraklCredentials>;
  spp: WithBaseUrl<SppCredentials>;
  omnidesk: WithBaseUrl<OmnideskCredentials>;
  gameboost: WithBaseUrl<GameBoostCredentials>;
}
interface SandboxSeedView {
  mirakl: MiraklSeed;
  spp: SppSeed;
  omnidesk: OmnideskSeed;
  gameboost: GameBoostSeed;
}
export const sandboxVendors = (sandbox: Sandbox) =>
  sandbox.vendors as unknown as SandboxVendorsView;
export const sandboxSeed = (sandbox: Sandbox) => sandbox.seed as unknown as SandboxSeedView;

/** The `--sandbox` mode: the provider sandbox in this process, on an ephemeral loopback port. */
export interface EmbeddedSandbox {
  readonly url: string;
  connection(vendor: VendorName): ConnectionSettings;
  /** A seeded order of the vendor to try commands on. */
  exampleOrder(vendor: VendorName): string;
  close(): Promise<void>;
}

/** Connection settings that reach `sandbox`'s fake of each vendor with its public sandbox credentials. */
export function sandboxConnection(sandbox: Sandbox, vendor: VendorName): ConnectionSettings {
  const vendors = sandboxVendors(sandbox);
  switch (vendor) {
    case 'mirakl': {
      const { baseUrl, apiKey, shopId } = vendors.mirakl;
      return { vendor, baseUrl, auth: { type: 'apiKey', apiKey }, shopId };
    }
    case 'spp': {
      const { baseUrl, token } = vendors.spp;
      return { vendor, baseUrl, token };
    }
    case 'omnidesk': {
      const { baseUrl, apiKey } = vendors.omnidesk;
      return { vendor, baseUrl, apiKey };
    }
    case 'gameboost': {
      const { baseUrl, token } = vendors.gameboost;
      return { vendor, baseUrl, token };
    }
  }
}

export function sandboxExampleOrder(sandbox: Sandbox, vendor: VendorName): string {
  const seed = sandboxSeed(sandbox);
  switch (vendor) {
    case 'mirakl':
      return seed.mirakl.orderWithThread;
    case 'spp':
      return seed.spp.orderWithFewMessages.number;
    case 'omnidesk':
      return String(seed.omnidesk.ticketWithMessages);
    case 'gameboost':
      return seed.gameboost.accountOrders.processing;
  }
}

export async function startEmbeddedSandbox(): Promise<EmbeddedSandbox> {
  const sandbox = await startSandbox();
  return {
    url: sandbox.url,
    connection: (vendor) => sandboxConnection(sandbox, vendor),
    exampleOrder: (vendor) => sandboxExampleOrder(sandbox, vendor),
    close: () => sandbox.close(),
  };
}
