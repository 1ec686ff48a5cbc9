/**
 * Fixed-window rate limits per vendor, per credential.
 *
 * The default buckets, their limits and windows come from each operation's
 * `x-rate-limit` extension in the vendor's spec (only GameBoost's spec states any:
 * a global chat bucket, reads, writes, and writes per resource by the minute and by
 * the hour). Options change or disable them, or add buckets to vendors that document
 * none (a bucket the spec does not name covers every operation).
 */
import type { SpecOperation } from './spec/index.js';
import type { RateLimitSnapshot } from './types.js';

/**
 * A bucket's new limit (requests per window, or `{ limit, windowMs }`), or `false` to switch it
 * off.
 */
export type BucketOverride =
  | {
      /** Requests per window (default: the spec's; a bucket the spec does not name needs one). */
      readonly limit?: number;
      /** Window length in milliseconds (default: the spec's, else 60 000). */
      readonly windowMs?: number;
    }
  | number
  | false;

/** Per vendor: `false` switches every limit off; otherwise overrides by bucket name. */
export type VendorRateLimitOptions = false | Readonly<Record<string, BucketOverride>>;

/** `false` switches every vendor's limits off. */
export type RateLimitOptions = false | Readonly<Record<string, VendorRateLimitOptions | undefined>>;

interface BucketRule {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** `api-key+resource` buckets count each path separately. */
  readonly perResource: boolean;
}

interface SpecRateLimitEntry {
  bucket?: unknown;
  limit?: unknown;
  periodSeconds?: unknown;
  scope?: unknown;
}

export type RateLimitDecision =
  | { readonly allowed: true; readonly snapshot: RateLimitSnapshot | undefined }
  | {
      readonly allowed: false;
      readonly snapshot: RateLimitSnapshot;
      readonly retryAfterSeconds: number;
    };

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #rules = new Map<string, readonly BucketRule[]>();

  constructor(
    private readonly options: RateLimitOptions | undefined,
    private readonly clock: () => Date,
  ) {}

  /** The buckets a request to `operation` counts against, with the options applied. */
  rulesFor(operation: SpecOperation): readonly BucketRule[] {
    const cacheKey = `${operation.vendor} ${operation.operationId}`;
    const cached = this.#rules.get(cacheKey);
    if (cached) return cached;
    const vendorOptions = this.options === false ? false : this.options?.[operation.vendor];
    let rules: BucketRule[] = [];
    if (vendorOptions !== false) {
      const documented = Array.isArray(operation.extensions['x-rate-limit'])
        ? (operation.extensions['x-rate-limit'] as SpecRateLimitEntry[])
        : [];
      const documentedNames = new Set<string>();
      for (const entry of documented) {
        if (
          typeof entry.bucket !== 'string' ||
          typeof entry.limit !== 'number' ||
          typeof entry.periodSeconds !== 'number'
        )
          continue;
        documentedNames.add(entry.bucket);
        const rule = applyOverride(
          {
            name: entry.bucket,
            limit: entry.limit,
            windowMs: entry.periodSeconds * 1000,
            perResource: entry.scope === 'api-key+resource',
          },
          vendorOptions?.[entry.bucket],
        );
        if (rule) rules.push(rule);
      }
      for (const [name, override] of Object.entries(vendorOptions ?? {})) {
        if (documentedNames.has(name) || override === false) continue;
        const rule = applyOverride(
          { name, limit: Number.POSITIVE_INFINITY, windowMs: 60_000, perResource: false },
          override,
        );
        if (rule && Number.isFinite(rule.limit)) rules.push(rule);
      }
      rules = rules.filter((r) => r.limit >= 0 && r.windowMs > 0);
    }
    this.#rules.set(cacheKey, rules);
    return rules;
  }

  /** Counts one request; refuses it when a bucket is full. */
  hit(operation: SpecOperation, credential: string, resource: string): RateLimitDecision {
    const rules = this.rulesFor(operation);
    if (rules.length === 0) return { allowed: true, snapshot: undefined };
    const now = this.clock().getTime();
    const states = rules.map((rule) => {
      const key = `${operation.vendor}\u0000${credential}\u0000${rule.name}${rule.perResource ? `\u0000${resource}` : ''}`;
      let window = this.#windows.get(key);
      if (!window || now >= window.start + rule.windowMs) {
        window = { start: now, count: 0 };
        this.#windows.set(key, window);
      }
      return { rule, window };
    });
    const full = states.find(({ rule, window }) => window.count >= rule.limit);
    if (full) {
      const resetAt = full.window.start + full.rule.windowMs;
      return {
        allowed: false,
        snapshot: {
          bucket: full.rule.name,
          limit: full.rule.limit,
          remaining: 0,
          resetAt: new Date(resetAt),
        },
        retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
      };
    }
    for (const state of states) state.window.count += 1;
    const tightest = states.reduce((a, b) =>
      b.rule.limit - b.window.count < a.rule.limit - a.window.count ? b : a,
    );
    return {
      allowed: true,
      snapshot: {
        bucket: tightest.rule.name,
        limit: tightest.rule.limit,
        remaining: tightest.rule.limit - tightest.window.count,
        resetAt: new Date(tightest.window.start + tightest.rule.windowMs),
      },
    };
  }

  reset(): void {
    this.#windows.clear();
  }
}

function applyOverride(
  rule: BucketRule,
  override: BucketOverride | undefined,
): BucketRule | undefined {
  if (override === undefined) return rule;
  if (override === false) return undefined;
  if (typeof override === 'number') return { ...rule, limit: override };
  return {
    ...rule,
    limit: override.limit ?? rule.limit,
    windowMs: override.windowMs ?? rule.windowMs,
  };
}
