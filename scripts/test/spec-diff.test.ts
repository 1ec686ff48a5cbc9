/**
 * `pnpm spec:diff`: spec changes classified, mapped to bumps, and checked against the pending
 * changesets, on a scratch clone of this repository where a spec is changed and committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compareSpecs, requiredBump } from '../lib/spec-changes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(root, 'scripts/spec-diff.mjs');
const spec = (vendor: string) =>
  YAML.parse(readFileSync(path.join(root, `specs/${vendor}.yaml`), 'utf8'));

describe('compareSpecs', () => {
  it.each(['mirakl', 'spp', 'omnidesk', 'gameboost'])(
    'finds nothing in an unchanged %s spec',
    (vendor) => {
      const before = spec(vendor);
      expect(compareSpecs(before, structuredClone(before))).toEqual({ kind: 'none', changes: [] });
    },
  );

  it('a request field made required is breaking', () => {
    const before = spec('spp');
    const after = structuredClone(before);
    after.components.schemas.MessageRequest.required.push('user_id');
    const { kind, changes } = compareSpecs(before, after);
    expect(kind).toBe('breaking');
    expect(changes).toEqual([
      expect.objectContaining({
        type: 'breaking',
        description: expect.stringMatching(/required status to `user_id`/),
      }),
    ]);
  });

  it('an optional response field added to a nullable alternative is not breaking', () => {
    const before = spec('spp');
    const after = structuredClone(before);
    after.components.schemas.Message.properties.edited_at = { type: 'string', format: 'date-time' };
    const { kind, changes } = compareSpecs(before, after);
    expect(kind).toBe('non-breaking');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c: { type: string }) => c.type === 'non-breaking')).toBe(true);
  });

  it('a removed operation is breaking; a reworded description is an annotation', () => {
    const before = spec('spp');
    const removed = structuredClone(before);
    delete removed.paths['/api/orders'];
    expect(compareSpecs(before, removed).kind).toBe('breaking');
    const reworded = structuredClone(before);
    reworded.info.description = 'Other words.';
    expect(compareSpecs(before, reworded).kind).toBe('annotation');
  });

  it('maps kinds to bumps, before and after 1.0', () => {
    expect(requiredBump('breaking', '0.1.0')).toBe('minor');
    expect(requiredBump('non-breaking', '0.1.0')).toBe('patch');
    expect(requiredBump('breaking', '1.2.0')).toBe('major');
    expect(requiredBump('non-breaking', '1.2.0')).toBe('minor');
    expect(requiredBump('annotation', '1.2.0')).toBe('patch');
    expect(requiredBump('none', '1.2.0')).toBe('none');
  });
});

describe('spec:diff --check on a scratch repository', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  const run = () =>
    spawnSync(process.execPath, [SCRIPT, '--check', '--json', '--repo', repo], {
      encoding: 'utf8',
    });

  // A history of its own, not this checkout's (which may be shallow): the specs, the package
  // manifests and the changeset settings, released in one commit with no pending changesets.
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'spec-diff-'));
    git('init', '-q');
    git('config', 'user.email', 'test@example.invalid');
    git('config', 'user.name', 'spec-diff test');
    const files = [
      'redocly.yaml',
      '.changeset/config.json',
      ...readdirSync(path.join(root, 'specs')).map((f) => `specs/${f}`),
      ...readdirSync(path.join(root, 'packages'))
        .map((p) => `packages/${p}/package.json`)
        .filter((f) => existsSync(path.join(root, f))),
    ];
    for (const file of files) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      copyFileSync(path.join(root, file), path.join(repo, file));
    }
    git('add', '-A');
    git('commit', '-q', '-m', 'release');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('fails on a breaking change without a changeset, and passes once one asks for the bump', () => {
    const file = path.join(repo, 'specs/spp.yaml');
    const doc = YAML.parse(readFileSync(file, 'utf8'));
    doc.components.schemas.MessageRequest.required.push('user_id');
    writeFileSync(file, YAML.stringify(doc));
    git('commit', '-qam', 'spp: user_id required');

    const failing = run();
    expect(failing.status, failing.stderr).toBe(1);
    const spp = JSON.parse(failing.stdout).find((e: { vendor: string }) => e.vendor === 'spp');
    expect(spp.kind).toBe('breaking');
    expect(spp.required['@org/spp-client']).toBe('minor');
    expect(spp.required['@org/order-messaging']).toBe('patch');
    expect(failing.stderr).toMatch(/@org\/spp-client needs a minor changeset \(pending: none\)/);

    writeFileSync(
      path.join(repo, '.changeset/spp-user-id.md'),
      "---\n'@org/spp-client': minor\n'@org/order-messaging': patch\n'@org/order-messaging-cli': patch\n---\n\nuser_id required\n",
    );
    const passing = run();
    expect(passing.status, passing.stderr).toBe(0);
    const entry = JSON.parse(passing.stdout).find((e: { vendor: string }) => e.vendor === 'spp');
    expect(entry.short).toEqual([]);
  }, 60_000);
});

describe('spec:diff on a shallow clone', () => {
  it('refuses (exit 2) rather than pass with no release to compare with', () => {
    const shallow = mkdtempSync(path.join(tmpdir(), 'spec-diff-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${root}`, shallow]);
      const result = spawnSync(process.execPath, [SCRIPT, '--check', '--repo', shallow], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/needs the whole history/);
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  }, 60_000);
});
