import { connectionOf, type ConnectionSettings } from './connections.js';
import { UsageError } from './exit-codes.js';
import { descriptorOf, type VendorName } from './vendors.js';

/** The `--sandbox` mode: the provider sandbox in this process, on an ephemeral loopback port. */
export interface EmbeddedSandbox {
  readonly url: string;
  connection(vendor: VendorName): ConnectionSettings;
  /** A seeded order of the vendor to try commands on. */
  exampleOrder(vendor: VendorName): string;
  close(): Promise<void>;
}

/** What the CLI uses of a running `@org/provider-sandbox` (an optional peer: typed here). */
export interface RunningSandbox {
  /** The sandbox's origin, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Per vendor name, its base URL and public test credentials. */
  readonly vendors: object;
  /** Per vendor name, its seeded data. */
  readonly seed: object;
  /** Stops the sandbox. */
  close(): Promise<void>;
}

/** What the CLI uses of `@org/provider-sandbox` (an optional peer): its `startSandbox`. */
export interface SandboxModule {
  /** Starts a sandbox on an ephemeral loopback port. */
  startSandbox(): Promise<RunningSandbox>;
}

/** Loads `@org/provider-sandbox`; resolves to undefined when it is not installed. */
export type LoadSandbox = () => Promise<SandboxModule | undefined>;

export const SANDBOX_PACKAGE = '@org/provider-sandbox';

/** Node's error for an `import()` of a package that is not installed (not one that is broken). */
export function isMissingPackage(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
    error.message.includes(`'${name}'`)
  );
}

/** Only `--sandbox` loads the package: every other run works without it. */
export const loadSandbox: LoadSandbox = async () => {
  try {
    const module: SandboxModule = await import('@org/provider-sandbox');
    return module;
  } catch (error) {
    if (isMissingPackage(error, SANDBOX_PACKAGE)) return undefined;
    throw error;
  }
};

/**
 * Connection settings that reach `sandbox`'s fake of `vendor` with its public sandbox
 * credentials: the descriptor's sandbox wiring, from the sandbox's entry for the vendor.
 */
export function sandboxConnection(sandbox: RunningSandbox, vendor: VendorName): ConnectionSettings {
  const descriptor = descriptorOf(vendor);
  const access = (sandbox.vendors as Record<string, Record<string, unknown>>)[vendor]!;
  return connectionOf(descriptor, descriptor.sandbox.settings(access));
}

export function sandboxExampleOrder(sandbox: RunningSandbox, vendor: VendorName): string {
  const seed = (sandbox.seed as Record<string, unknown>)[vendor];
  return descriptorOf(vendor).sandbox.exampleOrder(seed);
}

export async function startEmbeddedSandbox(
  load: LoadSandbox = loadSandbox,
): Promise<EmbeddedSandbox> {
  const module = await load();
  if (!module) {
    throw new UsageError(`--sandbox needs ${SANDBOX_PACKAGE}: npm install ${SANDBOX_PACKAGE}`);
  }
  const sandbox = await module.startSandbox();
  return {
    url: sandbox.url,
    connection: (vendor) => sandboxConnection(sandbox, vendor),
    exampleOrder: (vendor) => sandboxExampleOrder(sandbox, vendor),
    close: () => sandbox.close(),
  };
}
