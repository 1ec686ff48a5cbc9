#!/usr/bin/env node
// The CommonJS half of a published package: run from the package directory after `tsc`.
//
// `tsc -p tsconfig.build.json` writes the ESM build (dist/**/*.js and its .d.ts). This script
// converts that same JavaScript, file by file, into CommonJS under dist/cjs with TypeScript's own
// CommonJS emit (`ts.transpileModule`, esModuleInterop; no bundling: each `import './x.js'`
// becomes `require('./x.js')`, resolved inside dist/cjs, and `import('x')` a `require('x')`), writes
// dist/cjs/package.json {"type":"commonjs"} so Node and TypeScript read the folder as CommonJS,
// and copies every declaration file next to its CommonJS twin, where TypeScript reads it as
// CommonJS types. The package's `exports` send `require` to dist/cjs and `import` to dist.
//
// Not converted: the package's bin targets (ESM entry points with top-level await; a bin is run,
// never required). `import.meta.url` is the one `import.meta` property a library file may use; in
// CommonJS it becomes the file's own URL. Any other `import.meta` use, or top-level await in a
// library file, fails the build. Dependencies published as ESM only (entities) are loaded with
// Node's require(esm), on by default from Node 20.19 (the packages' engines floor).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileFunction } from 'node:vm';
import ts from 'typescript';

const packageDir = process.cwd();
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const distDir = path.join(packageDir, 'dist');
const cjsDir = path.join(distDir, 'cjs');
if (!existsSync(distDir)) throw new Error(`${manifest.name}: no dist/; run tsc first`);

const bins = new Set(
  Object.values(
    typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}),
  ).map((target) => path.resolve(packageDir, target)),
);
// A bin may be a committed shim that imports the built entry point (bin/x.js → dist/x.js).
for (const target of [...bins]) {
  const source = readFileSync(target, 'utf8');
  for (const [, specifier] of source.matchAll(/import\s+['"](\.[^'"]+)['"]/g))
    bins.add(path.resolve(path.dirname(target), specifier));
}

/** Every file under dir (relative paths), skipping dist/cjs itself. */
function walk(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== cjsDir) out.push(...walk(full, base));
    } else out.push(path.relative(base, full));
  }
  return out;
}

rmSync(cjsDir, { recursive: true, force: true });
const files = walk(distDir);
const isBin = (rel) => bins.has(path.join(distDir, rel));
const scripts = files.filter((rel) => rel.endsWith('.js') && !isBin(rel));
const declarations = files.filter(
  (rel) => rel.endsWith('.d.ts') && !isBin(rel.replace(/\.d\.ts$/, '.js')),
);
if (scripts.length === 0) throw new Error(`${manifest.name}: no JavaScript in dist/`);

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
for (const rel of scripts) {
  const from = path.join(distDir, rel);
  const to = path.join(cjsDir, rel);
  const source = readFileSync(from, 'utf8').replace(
    IMPORT_META_URL,
    'require("node:url").pathToFileURL(__filename).href',
  );
  if (/\bimport\.meta\b/.test(source))
    throw new Error(`${rel}: import.meta (other than import.meta.url) has no CommonJS equivalent`);
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    fileName: rel,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
      removeComments: false,
    },
  });
  if (diagnostics.length > 0)
    throw new Error(
      `${rel}: ${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => packageDir, getNewLine: () => '\n' })}`,
    );
  const code = outputText.replace(/^\/\/# sourceMappingURL=.*$/m, '').trimEnd() + '\n';
  // Top-level await and other ESM-only syntax would only fail when required; fail the build instead.
  try {
    compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], {
      filename: to,
    });
  } catch (error) {
    throw new Error(`${rel}: not valid CommonJS after conversion: ${error.message}`);
  }
  mkdirSync(path.dirname(to), { recursive: true });
  writeFileSync(to, code);
}

for (const rel of declarations) {
  const to = path.join(cjsDir, rel);
  mkdirSync(path.dirname(to), { recursive: true });
  const text = readFileSync(path.join(distDir, rel), 'utf8');
  // Declaration maps stay where tsc wrote them (next to the ESM declarations).
  const mapDir = path.relative(path.dirname(to), path.dirname(path.join(distDir, rel)));
  writeFileSync(
    to,
    text.replace(
      /^\/\/# sourceMappingURL=(.+)$/m,
      (_, map) => `//# sourceMappingURL=${path.posix.join(mapDir.split(path.sep).join('/'), map)}`,
    ),
  );
}
writeFileSync(path.join(cjsDir, 'package.json'), '{\n  "type": "commonjs"\n}\n');
console.log(
  `${manifest.name}: CommonJS build in dist/cjs (${scripts.length} modules, ${declarations.length} declaration files)`,
);
