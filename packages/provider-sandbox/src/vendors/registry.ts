/**
 * The vendor modules the sandbox mounts, by name. Internal: the package exports each vendor's
 * public types and constants (`./index.ts`), not its module (handlers, seed, state).
 */
import { gameboost } from './gameboost.js';
import { mirakl } from './mirakl/index.js';
import { omnidesk } from './omnidesk/index.js';
import { spp } from './spp/index.js';

export const vendorModules = { mirakl, spp, omnidesk, gameboost } as const;
