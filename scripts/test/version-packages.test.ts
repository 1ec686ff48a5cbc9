/**
 * `pnpm version-packages` (scripts/version-packages.mjs, then `changeset version`) on a copy of the
 * workspace's manifests and changeset settings, with no pending changeset but the one each test
 * writes: what a client's minor release does to the facade and to the packages above it.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(root, 'scripts/version-packages.mjs');
const FACADE = '@org/order-messaging';
const QUEUE = '@org/order-messaging-queue';
const CLI = '@org/order-messaging-cli';

type Manifest = {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
};

/** `x.y.z` bumped by `level`. */
function bump(version: string, level: 'patch' | 'minor'): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return level === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
}

describe('version-packages: a client minor and the packages that depend on it', () => {
  let dir: string;
  let dirs: Map<string, string>;
  const manifest = (name: string): Manifest =>
    JSON.parse(readFileSync(path.join(dir, dirs.get(name)!, 'package.json'), 'utf8'));
  const changelog = (name: string) =>
    readFileSync(path.join(dir, dirs.get(name)!, 'CHANGELOG.md'), 'utf8');
  const released = (name: string) => existsSync(path.join(dir, dirs.get(name)!, 'CHANGELOG.md'));
  const version = () =>
    execFileSync(process.execPath, [SCRIPT, '--root', dir], { encoding: 'utf8' });

  // The facade's first client (by name): which one does not matter.
  const facadeBefore = JSON.parse(
    readFileSync(path.join(root, 'packages/order-messaging/package.json'), 'utf8'),
  ) as Manifest;
  const client = Object.keys(facadeBefore.peerDependencies ?? {}).sort()[0]!;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'version-packages-'));
    dirs = new Map();
    const files = ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'];
    for (const pkg of readdirSync(path.join(root, 'packages'))) {
      const file = `packages/${pkg}/package.json`;
      if (!existsSync(path.join(root, file))) continue;
      files.push(file);
      dirs.set(JSON.parse(readFileSync(path.join(root, file), 'utf8')).name, `packages/${pkg}`);
    }
    for (const file of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      copyFileSync(path.join(root, file), path.join(dir, file));
    }
    writeFileSync(
      path.join(dir, '.changeset/client-minor.md'),
      `---\n'${client}': minor\n---\n\nA breaking change of the client.\n`,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the facade then requires the new client: a minor before 1.0, whose changelog says why', () => {
    const before = Object.fromEntries([client, FACADE, QUEUE, CLI].map((n) => [n, manifest(n)]));
    version();

    const next = bump(before[client]!.version, 'minor');
    expect(manifest(client).version).toBe(next);
    // Was 1.0.0 under "Patch Changes": changesets bumps a peer dependent by major when the peer
    // leaves its range, and before 1.0 every minor leaves a caret range.
    expect(manifest(FACADE).version).toBe(bump(before[FACADE]!.version, 'minor'));
    expect(changelog(FACADE)).toContain(
      `## ${manifest(FACADE).version}\n\n### Minor Changes\n\n` +
        `- Requires \`${client}\` ^${next} (peer dependency; was ^${before[client]!.version}): `,
    );
    // Published as `^<new version>`; the lockfile's specifier is unchanged.
    expect(manifest(FACADE).peerDependencies?.[client]).toBe('workspace:^');

    // The queue has the facade as a peer, the CLI the queue: each requires the new version above it.
    expect(manifest(QUEUE).version).toBe(bump(before[QUEUE]!.version, 'minor'));
    expect(changelog(QUEUE)).toContain(`- Requires \`${FACADE}\` ^${manifest(FACADE).version}`);
    expect(manifest(CLI).version).toBe(bump(before[CLI]!.version, 'minor'));
    expect(changelog(CLI)).toContain(`- Requires \`${QUEUE}\` ^${manifest(QUEUE).version}`);
    for (const name of dirs.keys()) expect(manifest(name).version).toMatch(/^0\./);
  });

  it('with the range widened by hand, the facade releases a patch that accepts the new client', () => {
    const current = manifest(client).version;
    const next = bump(current, 'minor');
    const facadeFile = path.join(dir, dirs.get(FACADE)!, 'package.json');
    const facade = manifest(FACADE);
    const widened = `workspace:^${current} || ^${next}`;
    facade.peerDependencies![client] = widened;
    writeFileSync(facadeFile, `${JSON.stringify(facade, null, 2)}\n`);
    const queueBefore = manifest(QUEUE).version;
    version();

    expect(manifest(client).version).toBe(next);
    expect(manifest(FACADE).version).toBe(bump(facade.version, 'patch'));
    expect(changelog(FACADE)).toContain(
      `## ${manifest(FACADE).version}\n\n### Patch Changes\n\n` +
        `- Accepts \`${client}\` ${next} as well (peer dependency range ^${current} || ^${next})`,
    );
    expect(manifest(FACADE).peerDependencies?.[client]).toBe(widened);
    // A facade patch stays inside the queue's range: the queue has nothing to release.
    expect(manifest(QUEUE).version).toBe(queueBefore);
    expect(released(QUEUE)).toBe(false);
  });
});
