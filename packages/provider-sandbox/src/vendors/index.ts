/**
 * What each vendor the sandbox serves makes public (`@org/provider-sandbox` re-exports this
 * file). Adding one: a spec in `specs/<name>.yaml`, a module in this folder (see
 * `VendorModule`), its line in `registry.ts`, and its public types here.
 */
import type { vendorModules } from './registry.js';

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
