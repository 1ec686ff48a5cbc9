/** Which vendor a request is for (by mount point), and which of its operations (by method and path template). */
import type { CompiledSpec, SpecOperation } from '../spec/index.js';
import type { AnyVendorModule } from '../types.js';
import type { Outgoing } from './reply.js';

export interface MountedVendor {
  readonly module: AnyVendorModule;
  readonly spec: CompiledSpec;
  /** `/<vendor>` followed by the path of the spec's server URL. */
  readonly mountPath: string;
}

/** `mounts` longest mount path first, so a vendor mounted below another still wins its paths. */
export function mountFor(
  mounts: readonly MountedVendor[],
  pathname: string,
): MountedVendor | undefined {
  return mounts.find((m) => pathname === m.mountPath || pathname.startsWith(`${m.mountPath}/`));
}

/** Lists the mount points, for someone who guessed a wrong URL. */
export function noVendorMountedReply(vendors: readonly MountedVendor[], origin: string): Outgoing {
  return {
    status: 404,
    headers: { 'Content-Type': 'application/json' },
    payload: JSON.stringify({
      message: 'No sandbox vendor is mounted at this path.',
      vendors: Object.fromEntries(vendors.map((v) => [v.module.name, `${origin}${v.mountPath}`])),
    }),
  };
}

/**
 * The operation with its raw path parameters, or none; then `pathMatched` tells
 * whether another method has this path (405 rather than 404).
 */
export type Route =
  | { readonly operation: SpecOperation; readonly rawPath: Record<string, string> }
  | { readonly operation: undefined; readonly pathMatched: boolean };

/** `subPath` is below the mount point; operations come most specific first. */
export function routeRequest(spec: CompiledSpec, method: string, subPath: string): Route {
  let pathMatched = false;
  for (const candidate of spec.operations) {
    let params: Record<string, string> | undefined;
    try {
      params = candidate.match(subPath);
    } catch {
      params = undefined; // a malformed %-escape: no route
    }
    if (!params) continue;
    pathMatched = true;
    if (candidate.method === method) return { operation: candidate, rawPath: params };
  }
  return { operation: undefined, pathMatched };
}
