/**
 * `pnpm spec:diff`: spec changes classified, mapped to bumps, and checked against the pending
 * changesets, on a scratch clone of this repository where a spec is changed and committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('spec:diff --check on a scratch clone', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  const run = () =>
    spawnSync(process.execPath, [SCRIPT, '--check', '--json', '--repo', repo], {
      encoding: 'utf8',
    });

  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'spec-diff-'));
    execFileSync('git', ['clone', '-q', '--no-hardlinks', root, repo]);
    git('config', 'user.email', 'test@example.invalid');
    git('config', 'user.name', 'spec-diff test');
    // Start from no pending changesets: the ones on main are not this test's.
    git('rm', '-q', '--ignore-unmatch', '.changeset/*-*.md', '.changeset/[a-z]*.md');
    git('checkout', '-q', 'HEAD', '--', '.changeset/README.md', '.changeset/config.json');
    git('commit', '-q', '--allow-empty', '-m', 'no pending changesets');
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
    // Other specs changed since their release too; only SPP's entry is this test's.
    const passing = JSON.parse(run().stdout).find((e: { vendor: string }) => e.vendor === 'spp');
    expect(passing.short).toEqual([]);
  }, 60_000);
});
