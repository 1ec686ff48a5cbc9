#!/usr/bin/env node
// Checks every published package the way a registry user would meet it:
// packs it with pnpm (workspace: ranges rewritten), then
//   - the tarball holds the built entry points and type declarations of every export,
//     and no tests, sources maps of tests, env files or node_modules;
//   - publint (strict) finds nothing;
//   - the tarball holds LICENSE, identical to the repository's; a client package (`*-client`) also
//     holds the spec it is generated from (dist/specs/<vendor>.yaml, identical to specs/) and its
//     README names that file;
//   - @arethetypeswrong/cli resolves the types under every resolution mode (node10, node16 and
//     nodenext from CommonJS and from ESM, bundler), with no problem of any kind.
// Needs `pnpm build` first. Exits non-zero on the first package with a problem, after listing all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'om-pack-'));
const FORBIDDEN = [
  /^package\/test\//,
  /\.test\.[cm]?[jt]s$/,
  /\.test-d\.ts$/,
  /(^|\/)\.env/,
  /node_modules\//,
  /\.tsbuildinfo$/,
];
let problems = 0;

function exportTargets(exportsField) {
  const targets = [];
  const walk = (node) => {
    if (typeof node === 'string') targets.push(node);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(exportsField);
  return targets.filter((t) => t.startsWith('./') && !t.endsWith('package.json'));
}

/** One file of a tarball, as text. */
function tarText(tarPath, member) {
  return execFileSync('tar', ['-xzOf', tarPath, member], { encoding: 'utf8' });
}

const only = process.argv.slice(2);
for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
  if (only.length > 0 && !only.includes(dir)) continue;
  const pkgDir = path.join(root, 'packages', dir);
  const manifestPath = path.join(pkgDir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  const issues = [];

  const packed = execFileSync('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', outDir], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tarball = packed
    .trim()
    .split('\n')
    .filter((l) => l.endsWith('.tgz'))
    .pop();
  if (!tarball) throw new Error(`${manifest.name}: pnpm pack printed no tarball path`);
  const tarPath = path.isAbsolute(tarball) ? tarball : path.join(outDir, path.basename(tarball));
  const files = execFileSync('tar', ['-tzf', tarPath], { encoding: 'utf8' }).trim().split('\n');

  for (const target of exportTargets(manifest.exports)) {
    if (!files.includes(`package/${target.slice(2)}`))
      issues.push(`export target missing from tarball: ${target}`);
  }
  const license = readFileSync(path.join(root, 'LICENSE'), 'utf8');
  if (!files.includes('package/LICENSE')) issues.push('LICENSE missing from tarball');
  else if (tarText(tarPath, 'package/LICENSE') !== license)
    issues.push("the tarball's LICENSE differs from the repository's LICENSE");
  const vendor = /^@org\/(.+)-client$/.exec(manifest.name)?.[1];
  if (vendor) {
    const spec = `dist/specs/${vendor}.yaml`;
    if (!files.includes(`package/${spec}`)) issues.push(`spec missing from tarball: ${spec}`);
    else if (
      tarText(tarPath, `package/${spec}`) !==
      readFileSync(path.join(root, 'specs', `${vendor}.yaml`), 'utf8')
    )
      issues.push(`${spec} in the tarball differs from specs/${vendor}.yaml`);
    if (!tarText(tarPath, 'package/README.md').includes(spec))
      issues.push(`README.md does not name the shipped spec (${spec})`);
  }
  for (const file of files) {
    if (FORBIDDEN.some((re) => re.test(file))) issues.push(`should not be published: ${file}`);
  }
  for (const field of ['license', 'repository', 'engines', 'exports', 'files']) {
    if (!manifest[field]) issues.push(`package.json has no "${field}"`);
  }
  if (manifest.sideEffects !== false && !manifest.bin)
    issues.push('package.json: "sideEffects" should be false');

  const bytes = readFileSync(tarPath);
  const tarballBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages } = await publint({ pack: { tarball: tarballBuffer }, strict: true });
  for (const message of messages)
    issues.push(`publint ${message.type}: ${formatMessage(message, manifest)}`);

  try {
    execFileSync(
      path.join(root, 'node_modules/.bin/attw'),
      [tarPath, '--profile', 'strict', '--format', 'ascii'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    issues.push(`attw:\n${error.stdout || error.message}`);
  }

  const unpacked = files.length;
  if (issues.length === 0) {
    console.log(`ok   ${manifest.name}@${manifest.version} (${unpacked} files)`);
  } else {
    problems += issues.length;
    console.log(`FAIL ${manifest.name}@${manifest.version}`);
    for (const issue of issues) console.log(`     - ${issue}`);
  }
}
rmSync(outDir, { recursive: true, force: true });
if (problems > 0) {
  console.log(`${problems} packaging problem(s)`);
  process.exit(1);
}
