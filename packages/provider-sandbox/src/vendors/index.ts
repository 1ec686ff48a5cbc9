/**
 * The vendors the sandbox serves. Adding one: a spec in `specs/<name>.yaml`, a module
 * in this folder (see `VendorModule`), and one line here.
 */
import { gameboost } from './gameboost.js';
import { mirakl } from './mirakl/index.js';
import { omnidesk } from './omnidesk/index.js';
import { spp } from './spp.js';

export const vendorModules = { mirakl, spp, omnidesk, gameboost } as const;

export type VendorRegistry = typeof vendorModules;
export type VendorName = keyof VendorRegistry;
