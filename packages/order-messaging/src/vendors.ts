/**
 * The registry: every vendor this package has an adapter for, as data. Importing it loads
 * every adapter (and so needs every vendor client installed); an application that uses one
 * vendor imports that vendor's subpath instead.
 *
 * @module
 */
import { gameboostVendor } from './adapters/gameboost.js';
import { miraklVendor } from './adapters/mirakl.js';
import { omnideskVendor } from './adapters/omnidesk.js';
import { sppVendor } from './adapters/spp.js';
import type { AnyVendorDescriptor } from './vendor-descriptor.js';

/**
 * Every vendor this package has an adapter for, as {@link VendorDescriptor}s, in a fixed order:
 * what the CLI, the demo, the benches and the capability table iterate.
 */
export const VENDORS = Object.freeze([
  miraklVendor,
  sppVendor,
  omnideskVendor,
  gameboostVendor,
] as const satisfies readonly AnyVendorDescriptor[]);

/** The descriptor of any registered vendor. */
export type RegisteredVendor = (typeof VENDORS)[number];
/** The name of a registered vendor: `'mirakl' | 'spp' | 'omnidesk' | 'gameboost'`. */
export type RegisteredVendorName = RegisteredVendor['name'];

/** The descriptor of a registered vendor, or undefined for a name no adapter here serves. */
export function vendorDescriptor(name: string): AnyVendorDescriptor | undefined {
  return VENDORS.find((descriptor) => descriptor.name === name);
}

export {
  adapterFromSettings,
  checkSettings,
  secretValues,
  settingEnv,
  settingFlag,
  settingOption,
  type AnyVendorDescriptor,
  type ConnectionSetting,
  type SettingProblem,
  type SettingValues,
  type VendorDescriptor,
} from './vendor-descriptor.js';
