import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';

/** Writes a file the way `prettier --write` would leave it, so CI's `format:check` passes on generated files. */
export async function writeFormatted(filePath: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(filePath)) ?? {};
  const formatted = await prettier.format(text, { ...options, filepath: filePath });
  mkdirSync(path.dirname(filePath), { recursive: true });
  writeFileSync(filePath, formatted);
}
