/**
 * Bundle sizes, minified and gzipped by esbuild through size-limit, so the numbers in
 * docs/benchmarks.md and the budgets CI enforces come from the same tool and settings.
 *
 * Two kinds of check:
 * - a package's own code: every file its exports reach, its dependencies left out (`ignore`);
 * - what an application ships: the facade with one vendor adapter, its client, the runtime and
 *   openapi-fetch, tree-shaken from the named imports (`import`), next to bare openapi-fetch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { headroom } from './budgets.js';
import { writeFormatted } from './format.js';
import { BENCH_DIR, REPO_ROOT, SIZE_LIMIT_CONFIG } from './paths.js';
import { VENDOR_NAMES } from './plans.js';
import { weighFeatures, type FeatureWeight } from './feature-weights.js';
import { splitLoad, type SplitLoad } from './split-load.js';

export { facadeSplitLoads, type SplitLoad } from './split-load.js';

/** Each registered vendor's client package: `packages/<vendor>-client`. */
const clientDir = (vendor: string) => `${vendor}-client`;

/** The size check of bare openapi-fetch: the baseline every bundle ratio is taken against. */
export const BASELINE_CHECK = 'openapi-fetch createClient (baseline)';

/** The size check of a vendor's client as an application ships it (with runtime and openapi-fetch). */
export const clientCheckName = (vendor: string) =>
  `@org/${clientDir(vendor)} + runtime + openapi-fetch`;

/**
 * Library packages an application bundles: the runtime, every registered vendor's client and
 * the facade. The CLI and the sandbox are Node tools, not bundled.
 */
const LIBRARY_PACKAGES = ['http-runtime', ...VENDOR_NAMES.map(clientDir), 'order-messaging'];

/** One entry of `.size-limit.json`. Paths are relative to the repository root. */
export interface SizeLimitCheck {
  name: string;
  path?: string;
  import?: Record<string, string>;
  ignore?: string[];
  gzip: true;
  limit?: string;
}

export interface SizeResult {
  readonly name: string;
  readonly kind: 'own' | 'app' | 'baseline';
  readonly gzipBytes: number;
  readonly limitBytes: number | undefined;
  readonly passed: boolean;
}

interface Manifest {
  name: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8'),
  ) as Manifest;
}

function importTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && 'import' in entry) {
    const target = (entry as { import?: unknown }).import;
    return typeof target === 'string' ? target : undefined;
  }
  return undefined;
}

/**
 * The client's factory, `create<Vendor>Client`, as its build declares it (every vendor client
 * exports one; CONTRIBUTING.md). Undefined before the client is built.
 */
function clientFactory(vendor: string): string | undefined {
  const declarations = path.join(REPO_ROOT, 'packages', clientDir(vendor), 'dist/index.d.ts');
  if (!existsSync(declarations)) return undefined;
  const factories = [
    ...readFileSync(declarations, 'utf8').matchAll(/export declare function (create\w*Client)\(/g),
  ].map((match) => match[1]!);
  if (factories.length !== 1) {
    throw new Error(
      `${declarations}: expected one create…Client export, found ${factories.length}`,
    );
  }
  return factories[0];
}

/**
 * Node built-ins are the platform, not shipped code: a package that imports them
 * (`@org/gameboost-client/webhooks` uses `node:crypto`) has them left out like its dependencies.
 */
function importsNodeBuiltins(dir: string): boolean {
  const dist = path.join(REPO_ROOT, 'packages', dir, 'dist');
  if (!existsSync(dist)) return false;
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .some((file) => /from ['"]node:/.test(readFileSync(path.join(dist, file), 'utf8')));
}

/** The checks, derived from the packages' own `exports` and dependencies and the vendor registry. */
export function sizeChecks(): SizeLimitCheck[] {
  const checks: SizeLimitCheck[] = [];
  for (const dir of LIBRARY_PACKAGES) {
    if (!existsSync(path.join(REPO_ROOT, 'packages', dir, 'package.json'))) continue;
    const manifest = manifestOf(dir);
    const ignore = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...(importsNodeBuiltins(dir) ? ['node:*'] : []),
    ].sort();
    for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
      const target = importTarget(entry);
      if (!target || !target.endsWith('.js')) continue;
      checks.push({
        name: `${manifest.name}${subpath === '.' ? '' : subpath.slice(1)} (own code)`,
        path: path.posix.join('packages', dir, target),
        ...(ignore.length > 0 ? { ignore } : {}),
        gzip: true,
      });
    }
  }
  checks.push({
    name: BASELINE_CHECK,
    import: { 'examples/bench/size/openapi-fetch-client.js': '{ createClient }' },
    gzip: true,
  });
  for (const vendor of VENDOR_NAMES) {
    // An unbuilt client's check is skipped below (its files are missing) and keeps its budget.
    const factory = clientFactory(vendor) ?? 'createClient';
    checks.push({
      name: clientCheckName(vendor),
      import: { [`packages/${clientDir(vendor)}/dist/index.js`]: `{ ${factory} }` },
      gzip: true,
    });
  }
  // The adapter subpath's named export is the vendor's name (`import { spp } from '.../spp'`).
  for (const vendor of VENDOR_NAMES) {
    checks.push({
      name: `facade + ${vendor} + openapi-fetch`,
      import: {
        'packages/order-messaging/dist/index.js': '{ createOrderMessaging }',
        [`packages/order-messaging/dist/adapters/${vendor}.js`]: `{ ${vendor} }`,
      },
      gzip: true,
    });
  }
  return checks;
}

function absolutePaths(check: SizeLimitCheck): SizeLimitCheck {
  return {
    ...check,
    ...(check.path ? { path: path.join(REPO_ROOT, check.path) } : {}),
    ...(check.import
      ? {
          import: Object.fromEntries(
            Object.entries(check.import).map(([file, names]) => [
              path.join(REPO_ROOT, file),
              names,
            ]),
          ),
        }
      : {}),
  };
}

function kindOf(name: string): SizeResult['kind'] {
  if (name.endsWith('(own code)')) return 'own';
  if (name.endsWith('(baseline)')) return 'baseline';
  return 'app';
}

export function missingFiles(check: SizeLimitCheck): string[] {
  const files = [...(check.path ? [check.path] : []), ...Object.keys(check.import ?? {})];
  return files.filter((file) => !existsSync(path.join(REPO_ROOT, file)));
}

/** `limit` as size-limit writes it, e.g. "1234 B". */
function parseLimit(limit: string | undefined): number | undefined {
  if (!limit) return undefined;
  const match = /^(\d+)\s*B$/.exec(limit.trim());
  if (!match)
    throw new Error(`.size-limit.json: budgets are written in bytes ("1234 B"), got "${limit}"`);
  return Number(match[1]);
}

/** Budget = measured size + 10 % headroom, rounded up to 10 bytes: the rule of the type budgets too. */
export const budgetFor = headroom;

export function readSizeLimitConfig(): SizeLimitCheck[] {
  if (!existsSync(SIZE_LIMIT_CONFIG)) return [];
  return JSON.parse(readFileSync(SIZE_LIMIT_CONFIG, 'utf8')) as SizeLimitCheck[];
}

async function writeSizeLimitConfig(checks: readonly SizeLimitCheck[]): Promise<void> {
  await writeFormatted(SIZE_LIMIT_CONFIG, JSON.stringify(checks, null, 2));
}

export interface SizeLimitJsonRow {
  name: string;
  size: number;
  passed?: boolean;
  sizeLimit?: number;
}

/** Runs size-limit on a config file; returns its JSON rows (it exits 1 when a budget is exceeded). */
export function runSizeLimit(configPath: string): SizeLimitJsonRow[] {
  const bin = path.join(BENCH_DIR, 'node_modules/size-limit/bin.js');
  let stdout: string;
  try {
    // size-limit finds its plugins in the package.json of its working directory: this package's.
    stdout = execFileSync(process.execPath, [bin, '--json', '--config', configPath], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    if (!failed.stdout?.trim().startsWith('[')) {
      throw new Error(`size-limit failed:\n${failed.stderr ?? ''}${failed.stdout ?? ''}`);
    }
    stdout = failed.stdout;
  }
  return JSON.parse(stdout) as SizeLimitJsonRow[];
}

export interface SizeBenchOptions {
  /** Rewrite every budget to measured + 10 %. Otherwise only checks without a budget get one. */
  readonly updateBudgets: boolean;
}

export interface SizeBench {
  readonly results: SizeResult[];
  /** Largest inputs of each facade bundle (minified bytes before gzip), to see what would move the size. */
  readonly breakdown: Record<string, { input: string; bytes: number }[]>;
  /** Each facade bundle's minified bytes by feature (`feature-weights.ts`). */
  readonly features: Record<string, FeatureWeight[]>;
  /**
   * Each facade bundle as a code-splitting bundler ships it (esbuild `splitting`, ESM): the
   * initial chunk and what dynamic imports load on demand, min+gzip bytes. size-limit bundles
   * without splitting, so its number (the budget) is the sum: everything an application may load.
   */
  readonly firstLoad: Record<string, SplitLoad>;
  readonly skipped: string[];
}

export async function runSizeBench(options: SizeBenchOptions): Promise<SizeBench> {
  const previous = new Map(readSizeLimitConfig().map((check) => [check.name, check.limit]));
  const all = sizeChecks();
  const skipped = all.filter((check) => missingFiles(check).length > 0).map((check) => check.name);
  const checks = all.filter((check) => !skipped.includes(check.name));
  // Measured without budgets (size-limit reports sizes either way) from a scratch config, whose
  // relative paths would resolve against its own folder: hence absolute paths.
  const measuredConfig = checks.map(({ limit: _limit, ...check }) => absolutePaths(check));
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'bench-size-'));
  const scratch = path.join(scratchDir, '.size-limit.json');
  writeFileSync(scratch, JSON.stringify(measuredConfig));
  let rows: SizeLimitJsonRow[];
  try {
    rows = runSizeLimit(scratch);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
  const sizes = new Map(rows.map((row) => [row.name, row.size]));

  const withBudgets: SizeLimitCheck[] = checks.map((check) => {
    const size = sizes.get(check.name);
    if (size === undefined) throw new Error(`size-limit reported no size for "${check.name}"`);
    const kept = options.updateBudgets ? undefined : previous.get(check.name);
    return { ...check, limit: kept ?? `${budgetFor(size)} B` };
  });
  // Checks whose files are not built yet keep their old budget rather than disappearing.
  for (const name of skipped) {
    const old = readSizeLimitConfig().find((check) => check.name === name);
    if (old) withBudgets.push(old);
  }
  await writeSizeLimitConfig(withBudgets);

  const results: SizeResult[] = checks.map((check) => {
    const gzipBytes = sizes.get(check.name)!;
    const limitBytes = parseLimit(withBudgets.find((c) => c.name === check.name)?.limit);
    return {
      name: check.name,
      kind: kindOf(check.name),
      gzipBytes,
      limitBytes,
      passed: limitBytes === undefined || gzipBytes <= limitBytes,
    };
  });

  const breakdown: SizeBench['breakdown'] = {};
  const features: SizeBench['features'] = {};
  const firstLoad: SizeBench['firstLoad'] = {};
  for (const check of checks.filter((c) => c.name.startsWith('facade + '))) {
    const inputs = await bundleInputs(check);
    breakdown[check.name] = largestInputs(inputs);
    features[check.name] = weighFeatures(inputs);
    firstLoad[check.name] = await splitLoad(check);
  }
  return { results, breakdown, features, firstLoad, skipped };
}

/** An entry module that imports and uses the check's named imports, as size-limit writes it. */
export function entryContents(check: SizeLimitCheck): string {
  return Object.entries(check.import ?? {})
    .map(
      ([file, names]) =>
        `import ${names} from ${JSON.stringify(path.join(REPO_ROOT, file))};\nconsole.log(${names.replace(/[{}]/g, '').trim()});`,
    )
    .join('\n');
}

type BundleInputs = Record<string, { readonly bytesInOutput: number }>;

/** Re-bundles one import check with the same esbuild settings: its modules' minified bytes. */
export async function bundleInputs(check: SizeLimitCheck): Promise<BundleInputs> {
  const contents = entryContents(check);
  const result = await esbuild.build({
    stdin: { contents, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    treeShaking: true,
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    logLevel: 'silent',
  });
  // The application's own entry (its import lines, read from stdin) is not the library's.
  const { '<stdin>': _entry, ...inputs } = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  return inputs;
}

/** The heaviest inputs of a bundle, by package (and file, for workspace packages). */
function largestInputs(inputs: BundleInputs): { input: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const key = packageOf(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** `packages/spp-client/dist/generated/operations.js` -> `@org/spp-client generated/operations.js`. */
function packageOf(input: string): string {
  const normalized = input.replace(/\\/g, '/');
  const nodeModules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(
    normalized,
  );
  if (nodeModules) return nodeModules[1]!;
  const workspace = /packages\/([^/]+)\/dist\/(.+)$/.exec(normalized);
  if (workspace) return `@org/${workspace[1]} ${workspace[2]}`;
  return normalized;
}
