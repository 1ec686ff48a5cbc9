#!/usr/bin/env node
/**
 * API reports: the public TypeScript surface of every published package, one report per entry
 * point of its `exports` map, committed under api/<package>/<entry>.api.md ("." is `index`), so a
 * change to what users compile against shows in review.
 *
 *   node scripts/api-reports.mjs            # check: fails when a report differs from the committed
 *                                           # one, is missing, or names an entry point no longer
 *                                           # exported (CI; `pnpm api:check`)
 *   node scripts/api-reports.mjs --local    # update: rewrites the reports (`pnpm api:update`)
 *   node scripts/api-reports.mjs order-messaging http-runtime   # only these packages
 *
 * Reads the built declarations (dist/**\/*.d.ts), so it needs a build first (the pnpm scripts run
 * one). Settings shared by every report are in api-extractor.json; the entry points come from each
 * package.json, so a new export or package needs no config of its own. One compiler program (API
 * Extractor's own TypeScript) serves every entry point of every package: about 5 s in all, where a
 * program per entry point took 40.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = path.join(root, 'api');
const TEMP = path.join(root, 'node_modules/.cache/api-reports');

const args = process.argv.slice(2);
const local = args.includes('--local');
const only = args.filter((arg) => !arg.startsWith('--'));
const base = ExtractorConfig.loadFile(path.join(root, 'api-extractor.json'));
const baseCompilerOptions = JSON.parse(
  readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'),
).compilerOptions;

/** The published packages and, for each, its entry points that have type declarations. */
function publishedEntryPoints() {
  const packages = [];
  for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
    const manifestPath = path.join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private || (only.length > 0 && !only.includes(dir))) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      // The ESM declarations (`types` next to `import`); the CommonJS ones are copies of them.
      const types = typeof target === 'object' && target !== null ? target.types : undefined;
      if (typeof types !== 'string' || !types.endsWith('.d.ts')) continue;
      const name = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
      entries.push({ subpath, name, dts: path.join(root, 'packages', dir, types) });
    }
    if (entries.length > 0) packages.push({ dir, manifestPath, manifest, entries });
  }
  return packages;
}

function configFor(pkg, entry) {
  const unscoped = pkg.manifest.name.replace(/^@[^/]+\//, '');
  return ExtractorConfig.prepare({
    configObject: {
      ...base,
      projectFolder: path.dirname(pkg.manifestPath),
      mainEntryPointFilePath: entry.dts,
      compiler: {
        overrideTsconfig: {
          compilerOptions: { ...baseCompilerOptions, noEmit: true },
          files: allEntryPoints,
        },
      },
      apiReport: {
        ...base.apiReport,
        reportFileName: entry.name,
        reportFolder: path.join(REPORTS, unscoped),
        reportTempFolder: path.join(TEMP, unscoped),
      },
    },
    configObjectFullPath: path.join(root, 'api-extractor.json'),
    packageJsonFullPath: pkg.manifestPath,
  });
}

const started = performance.now();
const problems = [];
let count = 0;
const packages = publishedEntryPoints();
const allEntryPoints = packages.flatMap((p) => p.entries.map((e) => e.dts)).filter(existsSync);
let compilerState;
for (const pkg of packages) {
  const unscoped = pkg.manifest.name.replace(/^@[^/]+\//, '');
  if (local) mkdirSync(path.join(REPORTS, unscoped), { recursive: true });
  for (const entry of pkg.entries) {
    if (!existsSync(entry.dts)) {
      problems.push(`${pkg.manifest.name}: ${entry.dts} is missing; build first`);
      continue;
    }
    const config = configFor(pkg, entry);
    compilerState ??= CompilerState.create(config, {
      additionalEntryPoints: allEntryPoints,
    });
    const label = `${pkg.manifest.name}${entry.subpath.slice(1)}`;
    const result = Extractor.invoke(config, {
      localBuild: local,
      printApiReportDiff: !local,
      compilerState,
      messageCallback(message) {
        // Its preamble ("Analysis will use the bundled TypeScript version") and progress lines are
        // noise here; the diff of a changed report and any error are what CI should show.
        if (
          message.category === 'console' &&
          message.logLevel !== 'error' &&
          message.messageId !== 'console-api-report-diff'
        ) {
          message.handled = true;
        }
      },
    });
    count += 1;
    const report = path.relative(root, config.reportFilePath);
    if (!result.succeeded) {
      problems.push(
        result.apiReportChanged
          ? `${label}: its public API differs from ${report} (the diff is above)`
          : `${label}: ${result.errorCount} error(s), ${result.warningCount} warning(s)`,
      );
    } else if (result.apiReportChanged) {
      console.log(`updated ${report}`);
    }
  }
  // A report whose entry point is gone: stale in check mode, deleted in update mode.
  const folder = path.join(REPORTS, unscoped);
  const expected = new Set(pkg.entries.map((e) => `${e.name}.api.md`));
  for (const file of existsSync(folder) ? readdirSync(folder) : []) {
    if (expected.has(file)) continue;
    if (local) {
      rmSync(path.join(folder, file));
      console.log(`removed api/${unscoped}/${file} (no such entry point)`);
    } else problems.push(`api/${unscoped}/${file}: no such entry point in ${pkg.manifest.name}`);
  }
}
if (only.length === 0) {
  const known = new Set(packages.map((p) => p.manifest.name.replace(/^@[^/]+\//, '')));
  mkdirSync(REPORTS, { recursive: true });
  for (const folder of readdirSync(REPORTS)) {
    if (known.has(folder)) continue;
    if (local) {
      rmSync(path.join(REPORTS, folder), { recursive: true });
      console.log(`removed api/${folder}/ (no such published package)`);
    } else problems.push(`api/${folder}/: no such published package`);
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(problems.map((p) => `✗ ${p}`).join('\n'));
  if (!local) {
    console.error(
      '\nIf the change is intended, run `npx -y pnpm@10 api:update` and commit the api/ folder.',
    );
  }
  process.exit(1);
}
console.log(
  `${count} API report(s) of ${packages.length} package(s) ${local ? 'written' : 'match'} (${seconds} s)`,
);
