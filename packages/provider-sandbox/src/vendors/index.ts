/**
 * The vendors the sandbox serves, and what each makes public. Adding one: a spec in
 * `specs/<name>.yaml`, a module in this folder (see `VendorModule`), and its lines here.
 */
import { gameboost } from './gameboost.js';
import { mirakl } from './mirakl/index.js';
import { omnidesk } from './omnidesk/index.js';
import { spp } from './spp/index.js';

export const vendorModules = { mirakl, spp, omnidesk, gameboost } as const;

/** The vendors the sandbox serves, by name (each entry its internal module). */
export type VendorRegistry = typeof vendorModules;
/** A vendor the sandbox serves: `mirakl`, `spp`, `omnidesk`, `gameboost`. */
export type VendorName = keyof VendorRegistry;

// What each vendor module makes public through `@org/provider-sandbox`.
export type {
  GameBoostCredentials,
  GameBoostOrderKind,
  GameBoostOrderStatus,
  GameBoostSeed,
} from './gameboost.js';
export { GAMEBOOST_ORDER_STATUSES } from './gameboost.js';
export type { MiraklCredentials, MiraklSeed } from './mirakl/index.js';
export { MIRAKL_LIMITS, type MiraklLimits } from './mirakl/index.js';
export type { OmnideskCredentials, OmnideskSeed } from './omnidesk/index.js';
export type { SppCredentials, SppSeed } from './spp/index.js';
