import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '@org/order-messaging/vendors';
// The table is a README tool of this repository, not part of the package's public API.
import {
  capabilityTable,
  CAPABILITY_TABLE_END,
  CAPABILITY_TABLE_START,
  currentCapabilityTable,
  normalizeTable,
  replaceCapabilityTable,
  type CapabilitySource,
} from '../src/capability-table.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, { import?: string }>;
};
const adapterSubpaths = Object.entries(manifest.exports)
  .filter(([, entry]) => entry.import?.startsWith('./dist/adapters/'))
  .map(([subpath]) => subpath);

/** The READMEs that show the table: each must keep its markers, or the check would vanish. */
const READMES = [
  path.join(packageDir, 'README.md'),
  path.join(packageDir, '..', '..', 'README.md'),
];

/** Each registered vendor's adapter subpath, in registry order (the table's column order). */
async function sources(): Promise<CapabilitySource[]> {
  const modules = await Promise.all(
    VENDORS.map(
      (descriptor) =>
        import(`@org/order-messaging/${descriptor.name}`) as Promise<{
          default: CapabilitySource;
        }>,
    ),
  );
  return modules.map((module) => module.default);
}

describe('capability table', () => {
  it('every adapter subpath exports a factory that declares its vendor, capabilities and limits', async () => {
    expect(adapterSubpaths).toEqual(VENDORS.map((descriptor) => `./${descriptor.name}`));
    for (const [index, source] of (await sources()).entries()) {
      expect(source.capabilities.vendor).toBe(adapterSubpaths[index]!.slice(2));
      expect(source.capabilities).toEqual(VENDORS[index]!.capabilities);
      expect(typeof source).toBe('function');
      expect(source.rateLimits).toBeDefined();
    }
  });

  // A README that drifts from the adapters fails here: run `pnpm --filter @org/order-messaging capabilities`.
  it.each(READMES)('%s has the table between its markers, up to date', async (file) => {
    const current = currentCapabilityTable(readFileSync(file, 'utf8'));
    expect(
      current,
      `${file} has lost its ${CAPABILITY_TABLE_START} / ${CAPABILITY_TABLE_END} markers`,
    ).toBeDefined();
    expect(normalizeTable(current!)).toBe(normalizeTable(capabilityTable(await sources())));
  });

  it('is stale when a cell changes, not when whitespace does', () => {
    const table = '| a | b |\n| --- | --- |\n| x | y |';
    expect(normalizeTable(table)).toBe(normalizeTable('|a|b|\n|-----|---|\n|  x  | y |'));
    expect(normalizeTable(table)).not.toBe(normalizeTable('| a | b |\n| --- | --- |\n| x | z |'));
  });

  it('renders one column per vendor and replaces only what sits between the markers', () => {
    const table = capabilityTable([
      {
        capabilities: {
          vendor: 'acme',
          list: false,
          send: true,
          text: { minLength: 2, maxLength: 500 },
          attachments: { maxCount: 3, maxFileBytes: 1024 * 1024 },
          internalNotes: false,
          audiences: [],
          sendOptions: [],
          pagination: 'none',
          reconcile: 'none',
        },
        rateLimits: { writes: { limit: 10, windowMs: 3_600_000 } },
      },
    ]);
    const rows = normalizeTable(table).split('\n');
    expect(rows).toContain('|capability|`acme`|');
    expect(rows).toContain('|---|---|');
    expect(rows).toContain('|list|no|');
    expect(rows).toContain('|text length (code points)|2–500|');
    expect(rows).toContain('|attachments|yes (≤ 3 files, ≤ 1 MB per file)|');
    expect(rows).toContain('|ambiguous send|`delivery: unknown`|');
    expect(rows).toContain('|proactive rate limits|writes 10/h|');
    // padded like Prettier: every row has the same width
    expect(new Set(table.split('\n').map((row) => row.length)).size).toBe(1);
    const document = `# Title\n\n${CAPABILITY_TABLE_START}\nold\n${CAPABILITY_TABLE_END}\n\nAfter.\n`;
    expect(replaceCapabilityTable(document, table)).toBe(
      `# Title\n\n${CAPABILITY_TABLE_START}\n\n${table}\n\n${CAPABILITY_TABLE_END}\n\nAfter.\n`,
    );
    expect(() => replaceCapabilityTable('no markers', table)).toThrow(/markers/);
  });
});
