/**
 * Prints the vendor × capability table, or writes it between
 * `<!-- capabilities:start -->` and `<!-- capabilities:end -->` in the files given.
 *
 *   tsx --tsconfig scripts/tsconfig.json scripts/capability-table.ts                 # print
 *   tsx --tsconfig scripts/tsconfig.json scripts/capability-table.ts README.md ../../README.md
 *   tsx --tsconfig scripts/tsconfig.json scripts/capability-table.ts --check README.md   # exit 1 if stale
 *
 * The adapters are the vendor registry's (`src/vendors.ts`), each loaded from its subpath's
 * module, so a new vendor appears here once it is registered.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VENDORS } from '../src/vendors.js';
import {
  capabilityTable,
  currentCapabilityTable,
  normalizeTable,
  replaceCapabilityTable,
  type CapabilitySource,
} from '../src/capability-table.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function adapterSources(): Promise<CapabilitySource[]> {
  const sources: CapabilitySource[] = [];
  for (const descriptor of VENDORS) {
    const source = path.join(packageDir, 'src/adapters', `${descriptor.name}.ts`);
    const module = (await import(pathToFileURL(source).href)) as { default: CapabilitySource };
    sources.push(module.default);
  }
  return sources;
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const files = args.filter((arg) => !arg.startsWith('--'));
  const table = capabilityTable(await adapterSources());
  if (files.length === 0) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  let stale = 0;
  for (const file of files) {
    const document = await readFile(file, 'utf8');
    if (check) {
      if (normalizeTable(currentCapabilityTable(document) ?? '') !== normalizeTable(table)) {
        process.stderr.write(
          `${file}: the capability table is stale; run this script without --check\n`,
        );
        stale++;
      }
      continue;
    }
    const updated = replaceCapabilityTable(document, table);
    if (updated !== document) await writeFile(file, updated);
    process.stdout.write(`${file}: ${updated === document ? 'up to date' : 'updated'}\n`);
  }
  return stale > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
