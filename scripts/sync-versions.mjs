#!/usr/bin/env node
// After `changeset version` bumps package.json versions, keep each published
// package's `src/version.ts` (sent in its User-Agent) in step with it.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of readdirSync(path.join(root, 'packages'))) {
  const versionFile = path.join(root, 'packages', dir, 'src', 'version.ts');
  if (!existsSync(versionFile)) continue;
  const { version } = JSON.parse(
    readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8'),
  );
  const text = readFileSync(versionFile, 'utf8');
  const next = text.replace(/PACKAGE_VERSION = '[^']*'/, `PACKAGE_VERSION = '${version}'`);
  if (next !== text) {
    writeFileSync(versionFile, next);
    console.log(`packages/${dir}: PACKAGE_VERSION = ${version}`);
  }
}
