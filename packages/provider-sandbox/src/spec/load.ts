/** Finding the `<vendor>.yaml` specs and compiling each once per process. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { compileSpec } from './compile.js';
import type { CompiledSpec, Json } from './model.js';

/** `dist/specs` of a built package, else the repository's `specs/` when running from source. */
export function defaultSpecsDir(): string {
  // `dist/` when built (`dist/cjs/` for the CommonJS build), `src/` when run from source.
  const codeRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const candidates = [
    path.join(codeRoot, 'specs'),
    ...(path.basename(codeRoot) === 'cjs' ? [path.resolve(codeRoot, '..', 'specs')] : []),
    path.resolve(codeRoot, '..', '..', '..', 'specs'),
  ];
  for (const dir of candidates) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.yaml'))) return dir;
  }
  throw new Error(`No vendor specs found; looked in ${candidates.join(' and ')}`);
}

const compiled = new Map<string, { mtimeMs: number; spec: CompiledSpec }>();

/** Compiling a spec takes a while; the result is shared by every sandbox in the process. */
export function loadSpec(vendor: string, specsDir: string): CompiledSpec {
  const file = path.join(specsDir, `${vendor}.yaml`);
  if (!existsSync(file)) throw new Error(`Spec for vendor "${vendor}" not found at ${file}`);
  const { mtimeMs } = statSync(file);
  const cached = compiled.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.spec;
  const document = YAML.parse(readFileSync(file, 'utf8')) as Json;
  const spec = compileSpec(vendor, document);
  compiled.set(file, { mtimeMs, spec });
  return spec;
}
