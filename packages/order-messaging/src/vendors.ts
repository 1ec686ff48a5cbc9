/**
 * The registry: every vendor this package has an adapter for, as data. Importing it loads
 * every adapter (and so needs every vendor client installed); an application that uses one
 * vendor imports that vendor's subpath instead.
 */
import { gameboostVendor } from './adapters/gameboost.js';
import { miraklVendor } from './adapters/mirakl.js';
import { omnideskVendor } from './adapters/omnidesk.js';
import { sppVendor } from './adapters/spp.js';
import type { AnyVendorDescriptor } from './vendor-descriptor.js';

export const VENDORS = Object.freeze([
  miraklVendor,
  sppVendor,
  omnideskVendor,
  gameboostVendor,
] as const satisfies readonly AnyVendorDescriptor[]);

export type RegisteredVendor = (typeof VENDORS)[number];
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
