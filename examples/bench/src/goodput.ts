/**
 * Benchmark 3: goodput under a rate limit. A bulk send of N distinct messages to a sandbox
 * vendor that answers 429 past R requests per window; then the sandbox's stored messages are
 * counted: delivered, lost (N - delivered), duplicated (stored twice).
 *
 * Two limits:
 * - SPP limited to R per second (SPP documents no limit; the sandbox adds one);
 * - GameBoost's real limits (the chat bucket and the others in its spec), every window divided
 *   by a time scale so that a minute passes in a second.
 * Variants: a naive raw-fetch loop (no retry: the baseline a hand-written script gets), the
 * facade not told the limit (it must learn from 429 + Retry-After), and the facade with the limit
 * declared (its limiter paces the sends).
 */
import { createOrderMessaging, type RateLimitRuleSpec } from '@org/order-messaging';
import { gameboostRateLimits } from '@org/order-messaging/gameboost';
import { rawFetchCall } from './executors.js';
import { VENDOR_NAMES, type PlannedCall, type SandboxInfo, type VendorPlan } from './plans.js';
import type { RemoteSandbox } from './sandbox-process.js';
import type { SandboxOptions } from '@org/provider-sandbox';

export interface GoodputOptions {
  /** SPP scenario: requests allowed per second, and messages sent. */
  readonly sppLimitPerSecond: number;
  readonly sppMessages: number;
  /** GameBoost scenario: a minute lasts 60 000 / timeScale ms. */
  readonly gameboostTimeScale: number;
  readonly gameboostMessages: number;
  readonly concurrency: number;
}

/** In the order they run in each scenario. */
const GOODPUT_VARIANTS = [
  'naive raw fetch (no retry)',
  'facade, limit unknown',
  'facade, limit declared',
] as const;
export type GoodputVariant = (typeof GOODPUT_VARIANTS)[number];

/** A short run of both scenarios: `pnpm bench --quick` and CI's budget check. */
export const QUICK_GOODPUT_OPTIONS: GoodputOptions = {
  sppLimitPerSecond: 20,
  sppMessages: 30,
  gameboostTimeScale: 60,
  gameboostMessages: 10,
  concurrency: 8,
};

export interface GoodputResult {
  readonly scenario: string;
  readonly variant: GoodputVariant;
  readonly messages: number;
  /** Requests the server allows per window, and the window. */
  readonly limit: number;
  readonly windowMs: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Sends that reported an error to the caller. */
  readonly failedCalls: number;
  /** 429 answers the sandbox gave. */
  readonly rejected429: number;
  readonly elapsedMs: number;
  /** Delivered messages per second. */
  readonly achievedPerSecond: number;
  /** achievedPerSecond over the limit's rate (limit / window). */
  readonly ratioToLimit: number;
  /** Shortest possible time: the last window opening, (ceil(N / limit) - 1) windows. */
  readonly idealElapsedMs: number;
  /** idealElapsedMs / elapsedMs: 1 = as fast as the limit allows. */
  readonly efficiency: number;
}

/** What the sandbox child must be started with for both scenarios. */
export function goodputSandboxOptions(options: GoodputOptions): SandboxOptions {
  return {
    validateResponses: false,
    rateLimits: {
      // Only the two scenarios' vendors are limited.
      ...Object.fromEntries(VENDOR_NAMES.map((vendor) => [vendor, false] as const)),
      spp: { all: { limit: options.sppLimitPerSecond, windowMs: 1000 } },
      // The sandbox's buckets are the spec's, named like the facade's rules: same windows, scaled.
      gameboost: Object.fromEntries(
        Object.entries(scaledGameboostRules(options.gameboostTimeScale)).map(([name, rule]) => [
          name,
          { windowMs: rule.windowMs },
        ]),
      ),
    },
  };
}

/** The facade's own declared GameBoost rules, every window divided by the time scale. */
function scaledGameboostRules(scale: number): Record<string, RateLimitRuleSpec> {
  return Object.fromEntries(
    Object.entries(gameboostRateLimits).map(([name, rule]) => [
      name,
      { ...rule, windowMs: rule.windowMs / scale },
    ]),
  );
}

interface Target {
  readonly orderId: string;
  readonly orderKind?: 'account' | 'item' | 'currency';
  readonly call: (text: string) => PlannedCall;
}

function gameboostTargets(info: SandboxInfo): Target[] {
  const seed = info.seed.gameboost;
  const kinds = [
    [
      'account',
      seed.accountOrders.processing,
      '/v2/account-orders/{accountOrder}/messages',
      'accountOrder',
    ],
    ['item', seed.itemOrders.processing, '/v2/item-orders/{itemOrder}/messages', 'itemOrder'],
    [
      'currency',
      seed.currencyOrders.processing,
      '/v2/currency-orders/{currencyOrder}/messages',
      'currencyOrder',
    ],
  ] as const;
  return kinds.map(([orderKind, orderId, path, param]) => ({
    orderId,
    orderKind,
    call: (text: string) => ({
      method: 'POST',
      path,
      pathParams: { [param]: orderId },
      json: { message: text },
    }),
  }));
}

async function runBulk(
  messages: number,
  concurrency: number,
  send: (index: number) => Promise<unknown>,
): Promise<{ elapsedMs: number; failedCalls: number }> {
  let next = 0;
  let failedCalls = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const index = next++;
        try {
          await send(index);
        } catch {
          failedCalls += 1;
        }
      }
    }),
  );
  return { elapsedMs: performance.now() - t0, failedCalls };
}

async function measure(
  sandbox: RemoteSandbox,
  scenario: string,
  variant: GoodputVariant,
  plan: VendorPlan,
  targets: readonly Target[],
  limit: { limit: number; windowMs: number },
  options: {
    messages: number;
    concurrency: number;
    rules: Record<string, RateLimitRuleSpec> | false;
  },
): Promise<GoodputResult> {
  await sandbox.reset();
  const prefix = `goodput ${scenario} ${variant} ${Date.now()}`;
  const textOf = (index: number) => `${prefix} #${index}`;
  const targetOf = (index: number) => targets[index % targets.length]!;

  let send: (index: number) => Promise<unknown>;
  if (variant === 'naive raw fetch (no retry)') {
    const fetchLike = (input: string, init: RequestInit) => fetch(input, init);
    send = (index) => rawFetchCall(fetchLike, plan, targetOf(index).call(textOf(index)));
  } else {
    const messaging = createOrderMessaging({
      totalTimeoutMs: 60_000,
      connections: { [plan.vendor]: plan.connection({ rateLimits: options.rules }) },
    });
    send = (index) => {
      const target = targetOf(index);
      return messaging.send(plan.vendor, {
        orderId: target.orderId,
        text: textOf(index),
        ...(target.orderKind
          ? { vendorOptions: { gameboost: { orderKind: target.orderKind } } }
          : {}),
      });
    };
  }
  const run = await runBulk(options.messages, options.concurrency, send);

  const stored: string[] = [];
  for (const orderId of new Set(targets.map((t) => t.orderId))) {
    stored.push(
      ...(await sandbox.messageTexts(plan.vendor, orderId)).filter((text) =>
        text.startsWith(prefix),
      ),
    );
  }
  const unique = new Set(stored);
  const { counts } = await sandbox.statuses();
  const delivered = unique.size;
  const achievedPerSecond = delivered / (run.elapsedMs / 1000);
  const idealElapsedMs = (Math.ceil(options.messages / limit.limit) - 1) * limit.windowMs;
  return {
    scenario,
    variant,
    messages: options.messages,
    limit: limit.limit,
    windowMs: limit.windowMs,
    delivered,
    lost: options.messages - delivered,
    duplicated: stored.length - unique.size,
    failedCalls: run.failedCalls,
    rejected429: counts['429'] ?? 0,
    elapsedMs: run.elapsedMs,
    achievedPerSecond,
    ratioToLimit: achievedPerSecond / ((limit.limit / limit.windowMs) * 1000),
    idealElapsedMs,
    efficiency: idealElapsedMs > 0 ? idealElapsedMs / run.elapsedMs : 1,
  };
}

export async function runGoodputBench(
  sandbox: RemoteSandbox,
  plans: Record<'spp' | 'gameboost', VendorPlan>,
  options: GoodputOptions,
  log: (line: string) => void = () => {},
): Promise<GoodputResult[]> {
  const results: GoodputResult[] = [];
  const report = (result: GoodputResult) => {
    results.push(result);
    log(
      `goodput ${result.scenario} / ${result.variant}: delivered ${result.delivered}/${result.messages}, ` +
        `lost ${result.lost}, duplicated ${result.duplicated}, 429s ${result.rejected429}, ` +
        `${(result.elapsedMs / 1000).toFixed(2)} s, ${result.achievedPerSecond.toFixed(1)}/s = ${result.ratioToLimit.toFixed(2)} × limit`,
    );
  };

  const scale = options.gameboostTimeScale;
  const chat = gameboostRateLimits.chat!;
  const scenarios = [
    {
      name: `SPP ${options.sppLimitPerSecond}/s`,
      plan: plans.spp,
      targets: [
        { orderId: plans.spp.orderId, call: (text: string) => plans.spp.sendCalls(text)[0]! },
      ],
      limit: { limit: options.sppLimitPerSecond, windowMs: 1000 },
      messages: options.sppMessages,
      declaredRules: { all: { limit: options.sppLimitPerSecond, windowMs: 1000 } },
    },
    {
      name: `GameBoost ${chat.limit}/min ×${scale}`,
      plan: plans.gameboost,
      targets: gameboostTargets(sandbox.info),
      limit: { limit: chat.limit, windowMs: chat.windowMs / scale },
      messages: options.gameboostMessages,
      declaredRules: scaledGameboostRules(scale),
    },
  ];
  for (const scenario of scenarios) {
    for (const variant of GOODPUT_VARIANTS) {
      report(
        await measure(
          sandbox,
          scenario.name,
          variant,
          scenario.plan,
          scenario.targets,
          scenario.limit,
          {
            messages: scenario.messages,
            concurrency: options.concurrency,
            rules: variant === 'facade, limit declared' ? scenario.declaredRules : false,
          },
        ),
      );
    }
  }
  return results;
}
