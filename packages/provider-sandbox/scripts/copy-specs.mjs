// Copies the repository's vendor specs into dist/specs, so the published package
// validates against the specs it was built with (src/spec/load.ts looks there first).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.resolve(packageDir, '..', '..', 'specs');
const to = path.join(packageDir, 'dist', 'specs');
const specs = readdirSync(from).filter((name) => name.endsWith('.yaml'));
if (specs.length === 0) throw new Error(`No specs in ${from}`);
mkdirSync(to, { recursive: true });
for (const name of specs) copyFileSync(path.join(from, name), path.join(to, name));
console.log(`copied ${specs.length} specs to ${path.relative(packageDir, to)}`);
