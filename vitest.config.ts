import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Tests import workspace packages by their published names (`@org/mirakl-client`,
 * `@org/order-messaging/mirakl`). This resolves each name through the package's own
 * `exports` map and swaps `dist/*.js` for `src/*.ts`, so tests run against the
 * source without a build and still exercise the real export paths.
 */
function workspaceSource(): Plugin {
  const packages = new Map<string, { dir: string; exports: Record<string, unknown> }>();
  for (const group of ['packages', 'examples']) {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const manifest = path.join(groupDir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      packages.set(pkg.name, { dir: path.dirname(manifest), exports: pkg.exports ?? {} });
    }
  }
  return {
    name: 'workspace-source',
    enforce: 'pre',
    resolveId(id) {
      const match = /^(@org\/[^/]+)(\/.*)?$/.exec(id);
      const pkg = match && packages.get(match[1]!);
      if (!pkg) return null;
      const entry = pkg.exports[`.${match![2] ?? ''}`] as { import?: string } | string | undefined;
      const target = typeof entry === 'string' ? entry : entry?.import;
      if (!target) return null;
      const source = target.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
      return path.join(pkg.dir, source);
    },
  };
}

export default defineConfig({
  plugins: [workspaceSource()],
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.typecheck.json',
    },
    // .ci/run asks for a JSON report to count passed and failed tests.
    reporters: process.env.VITEST_JSON_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.VITEST_JSON_REPORT
      ? { outputFile: { json: process.env.VITEST_JSON_REPORT } }
      : {}),
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
