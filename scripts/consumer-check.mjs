#!/usr/bin/env node
// Installs the packed packages the way a consumer does and sends through them.
//
// Packs every published package (`pnpm pack`, workspace: ranges rewritten), installs the
// tarballs with npm into one project in the system temp directory (outside the workspace, so
// nothing resolves through it; third-party dependencies come from the npm registry), then runs
// four consumers from its subfolders:
//   esm           plain JavaScript, `import` (.mjs)
//   cjs           plain JavaScript, `require()` (.cjs)
//   ts-nodenext   TypeScript, module/moduleResolution nodenext, one CommonJS file (.cts) and one
//                 ESM file (.mts), compiled with the repository's TypeScript, then run
//   ts-bundler    TypeScript, module preserve + moduleResolution bundler, compiled, then run
// Each loads every export of every package (checking it is the CommonJS or the ESM build, as its
// format asks), starts the provider sandbox from the packed @org/provider-sandbox, sends one
// message per vendor through the facade and finds it in the order's listing. The two bins run
// with --help. Needs `pnpm build` first. Exits non-zero, naming the failed consumer, on any problem.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(path.join(tmpdir(), 'om-consumers-'));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

function run(command, args, options = {}) {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim();
    throw new Error(
      `${[command, ...args].join(' ')} failed (in ${options.cwd ?? root}):\n${output}`,
    );
  }
}

// 1. Pack.
const tarballDir = path.join(work, 'tarballs');
mkdirSync(tarballDir);
const packages = [];
for (const dir of readdirSync(path.join(root, 'packages')).sort()) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (manifest.private) continue;
  const subpaths = Object.keys(manifest.exports).filter(
    (key) => key !== './package.json' && !key.endsWith('.json'),
  );
  packages.push({
    name: manifest.name,
    dir,
    tarball: path.join(
      tarballDir,
      `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
    ),
    specifiers: subpaths.map((key) =>
      key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
    ),
  });
}
run(
  'npx',
  [
    '-y',
    'pnpm@10',
    '-r',
    ...packages.flatMap((pkg) => ['--filter', `./packages/${pkg.dir}`]),
    'pack',
    '--pack-destination',
    tarballDir,
  ],
  { cwd: root },
);
const missing = packages.filter((pkg) => !existsSync(pkg.tarball));
if (missing.length > 0)
  throw new Error(`pnpm pack wrote no ${missing.map((pkg) => pkg.tarball).join(', ')}`);
const specifiers = packages.flatMap((pkg) => pkg.specifiers);
console.log(
  `packed ${packages.length} packages (${specifiers.length} entry points) [${elapsed()}]`,
);

// 2. Install them, outside the workspace, as a consumer would.
const project = path.join(work, 'consumer');
mkdirSync(project);
writeFileSync(
  path.join(project, 'package.json'),
  JSON.stringify({ name: 'om-consumer-check', version: '0.0.0', private: true }, null, 2),
);
const typesNode = JSON.parse(
  readFileSync(path.join(root, 'node_modules/@types/node/package.json'), 'utf8'),
).version;
run(
  'npm',
  [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    ...packages.map((pkg) => pkg.tarball),
    `@types/node@${typesNode}`,
  ],
  { cwd: project },
);
console.log(`npm installed the tarballs into ${project} [${elapsed()}]`);

// 3. The consumers. One body, written in each module syntax.
const names = specifiers.map((_, i) => `m${i}`);
const body = (variant, format) => {
  const t = (typed) => (format === 'ts' ? typed : '');
  return `
const entryPoints${t(': Record<string, object>')} = {
${specifiers.map((s, i) => `  ${JSON.stringify(s)}: ${names[i]},`).join('\n')}
};

async function main()${t(': Promise<void>')} {
  for (const [specifier, namespace] of Object.entries(entryPoints)) {
    if (Object.keys(namespace).length === 0) throw new Error(\`\${specifier} exports nothing\`);
  }
  const loaded = whichBuild();
  console.log(\`${variant}: loaded \${Object.keys(entryPoints).length} entry points (\${loaded})\`);

  const sandbox = await startSandbox({ port: 0 });
  try {
    const access = sandbox.vendors${t(' as unknown as Readonly<Record<string, Record<string, unknown>>>')};
    const seed = sandbox.seed${t(' as unknown as Readonly<Record<string, unknown>>')};
    const descriptors${t(': readonly AnyVendorDescriptor[]')} = VENDORS;
    const messaging = createOrderMessaging({
      connections: Object.fromEntries(
        descriptors.map((d) => [d.name, d.createAdapter(d.toOptions(d.sandbox.settings(access[d.name]${t('!')})))]),
      ),
      timeoutMs: 10_000,
    });
    for (const d of descriptors) {
      const orderId = d.sandbox.exampleOrder(seed[d.name]);
      const sent = await messaging.send(d.name, { orderId, text: 'consumer check (${variant})' });
      const listed = await messaging.listAll(d.name, { orderId });
      if (!listed.some((message) => message.id === sent.message.id))
        throw new Error(\`${variant}: \${d.name}: sent message \${sent.message.id} is not listed on order \${orderId}\`);
      console.log(\`${variant}: \${d.name.padEnd(9)} sent message \${sent.message.id} on order \${orderId}, listed back\`);
    }
    try {
      await messaging.send(descriptors[0].name, { orderId: '', text: '' });
      throw new Error('${variant}: an empty send was not refused');
    } catch (error) {
      if (!isOrderMessagingError(error)) throw error;
    }
  } finally {
    await sandbox.close();
  }
}

main().catch((error${t(': unknown')}) => {
  console.error(error);
  process.exit(1);
});
`;
};

const esmHeader = (ts) =>
  [
    ...specifiers.map((s, i) => `import * as ${names[i]} from '${s}';`),
    `import { startSandbox } from '@org/provider-sandbox';`,
    `import { createOrderMessaging, isOrderMessagingError } from '@org/order-messaging';`,
    `import { VENDORS${ts ? ', type AnyVendorDescriptor' : ''} } from '@org/order-messaging/vendors';`,
    `function whichBuild()${ts ? ': string' : ''} {`,
    `  const file = import.meta.resolve('@org/order-messaging');`,
    `  if (!file.endsWith('/@org/order-messaging/dist/index.js')) throw new Error('not the ESM build: ' + file);`,
    `  return 'ESM build';`,
    `}`,
  ].join('\n');
const cjsHeader = (ts) =>
  [
    ...specifiers.map((s, i) =>
      ts ? `import * as ${names[i]} from '${s}';` : `const ${names[i]} = require('${s}');`,
    ),
    ts
      ? `import { startSandbox } from '@org/provider-sandbox';`
      : `const { startSandbox } = require('@org/provider-sandbox');`,
    ts
      ? `import { createOrderMessaging, isOrderMessagingError } from '@org/order-messaging';`
      : `const { createOrderMessaging, isOrderMessagingError } = require('@org/order-messaging');`,
    ts
      ? `import { VENDORS, type AnyVendorDescriptor } from '@org/order-messaging/vendors';`
      : `const { VENDORS } = require('@org/order-messaging/vendors');`,
    `function whichBuild()${ts ? ': string' : ''} {`,
    `  const file = require.resolve('@org/order-messaging');`,
    `  if (!file.endsWith(require('node:path').join('@org', 'order-messaging', 'dist', 'cjs', 'index.js')))`,
    `    throw new Error('not the CommonJS build: ' + file);`,
    `  const esm = Object.keys(require.cache).filter((f) => /@org[\\\\/][^\\\\/]+[\\\\/]dist[\\\\/](?!cjs)/.test(f));`,
    `  if (esm.length > 0) throw new Error('required an ESM build: ' + esm[0]);`,
    `  return 'CommonJS build, ' + Object.keys(require.cache).filter((f) => f.includes('@org')).length + ' @org modules in require.cache';`,
    `}`,
  ].join('\n');

const tsBase = {
  strict: true,
  target: 'ES2022',
  lib: ['ES2023', 'DOM'],
  types: ['node'],
  skipLibCheck: false,
  noEmitOnError: true,
};
const consumers = [
  {
    variant: 'esm',
    files: { 'main.mjs': esmHeader(false) + body('esm', 'js') },
    run: ['main.mjs'],
  },
  {
    variant: 'cjs',
    files: { 'main.cjs': cjsHeader(false) + body('cjs', 'js') },
    run: ['main.cjs'],
  },
  {
    variant: 'ts-nodenext',
    files: {
      'main.cts': cjsHeader(true) + body('ts-nodenext (CommonJS)', 'ts'),
      'main.mts': esmHeader(true) + body('ts-nodenext (ESM)', 'ts'),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          ...tsBase,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          outDir: 'out',
        },
        files: ['main.cts', 'main.mts'],
      }),
    },
    compile: true,
    run: ['out/main.cjs', 'out/main.mjs'],
  },
  {
    variant: 'ts-bundler',
    files: {
      'package.json': JSON.stringify({ type: 'module' }),
      'main.ts': esmHeader(true) + body('ts-bundler', 'ts'),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          ...tsBase,
          module: 'preserve',
          moduleResolution: 'bundler',
          outDir: 'out',
        },
        files: ['main.ts'],
      }),
    },
    compile: true,
    run: ['out/main.js'],
  },
];

const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const failures = [];
for (const consumer of consumers) {
  const dir = path.join(project, consumer.variant);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(consumer.files))
    writeFileSync(path.join(dir, file), text);
  try {
    if (consumer.compile) {
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir });
      console.log(
        `${consumer.variant}: compiled with TypeScript ${run(process.execPath, [tsc, '--version']).trim().replace('Version ', '')}`,
      );
    }
    for (const file of consumer.run) {
      const result = spawnSync(process.execPath, [file], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
      process.stdout.write(result.stdout ?? '');
      // Anything on stderr (Node's ExperimentalWarning for require(esm), say) reaches a consumer too.
      if (result.status !== 0 || result.stderr)
        throw Object.assign(new Error(`node ${file} exited ${result.status ?? result.signal}`), {
          stderr: result.stderr,
        });
    }
  } catch (error) {
    const output = [error.message, error.stderr].filter(Boolean).join('\n').trim();
    failures.push(consumer.variant);
    console.log(`FAIL ${consumer.variant}:\n${output}`);
  }
}

for (const [bin, expect] of [
  ['order-messaging', /Usage: order-messaging/],
  ['order-messaging-sandbox', /Usage: order-messaging-sandbox/],
]) {
  try {
    const out = run(path.join(project, 'node_modules/.bin', bin), ['--help'], { cwd: project });
    if (!expect.test(out)) throw new Error(`unexpected output:\n${out}`);
    console.log(`bin: ${bin} --help ok`);
  } catch (error) {
    failures.push(`bin ${bin}`);
    console.log(`FAIL bin ${bin}: ${error.message}`);
  }
}

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.log(`consumer check FAILED: ${failures.join(', ')} [${elapsed()}]`);
  process.exit(1);
}
console.log(
  `consumer check passed: ${consumers.map((c) => c.variant).join(', ')} and both bins, from packed tarballs [${elapsed()}]`,
);
