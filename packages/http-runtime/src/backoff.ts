export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Full jitter: a uniform delay in [0, exponential ceiling), so clients that failed together spread out. */
  readonly jitter: boolean;
}

/**
 * Delay before retry number `retryIndex` (0 for the first retry): `initialDelayMs * 2^retryIndex`,
 * capped at `maxDelayMs`, then scaled by `random()` in [0, 1) when jitter is on.
 */
export function backoffDelay(
  retryIndex: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.max(0, retryIndex),
  );
  if (!options.jitter) return Math.round(ceiling);
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.floor(unit * ceiling);
}
