/**
 * Benchmark 5: what a consumer's editor and CI pay to type-check code using these packages:
 * `tsc --extendedDiagnostics` instantiation count (deterministic for a given TypeScript version)
 * and check time (noisy: median of several runs), against a consumer of a bare openapi-fetch
 * client on one spec doing the same work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './paths.js';
import { spread, type Spread } from './stats.js';

export interface TypeCostTarget {
  readonly name: string;
  readonly description: string;
  /** tsconfig path, relative to the repository root. */
  readonly project: string;
}

export const TYPE_COST_BASELINE = 'openapi-fetch, Mirakl spec';

export const TYPE_COST_TARGETS: readonly TypeCostTarget[] = [
  {
    name: TYPE_COST_BASELINE,
    description: 'bare openapi-fetch client on the Mirakl `paths`: find thread, reply, read back',
    project: 'examples/bench/fixtures/types/openapi-fetch-mirakl/tsconfig.json',
  },
  {
    name: '@org/mirakl-client',
    description: 'the vendor client, same three calls',
    project: 'examples/bench/fixtures/types/vendor-client-mirakl/tsconfig.json',
  },
  {
    name: 'facade + mirakl',
    description: 'createOrderMessaging with one Mirakl connection: send, listAll, error check',
    project: 'examples/bench/fixtures/types/facade-mirakl/tsconfig.json',
  },
  {
    name: 'facade + 4 vendors',
    description: 'four connections, a send and a listing on each',
    project: 'examples/bench/fixtures/types/facade-all/tsconfig.json',
  },
  {
    name: 'examples/demo',
    description: "the example consumer's sources (tsconfig.build.json)",
    project: 'examples/demo/tsconfig.build.json',
  },
];

export interface Diagnostics {
  readonly files: number;
  readonly types: number;
  readonly instantiations: number;
  readonly checkTimeSeconds: number;
}

/** Reads the numbers out of `tsc --extendedDiagnostics` output. */
export function parseDiagnostics(output: string): Diagnostics {
  const number = (label: string) => {
    const match = new RegExp(`^${label}:\\s+([\\d.]+)s?$`, 'm').exec(output);
    if (!match) throw new Error(`tsc --extendedDiagnostics printed no "${label}"`);
    return Number(match[1]);
  };
  return {
    files: number('Files'),
    types: number('Types'),
    instantiations: number('Instantiations'),
    checkTimeSeconds: number('Check time'),
  };
}

export function runTsc(project: string): Diagnostics {
  const tsc = path.join(BENCH_DIR, 'node_modules/typescript/bin/tsc');
  let output: string;
  try {
    output = execFileSync(
      process.execPath,
      [tsc, '-p', path.join(REPO_ROOT, project), '--noEmit', '--extendedDiagnostics'],
      { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const failed = error as { stdout?: string };
    throw new Error(`tsc found errors in ${project}:\n${failed.stdout ?? String(error)}`);
  }
  return parseDiagnostics(output);
}

export interface TypeCostResult {
  readonly name: string;
  readonly description: string;
  readonly project: string;
  readonly files: number;
  readonly types: number;
  readonly instantiations: number;
  readonly checkTimeSeconds: Spread;
  /** Instantiations over the bare openapi-fetch consumer's. */
  readonly instantiationRatio: number;
  /** Per-run check time over the baseline's run of the same round. */
  readonly checkTimeRatio: Spread;
}

export function runTypeCostBench(
  rounds: number,
  log: (line: string) => void = () => {},
): TypeCostResult[] {
  const targets = TYPE_COST_TARGETS.filter((target) =>
    existsSync(path.join(REPO_ROOT, target.project)),
  );
  const runs = new Map<string, Diagnostics[]>();
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const diagnostics = runTsc(target.project);
      runs.set(target.name, [...(runs.get(target.name) ?? []), diagnostics]);
      log(
        `types round ${round + 1}/${rounds} ${target.name}: ${diagnostics.instantiations} instantiations, check ${diagnostics.checkTimeSeconds}s`,
      );
    }
  }
  const baseline = runs.get(TYPE_COST_BASELINE)!;
  return targets.map((target) => {
    const own = runs.get(target.name)!;
    const first = own[0]!;
    return {
      name: target.name,
      description: target.description,
      project: target.project,
      files: first.files,
      types: first.types,
      instantiations: first.instantiations,
      checkTimeSeconds: spread(own.map((d) => d.checkTimeSeconds)),
      instantiationRatio: first.instantiations / baseline[0]!.instantiations,
      checkTimeRatio: spread(own.map((d, i) => d.checkTimeSeconds / baseline[i]!.checkTimeSeconds)),
    };
  });
}
