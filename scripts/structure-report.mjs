#!/usr/bin/env node
/**
 * Measures what the layout promises, for reviews and closing notes:
 * - which hand-written source files outside a vendor's own files name that vendor;
 * - per-call option spreads left in adapters (`...init`);
 * - the largest hand-written files and functions;
 * - how many names the runtime's and the facade's entry points export.
 *
 *   node scripts/structure-report.mjs            # print the report
 *   node scripts/structure-report.mjs --json     # the same as JSON
 *
 * "Hand-written source": .ts/.mjs/.js under packages/, examples/ and scripts/, without tests,
 * generated code, build output and fixtures. A vendor's own files: its spec, its client package,
 * its adapter, its sandbox module.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The vendors are redocly.yaml's `apis` (the spec registry), so this report names none itself.
const VENDORS = [
  ...readFileSync(path.join(root, 'redocly.yaml'), 'utf8').matchAll(/^  ([a-z0-9-]+):\s*$/gm),
].map((match) => match[1]);
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'generated',
  '.turbo',
  'test',
  'fixtures',
  'docs',
]);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(full, out);
    } else if (/\.(ts|mjs|js)$/.test(name) && !/\.(test|test-d)\.ts$/.test(name)) out.push(full);
  }
  return out;
}

const files = ['packages', 'examples', 'scripts']
  .flatMap((dir) => walk(path.join(root, dir)))
  .map((file) => path.relative(root, file));

function ownedBy(file, vendor) {
  return (
    file.startsWith(`packages/${vendor}-client/`) ||
    file === `packages/order-messaging/src/adapters/${vendor}.ts` ||
    file.startsWith(`packages/order-messaging/src/adapters/${vendor}/`) ||
    file === `packages/provider-sandbox/src/vendors/${vendor}.ts` ||
    file === `examples/bench/src/wire/${vendor}.ts` ||
    file.startsWith(`packages/provider-sandbox/src/vendors/${vendor}/`)
  );
}

/** The identifiers and string/template literal texts of a file: its code without comments. */
function codeWords(file) {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const words = [];
  const visit = (node) => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) words.push(node.text);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) words.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return words.join('\n');
}

function filesNaming(vendor, read) {
  const word = new RegExp(`(\\b|_|(?<=[a-z]))${vendor}(\\b|_|(?=[A-Z]))`, 'i');
  return files.filter((file) => !ownedBy(file, vendor) && word.test(read(file)));
}

const naming = Object.fromEntries(
  VENDORS.map((vendor) => [
    vendor,
    filesNaming(vendor, (f) => readFileSync(path.join(root, f), 'utf8')),
  ]),
);
const namingInCode = Object.fromEntries(
  VENDORS.map((vendor) => [vendor, filesNaming(vendor, codeWords)]),
);

const adapterDir = path.join(root, 'packages/order-messaging/src/adapters');
// An adapter is `adapters/<vendor>.ts`, with its parts (if any) under `adapters/<vendor>/`.
const spreads = walk(adapterDir)
  .filter((file) => file.endsWith('.ts'))
  .reduce(
    (count, file) =>
      count + (readFileSync(file, 'utf8').match(/\.\.\.(ctx\.)?init\b/g) ?? []).length,
    0,
  );

function functionsOf(file) {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      let name = node.name?.getText() ?? '';
      if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText();
      if (!name && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText();
      found.push({ file, name: name || '(anonymous)', lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), functions: found };
}

const sizes = files
  .filter((file) => file.endsWith('.ts') || file.endsWith('.mjs'))
  .map((file) => ({ file, ...functionsOf(file) }));
const largestFiles = [...sizes].sort((a, b) => b.lines - a.lines).slice(0, 5);
const largestFunctions = sizes
  .flatMap((entry) => entry.functions)
  .sort((a, b) => b.lines - a.lines)
  .slice(0, 5);

function exportCount(entry) {
  const file = path.join(root, entry);
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file));
  return symbol ? checker.getExportsOfModule(symbol).length : 0;
}

const exportsCount = {
  '@org/http-runtime': exportCount('packages/http-runtime/src/index.ts'),
  '@org/order-messaging': exportCount('packages/order-messaging/src/index.ts'),
};

const report = {
  filesNamingVendor: Object.fromEntries(VENDORS.map((v) => [v, naming[v].length])),
  filesNamingVendorList: naming,
  filesNamingVendorInCode: Object.fromEntries(VENDORS.map((v) => [v, namingInCode[v].length])),
  filesNamingVendorInCodeList: namingInCode,
  perCallSpreadsInAdapters: spreads,
  largestFiles: largestFiles.map(({ file, lines }) => ({ file, lines })),
  largestFunctions,
  filesOver400: sizes
    .filter((entry) => entry.lines > 400)
    .map(({ file, lines }) => ({ file, lines })),
  functionsOver120: sizes.flatMap((entry) => entry.functions).filter((f) => f.lines > 120),
  publicExports: exportsCount,
};

if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    'files naming each vendor outside its own files (comments too):',
    report.filesNamingVendor,
  );
  console.log('  ... in code (identifiers and strings):', report.filesNamingVendorInCode);
  for (const vendor of VENDORS)
    console.log(`  ${vendor} in code: ${namingInCode[vendor].join(', ')}`);
  console.log('per-call spreads in adapters:', spreads);
  console.log('largest files:', largestFiles.map((f) => `${f.file} (${f.lines})`).join(', '));
  console.log(
    'largest functions:',
    largestFunctions.map((f) => `${f.file}:${f.name} (${f.lines})`).join(', '),
  );
  console.log(
    'files over 400 lines:',
    report.filesOver400.length,
    'functions over 120:',
    report.functionsOver120.length,
  );
  console.log('public exports:', exportsCount);
}
