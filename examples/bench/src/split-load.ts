/**
 * Each facade bundle as a code-splitting bundler (Vite, Rollup, webpack, esbuild `splitting`)
 * ships it: the initial load (the entry chunk and every chunk it imports statically) and the
 * chunks only dynamic imports load. size-limit bundles without splitting, inlining dynamic
 * imports, so its number is the sum of both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { entryContents, missingFiles, sizeChecks, type SizeLimitCheck } from './size.js';

export interface SplitLoad {
  /** The entry chunk and the chunks it imports statically: what loads before the first call. */
  readonly initial: number;
  /**
   * The chunks only dynamic imports load (the entity decoder with the text folding, the sync code of
   * `sync`, `auditSync` and `inbox`, reconciliation after an ambiguous send), summed.
   */
  readonly onDemand: number;
}

/** The facade bundles (facade + one vendor), as code-splitting bundlers ship them, by check name. */
export async function facadeSplitLoads(): Promise<Record<string, SplitLoad>> {
  const loads: Record<string, SplitLoad> = {};
  for (const check of sizeChecks().filter((c) => c.name.startsWith('facade + '))) {
    if (missingFiles(check).length === 0) loads[check.name] = await splitLoad(check);
  }
  return loads;
}

/** Bundles one import check with code splitting; gzip level 9, as size-limit's file plugin. */
export async function splitLoad(check: SizeLimitCheck): Promise<SplitLoad> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-split-'));
  try {
    const entry = path.join(dir, 'entry.js');
    writeFileSync(entry, entryContents(check));
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      treeShaking: true,
      splitting: true,
      format: 'esm',
      metafile: true,
      write: false,
      outdir: path.join(dir, 'out'),
      logLevel: 'silent',
    });
    const gzipped = new Map(
      result.outputFiles.map((file) => [
        path.resolve(file.path),
        gzipSync(file.contents, { level: 9 }).length,
      ]),
    );
    const outputs = Object.entries(result.metafile.outputs).map(
      ([file, output]) => [path.resolve(file), output] as const,
    );
    // The initial load: the entry chunk and every chunk it imports statically, transitively.
    const initialFiles = new Set<string>();
    // (A dynamic import's target is an entry point too: the check's own entry is the one file.)
    const pending = outputs
      .filter(([, output]) => output.entryPoint && path.resolve(output.entryPoint) === entry)
      .map(([file]) => file);
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (initialFiles.has(file)) continue;
      initialFiles.add(file);
      const output = outputs.find(([name]) => name === file)?.[1];
      for (const imported of output?.imports ?? []) {
        if (imported.kind === 'import-statement') pending.push(path.resolve(imported.path));
      }
    }
    let initial = 0;
    let onDemand = 0;
    for (const [file, bytes] of gzipped) {
      if (initialFiles.has(file)) initial += bytes;
      else onDemand += bytes;
    }
    return { initial, onDemand };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
