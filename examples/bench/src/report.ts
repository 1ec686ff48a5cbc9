/**
 * Turns results into the tables of docs/benchmarks.md. The doc's prose is written by hand; each
 * results section sits between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` markers
 * and is replaced on every run, so numbers in the doc are always the last run's.
 */
import type { FeatureWeight } from './feature-weights.js';
import type { GoodputResult } from './goodput.js';
import type { HistoryResult } from './history.js';
import type { LoopbackVendorResult } from './loopback.js';
import { LOOPBACK_TIERS } from './loopback.js';
import type { MachineInfo } from './machine.js';
import { OVERHEAD_TIERS, type OverheadVendorResult } from './overhead.js';
import type { SizeBench } from './size.js';
import type { Spread } from './stats.js';
import type { TypeCostResult } from './type-cost.js';

export interface BenchResults {
  readonly generatedAt: string;
  readonly machine: MachineInfo;
  readonly durationSeconds: number;
  readonly settings: Record<string, unknown>;
  readonly overhead?: OverheadVendorResult[];
  readonly loopback?: LoopbackVendorResult[];
  readonly goodput?: GoodputResult[];
  readonly size?: SizeBench;
  readonly types?: TypeCostResult[];
  readonly history?: HistoryResult;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** `median (min–max)`. */
function range(s: Spread, digits: number): string {
  if (s.runs <= 1) return fixed(s.median, digits);
  return `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineSection(results: BenchResults): string {
  const m = results.machine;
  return [
    `Last run: ${results.generatedAt}, ${Math.round(results.durationSeconds)} s in all.`,
    '',
    table(
      ['nproc', 'CPU', 'Node.js', 'OS', 'memory'],
      [[String(m.nproc), m.cpuModel, m.node, m.os, `${m.memoryGiB} GiB`]],
    ),
    '',
    `Settings: \`${JSON.stringify(results.settings)}\``,
  ].join('\n');
}

export function overheadSection(results: readonly OverheadVendorResult[]): string {
  const parts: string[] = [];
  parts.push(
    table(
      [
        'vendor',
        'tier',
        'ops/s',
        'ratio to openapi-fetch (ops/s)',
        'CPU µs/op',
        'CPU ratio to openapi-fetch',
        'allocated kB/op',
      ],
      results.flatMap((r) =>
        OVERHEAD_TIERS.map((tier) => [
          r.vendor,
          tier,
          range(r.opsPerSecond[tier], 0),
          range(r.ratioToOpenapiFetch[tier], 2),
          range(r.cpuMicrosPerOp[tier], 0),
          range(r.cpuRatioToOpenapiFetch[tier], 2),
          r.allocatedKBPerOp[tier].toFixed(1),
        ]),
      ),
    ),
  );
  parts.push('');
  parts.push('The facade against bare openapi-fetch making the same HTTP requests (CPU per send):');
  parts.push('');
  parts.push(
    table(
      [
        'vendor',
        'requests per send',
        'facade / same requests',
        'facade adds (CPU µs per send)',
        'of which the resilient vendor client (µs)',
      ],
      results.map((r) => [
        r.vendor,
        String(r.requestsPerSend),
        range(r.facadeCpuToSameRequests, 2),
        range(r.facadeExtraCpuMicros, 0),
        range(r.runtimeExtraCpuMicros, 0),
      ]),
    ),
  );
  return parts.join('\n');
}

export function loopbackSection(results: readonly LoopbackVendorResult[]): string {
  return table(
    [
      'vendor',
      'tier',
      'sends/s',
      'ratio to undici',
      'p50 ms',
      'p99 ms',
      'client CPU µs/send',
      'CPU ratio to undici',
    ],
    results.flatMap((r) =>
      LOOPBACK_TIERS.map((tier) => [
        `${r.vendor} (${r.requestsPerSend} req/send)`,
        tier,
        range(r.sendsPerSecond[tier], 0),
        range(r.throughputRatioToUndici[tier], 2),
        range(r.p50Ms[tier], 2),
        range(r.p99Ms[tier], 2),
        range(r.cpuMicrosPerSend[tier], 0),
        range(r.cpuRatioToUndici[tier], 2),
      ]),
    ),
  );
}

export function goodputSection(results: readonly GoodputResult[]): string {
  return table(
    [
      'scenario',
      'variant',
      'sent',
      'delivered',
      'lost',
      'duplicated',
      '429s',
      'time s',
      'ideal s',
      'achieved / limit',
      'efficiency',
    ],
    results.map((r) => [
      r.scenario,
      r.variant,
      String(r.messages),
      String(r.delivered),
      String(r.lost),
      String(r.duplicated),
      String(r.rejected429),
      fixed(r.elapsedMs / 1000, 2),
      fixed(r.idealElapsedMs / 1000, 2),
      // A rate over a run that dropped messages says nothing about pacing.
      r.lost > 0 ? '–' : fixed(r.ratioToLimit, 2),
      r.lost > 0 ? '–' : fixed(r.efficiency, 2),
    ]),
  );
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

export function historySection(result: HistoryResult): string {
  const rows = result.rows.map((r) => [
    r.vendor,
    String(r.history),
    r.requests.join(', '),
    fixed(mean(r.requests), 2),
    fixed(mean(r.responseBytes), 0),
    r.firstOperations.join(' + '),
    r.lastOperations.join(' + '),
    String(r.failedSends),
  ]);
  const summary = result.vendors.map((v) => [
    v.vendor,
    `${v.requestsPerSend.first}, then ${v.requestsPerSend.then}`,
    fixed(v.growth.requests, 2),
    fixed(v.growth.bytes, 2),
  ]);
  return [
    table(
      [
        'vendor',
        'messages on the order',
        'requests of each send',
        'requests / send',
        'response bytes / send',
        'first send',
        'last send',
        'failed',
      ],
      rows,
    ),
    '',
    table(
      ['vendor', 'requests per send', 'requests growth (max ÷ min history)', 'bytes growth'],
      summary,
    ),
  ].join('\n');
}

export function sizeSection(size: SizeBench): string {
  const rows = size.results.map((r) => [
    r.name,
    r.kind,
    String(r.gzipBytes),
    r.limitBytes === undefined ? '–' : String(r.limitBytes),
    r.passed ? 'yes' : '**no**',
  ]);
  const parts = [table(['check', 'kind', 'min+gzip bytes', 'budget', 'within'], rows)];
  const baseline = size.results.find((r) => r.kind === 'baseline');
  if (baseline) {
    parts.push('');
    parts.push(
      table(
        ['bundle', 'over bare openapi-fetch (bytes)', 'ratio'],
        size.results
          .filter((r) => r.kind === 'app')
          .map((r) => [
            r.name,
            String(r.gzipBytes - baseline.gzipBytes),
            fixed(r.gzipBytes / baseline.gzipBytes, 2),
          ]),
      ),
    );
  }
  const split = Object.entries(size.firstLoad ?? {});
  if (split.length > 0) {
    parts.push('');
    parts.push(
      'Each facade bundle as a code-splitting bundler ships it (esbuild `splitting`, ESM; min+gzip bytes). size-limit bundles without splitting: its number above is the sum.',
    );
    parts.push('');
    parts.push(
      table(
        ['bundle', 'initial chunk', 'loaded on demand'],
        split.map(([name, load]) => [name, String(load.initial), String(load.onDemand)]),
      ),
    );
  }
  const breakdowns = Object.entries(size.breakdown);
  if (breakdowns.length > 0) {
    parts.push('');
    parts.push('Largest parts of each facade bundle (minified bytes before gzip):');
    parts.push('');
    parts.push(
      table(
        ['bundle', 'largest inputs'],
        breakdowns.map(([name, inputs]) => [
          name,
          inputs
            .slice(0, 5)
            .map((i) => `${i.input} ${i.bytes}`)
            .join('; '),
        ]),
      ),
    );
  }
  const weighed = Object.entries(size.features ?? {});
  if (weighed.length > 0) {
    parts.push('');
    parts.push(
      'What each feature weighs in each facade bundle (minified bytes before gzip, share of the bundle; `examples/bench/src/feature-weights.ts` says which modules make each feature):',
    );
    parts.push('');
    parts.push(featureTable(weighed));
  }
  if (size.skipped.length > 0) {
    parts.push('');
    parts.push(`Not measured (not built): ${size.skipped.join(', ')}.`);
  }
  return parts.join('\n');
}

export function typesSection(results: readonly TypeCostResult[]): string {
  return table(
    [
      'consumer',
      'what it does',
      'instantiations',
      'ratio',
      'types',
      'check time s',
      'check time ratio',
    ],
    results.map((r) => [
      r.name,
      r.description,
      String(r.instantiations),
      fixed(r.instantiationRatio, 2),
      String(r.types),
      range(r.checkTimeSeconds, 2),
      range(r.checkTimeRatio, 2),
    ]),
  );
}

export function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    return `${doc.trimEnd()}\n\n${start}\n\n${body}\n\n${end}\n`;
  }
  return `${doc.slice(0, from + start.length)}\n\n${body}\n\n${doc.slice(to)}`;
}

/** Features as rows, facade bundles as columns: "bytes (share %)". */
function featureTable(weighed: readonly (readonly [string, readonly FeatureWeight[]])[]): string {
  const features = [...new Set(weighed.flatMap(([, weights]) => weights.map((w) => w.feature)))];
  const totals = weighed.map(([, weights]) => weights.reduce((sum, w) => sum + w.bytes, 0));
  const rows = features.map((feature) => [
    feature,
    ...weighed.map(([, weights], column) => {
      const bytes = weights.find((w) => w.feature === feature)?.bytes ?? 0;
      return `${bytes} (${fixed((100 * bytes) / totals[column]!, 1)} %)`;
    }),
  ]);
  rows.push(['whole bundle', ...totals.map((total) => `${total} (100 %)`)]);
  return table(
    ['feature', ...weighed.map(([name]) => name.replace(/ \+ openapi-fetch$/, ''))],
    rows,
  );
}
