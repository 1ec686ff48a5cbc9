import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import type { ConnectionSettings } from './connections.js';
import type { VendorName } from './vendors.js';

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
  const { vendors } = sandbox;
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
  const { seed } = sandbox;
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
