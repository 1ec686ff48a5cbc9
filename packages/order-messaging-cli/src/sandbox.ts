import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { connectionOf, type ConnectionSettings } from './connections.js';
import { descriptorOf, type VendorName } from './vendors.js';

/** The `--sandbox` mode: the provider sandbox in this process, on an ephemeral loopback port. */
export interface EmbeddedSandbox {
  readonly url: string;
  connection(vendor: VendorName): ConnectionSettings;
  /** A seeded order of the vendor to try commands on. */
  exampleOrder(vendor: VendorName): string;
  close(): Promise<void>;
}

/**
 * Connection settings that reach `sandbox`'s fake of `vendor` with its public sandbox
 * credentials: the descriptor's sandbox wiring, from the sandbox's entry for the vendor.
 */
export function sandboxConnection(sandbox: Sandbox, vendor: VendorName): ConnectionSettings {
  const descriptor = descriptorOf(vendor);
  const access = (sandbox.vendors as unknown as Record<string, Record<string, unknown>>)[vendor]!;
  return connectionOf(descriptor, descriptor.sandbox.settings(access));
}

export function sandboxExampleOrder(sandbox: Sandbox, vendor: VendorName): string {
  const seed = (sandbox.seed as unknown as Record<string, unknown>)[vendor];
  return descriptorOf(vendor).sandbox.exampleOrder(seed);
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
