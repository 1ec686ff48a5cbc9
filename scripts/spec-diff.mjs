#!/usr/bin/env node
// `pnpm spec:diff [--base REF] [--check] [--json] [--repo DIR]`: what each vendor spec's changes since the
// client's last release mean for users, the bump they need (the client's and its dependents'),
// and whether the pending changesets ask for that much. `--check` exits 1 when they do not.
//
// The last release of a client is the commit that wrote its package.json's current `version`
// (`changeset version` writes it), unless `--base` names one commit for every spec. A spec that
// did not exist there belongs to an unreleased package: nothing to break yet.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { pendingBumps } from './lib/changesets.mjs';
import { atLeast, compareSpecs, requiredBump } from './lib/spec-changes.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    // Another checkout than this script's (the tests use a scratch clone).
    repo: { type: 'string' },
    check: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const root = path.resolve(
  values.repo ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** The workspace's published packages: name → { dir, version, dependents of it }. */
function workspace() {
  const dirs = git('ls-files', 'packages/*/package.json').split('\n').filter(Boolean);
  const manifests = dirs.map((file) => ({ file, pkg: readJson(file) }));
  return manifests
    .filter(({ pkg }) => !pkg.private)
    .map(({ file, pkg }) => ({
      name: pkg.name,
      dir: path.dirname(file),
      version: pkg.version,
      dependents: manifests
        .filter(({ pkg: other }) =>
          [other.dependencies, other.peerDependencies].some((deps) => deps && pkg.name in deps),
        )
        .map(({ pkg: other }) => other.name),
    }));
}

function specsOf(packages) {
  const config = YAML.parse(readFileSync(path.join(root, 'redocly.yaml'), 'utf8'));
  return Object.entries(config.apis).map(([vendor, api]) => {
    const output = api['x-openapi-ts'].output;
    const client = packages.find((p) => output.startsWith(`${p.dir}/`));
    if (!client) throw new Error(`${vendor}: no published package holds ${output}`);
    return { vendor, spec: api.root, client };
  });
}

/** The commit that wrote the client's current version (a later reformat does not count). */
function lastRelease(client) {
  const line = `"version": "${client.version}"`;
  return git('log', '-1', '--format=%H', '-S', line, '--', `${client.dir}/package.json`);
}

function specAt(ref, file) {
  try {
    return YAML.parse(git('show', `${ref}:${file}`));
  } catch {
    return undefined;
  }
}

// A shallow clone has no release commits to compare with: every spec would look new and pass.
if (git('rev-parse', '--is-shallow-repository') === 'true') {
  console.error(
    'spec:diff needs the whole history: fetch it (git fetch --unshallow) or clone with fetch-depth 0',
  );
  process.exit(2);
}

const packages = workspace();
const pending = pendingBumps(path.join(root, '.changeset'));
const report = specsOf(packages).map(({ vendor, spec, client }) => {
  const base = values.base ?? lastRelease(client);
  const before = specAt(base, spec);
  const after = YAML.parse(readFileSync(path.join(root, spec), 'utf8'));
  const { kind, changes } = before ? compareSpecs(before, after) : { kind: 'new', changes: [] };
  const bump = before ? requiredBump(kind, client.version) : 'none';
  // A bump past the client's caret range (`^0.1.0` takes 0.1.x) must reach its dependents too:
  // they widen the range and release, or their users cannot install the new client.
  const breaksRange = bump === (client.version.startsWith('0.') ? 'minor' : 'major');
  const required = {
    [client.name]: bump,
    ...Object.fromEntries(client.dependents.map((name) => [name, breaksRange ? 'patch' : 'none'])),
  };
  const short = Object.entries(required)
    .filter(([name, level]) => !atLeast(pending[name] ?? 'none', level))
    .map(([name, level]) => ({ name, required: level, pending: pending[name] ?? 'none' }));
  return { vendor, spec, base: base.slice(0, 12), kind, changes, required, short };
});

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  for (const entry of report) {
    console.log(
      `${entry.vendor}: ${entry.spec} since ${entry.base || '(never released)'}: ${entry.kind}`,
    );
    for (const change of entry.changes.slice(0, 20))
      console.log(`  ${change.type.padEnd(12)} ${change.description}`);
    if (entry.changes.length > 20) console.log(`  … ${entry.changes.length - 20} more`);
    for (const [name, level] of Object.entries(entry.required))
      if (level !== 'none')
        console.log(`  needs ${level} of ${name}; pending changesets: ${pending[name] ?? 'none'}`);
  }
}
const short = report.flatMap((entry) => entry.short.map((s) => ({ vendor: entry.vendor, ...s })));
for (const s of short)
  console.error(
    `${s.vendor}: ${s.name} needs a ${s.required} changeset (pending: ${s.pending}); add one with \`npx -y pnpm@10 changeset\``,
  );
if (values.check) process.exitCode = short.length > 0 ? 1 : 0;
