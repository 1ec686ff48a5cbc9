#!/usr/bin/env node
/**
 * `changeset version` with peer dependencies that mean what they say (`pnpm version-packages`).
 *
 * Changesets gives a package a major bump whenever a peer dependency's next version leaves the
 * range it declares, and before 1.0 every minor leaves a caret range (`^0.1.0` stops before
 * 0.2.0): a minor of a client made the facade 1.0.0, under "Patch Changes". So, before
 * `changeset version`, for each peer dependency between workspace packages that the pending
 * changesets move to a new version:
 *
 *  - outside the dependent's range (`workspace:^`, published as `^<version at release>`): the
 *    dependent's next release requires the new version, which its users must install with it.
 *    That is a breaking change for them: a minor bump before 1.0, a major from 1.0.
 *  - still inside a range written wider by hand (`workspace:^0.1.0 || ^0.2.0`, because the
 *    dependent still works with the older line): the dependent only accepts more, and releases a
 *    patch so that the wider range reaches the registry.
 *
 * Each case writes a changeset for the dependent with that bump and a line saying why (its
 * changelog entry), which may carry the dependent past its own dependents' ranges in turn. A range
 * the release leaves is widened to the new version while changesets plans the release (with
 * `onlyUpdatePeerDependentsWhenOutOfRange` in .changeset/config.json, a peer inside its range no
 * longer forces a major), then written back as `workspace:^`.
 *
 *   node scripts/version-packages.mjs              # then sync-versions and prettier (the pnpm script)
 *   node scripts/version-packages.mjs --dry-run    # print what the peer ranges require, change nothing
 *   node scripts/version-packages.mjs --root DIR   # another workspace (tests)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import semver from 'semver';
import { pendingBumps } from './lib/changesets.mjs';
import { LEVELS } from './lib/spec-changes.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { root: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
});
const root = path.resolve(values.root ?? repo);
const changesetDir = path.join(root, '.changeset');

/** Published workspace packages: name → { file, manifest }. */
function workspacePackages() {
  const packages = new Map();
  for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
    const file = path.join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (!manifest.private) packages.set(manifest.name, { file, manifest });
  }
  return packages;
}

/** The semver range a `workspace:` specifier stands for, given the peer's current version. */
function rangeOf(specifier, version) {
  const range = specifier.replace(/^workspace:/, '');
  if (range === '^' || range === '~') return `${range}${version}`;
  if (range === '*') return version;
  return range;
}

const atLeast = (level, other) => LEVELS.indexOf(level) >= LEVELS.indexOf(other);

/**
 * What the pending bumps do to each peer dependency between workspace packages, to a fixed point:
 * a dependent's new bump can move it past its own dependents' ranges.
 */
function plan(packages, pending) {
  const bumps = { ...pending };
  const nextVersion = (name) => {
    const { version } = packages.get(name).manifest;
    return bumps[name] ? semver.inc(version, bumps[name]) : version;
  };
  const edges = new Map();
  for (let changed = true; changed;) {
    changed = false;
    for (const [dependent, { manifest }] of packages) {
      for (const [peer, specifier] of Object.entries(manifest.peerDependencies ?? {})) {
        if (!packages.has(peer) || !bumps[peer] || !specifier.startsWith('workspace:')) continue;
        const current = packages.get(peer).manifest.version;
        const range = rangeOf(specifier, current);
        const next = nextVersion(peer);
        let kind;
        if (!semver.satisfies(next, range)) kind = 'requires';
        else if (!semver.satisfies(next, `^${current}`)) kind = 'accepts';
        else continue;
        const bump =
          kind === 'accepts' ? 'patch' : semver.major(manifest.version) === 0 ? 'minor' : 'major';
        edges.set(`${dependent} ${peer}`, { dependent, peer, specifier, range, next, kind, bump });
        if (!atLeast(bumps[dependent] ?? 'none', bump)) {
          bumps[dependent] = bump;
          changed = true;
        }
      }
    }
  }
  return [...edges.values()];
}

function changelogLine({ peer, range, next, kind }) {
  return kind === 'requires'
    ? `Requires \`${peer}\` ^${next} (peer dependency; was ${range}): ${next} is a breaking ` +
        `release of \`${peer}\`, and this version is built against it. Upgrade both together.`
    : `Accepts \`${peer}\` ${next} as well (peer dependency range ${range}), so it installs ` +
        `beside this version without a peer conflict.`;
}

const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const packages = workspacePackages();
const edges = plan(packages, pendingBumps(changesetDir));
for (const edge of edges) {
  console.log(`${edge.dependent}: ${edge.bump} — ${changelogLine(edge)}`);
}
if (values['dry-run']) process.exit(0);

const pinned = [];
for (const edge of edges) {
  const unscoped = (name) => name.replace(/^@[^/]+\//, '');
  writeFileSync(
    path.join(changesetDir, `peer-${unscoped(edge.dependent)}--${unscoped(edge.peer)}.md`),
    `---\n'${edge.dependent}': ${edge.bump}\n---\n\n${changelogLine(edge)}\n`,
  );
  if (edge.kind === 'requires') {
    const { file, manifest } = packages.get(edge.dependent);
    manifest.peerDependencies[edge.peer] = `workspace:${edge.range} || ^${edge.next}`;
    writeJson(file, manifest);
    pinned.push(edge);
  }
}

execFileSync(path.join(repo, 'node_modules/.bin/changeset'), ['version'], {
  cwd: root,
  stdio: 'inherit',
});

// `workspace:^` means `^<new version>` once the versions are written, and keeps the lockfile's
// specifier; a range that was written wider by hand is left behind by this release.
for (const edge of pinned) {
  const { file } = packages.get(edge.dependent);
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.peerDependencies[edge.peer] = 'workspace:^';
  writeJson(file, manifest);
  if (edge.specifier !== 'workspace:^') {
    console.log(
      `${edge.dependent}: peer ${edge.peer} is now workspace:^ (was ${edge.specifier}); run \`npx -y pnpm@10 install\` to update the lockfile`,
    );
  }
}
