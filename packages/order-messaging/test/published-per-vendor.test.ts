/**
 * What the repository publishes about each vendor follows the registry: the API reference
 * (typedoc.json) documents every adapter module and the registry itself, and the size budgets
 * (.size-limit.json) hold every vendor's adapter on its own and with the facade. A vendor added
 * to the registry without them fails here rather than going undocumented or unbudgeted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '@org/order-messaging/vendors';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(packageDir, '../..');
const packagePath = path.relative(repoRoot, packageDir).split(path.sep).join('/');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as T;
}

/** A glob with `{a,b}`, `*` and `**` as a regular expression over `/`-separated paths. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '{') source += '(?:';
    else if (char === '}') source += ')';
    else if (char === ',') source += '|';
    else source += char.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

interface TypedocConfig {
  entryPointStrategy?: string;
  entryPoints: string[];
  packageOptions?: { entryPoints?: string[] };
}

interface SizeLimitEntry {
  name: string;
  path?: string;
  import?: Record<string, string>;
  limit?: string;
}

const typedoc = readJson<TypedocConfig>('typedoc.json');
const sizeLimit = readJson<SizeLimitEntry[]>('.size-limit.json');
const facadeEntry = `${packagePath}/dist/index.js`;
const adapterBuild = (name: string) => `${packagePath}/dist/adapters/${name}.js`;

describe('the registry against what is published', () => {
  it('globToRegExp reads the globs typedoc.json uses', () => {
    const glob = globToRegExp('src/{index,vendors,adapters/*}.ts');
    expect(glob.test('src/adapters/acme.ts')).toBe(true);
    expect(glob.test('src/vendors.ts')).toBe(true);
    expect(glob.test('src/adapters/deep/acme.ts')).toBe(false);
    expect(glob.test('src/model.ts')).toBe(false);
  });

  it('typedoc documents this package', () => {
    expect(typedoc.entryPointStrategy).toBe('packages');
    expect(typedoc.entryPoints.some((glob) => globToRegExp(glob).test(packagePath))).toBe(true);
  });

  // typedoc documents each entry of the package's `exports` map (typedoc.json, packages
  // strategy), so a module is documented when it is exported.
  const modules: [subpath: string, module: string][] = [
    ['./vendors', 'vendors'],
    ...VENDORS.map((d): [string, string] => [`./${d.name}`, `adapters/${d.name}`]),
  ];
  it.each(modules)(
    'typedoc documents %s (src/%s.ts): it is in the exports map',
    (subpath, module) => {
      const file = `src/${module}.ts`;
      expect(existsSync(path.join(packageDir, file)), file).toBe(true);
      const manifest = readJson<{ exports: Record<string, { import?: string }> }>(
        `${packagePath}/package.json`,
      );
      expect(manifest.exports[subpath]?.import, `exports["${subpath}"]`).toBe(
        `./dist/${module}.js`,
      );
    },
  );

  it.each(VENDORS.map((d) => d.name))('%s: its adapter has an own-code size budget', (name) => {
    const own = sizeLimit.filter((entry) => entry.path === adapterBuild(name));
    expect(own, `.size-limit.json: no entry with path ${adapterBuild(name)}`).toHaveLength(1);
    expect(own[0]!.name).toBe(`@org/order-messaging/${name} (own code)`);
    expect(own[0]!.limit).toMatch(/^\d+ B$/);
  });

  it.each(VENDORS.map((d) => d.name))(
    '%s: the facade with its adapter has a size budget',
    async (name) => {
      const app = sizeLimit.filter(
        (entry) => entry.import?.[facadeEntry] !== undefined && entry.import[adapterBuild(name)],
      );
      expect(app, `.size-limit.json: no entry importing the facade and ${name}`).toHaveLength(1);
      expect(app[0]!.limit).toMatch(/^\d+ B$/);
      // The budget imports `{ <name> }` from the subpath: that export must exist.
      expect(app[0]!.import![adapterBuild(name)]).toBe(`{ ${name} }`);
      const module = (await import(`@org/order-messaging/${name}`)) as Record<string, unknown>;
      expect(typeof module[name]).toBe('function');
    },
  );

  it('budgets no adapter the registry lacks', () => {
    const budgeted = sizeLimit.flatMap((entry) => [
      ...(entry.path ? [entry.path] : []),
      ...Object.keys(entry.import ?? {}),
    ]);
    const adapters = [
      ...new Set(budgeted.filter((file) => file.startsWith(`${packagePath}/dist/adapters/`))),
    ];
    expect(adapters.sort()).toEqual(VENDORS.map((d) => adapterBuild(d.name)).sort());
  });
});
