/** Summary of repeated measurements: the median is the headline, min–max shows the spread. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/**
 * `list` started `by` places later, wrapping around: rounds rotate the order of what they
 * measure, so no entry always runs first (on a colder JIT) or last.
 */
export function rotated<T>(list: readonly T[], by: number): T[] {
  return list.map((_, i) => list[(i + by) % list.length]!);
}

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile of already sorted values (`p` in 0..100). */
export function percentile(sortedValues: readonly number[], p: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedValues.length);
  return sortedValues[Math.min(sortedValues.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  const s = sorted(values);
  return {
    median: median(s),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
    runs: s.length,
  };
}

/** Ratio of two spreads' medians, and the range the per-run ratios covered. */
export function ratioSpread(
  numerators: readonly number[],
  denominators: readonly number[],
): Spread {
  if (numerators.length !== denominators.length) {
    throw new Error('ratioSpread needs one denominator per numerator (same-run pairs)');
  }
  return spread(numerators.map((n, i) => n / denominators[i]!));
}
