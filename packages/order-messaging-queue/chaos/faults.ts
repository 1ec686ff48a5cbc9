/**
 * Faults injected into the sandbox while the chaos runs, in proportion to the traffic: after
 * every `everyRequests` requests to a vendor, its next request gets the next kind in turn — a 429
 * with `Retry-After`, a 503 (nothing applied), or a connection dropped after the vendor stored
 * the message — whichever operation that request is.
 */
import type { FaultRule, Sandbox } from '@org/provider-sandbox';

const KINDS: readonly Omit<FaultRule, 'vendor'>[] = [
  { status: 429, retryAfter: 1 },
  { status: 503 },
  { drop: 'after-apply' },
];
const POLL_MS = 20;

export interface FaultInjector {
  readonly injected: () => number;
  stop(): void;
}

export function injectFaults(
  sb: Sandbox,
  vendors: readonly string[],
  everyRequests: number,
): FaultInjector {
  let injected = 0;
  let scanned = sb.state.requests.length;
  const counts = new Map(vendors.map((vendor) => [vendor, 0]));
  const timer = setInterval(() => {
    const requests = sb.state.requests;
    for (; scanned < requests.length; scanned++) {
      const vendor = requests[scanned]!.vendor;
      const count = counts.get(vendor);
      if (count === undefined) continue;
      counts.set(vendor, count + 1);
      if ((count + 1) % everyRequests !== 0) continue;
      const kind = KINDS[Math.floor((count + 1) / everyRequests) % KINDS.length]!;
      sb.faults.inject({ vendor, ...kind });
      injected += 1;
    }
  }, POLL_MS);
  return {
    injected: () => injected,
    stop: () => clearInterval(timer),
  };
}
