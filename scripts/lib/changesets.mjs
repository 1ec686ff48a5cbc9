// Pending changesets (`.changeset/*.md`): the strongest bump each package has waiting.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { LEVELS } from './spec-changes.mjs';

/** `{ '<package name>': 'minor', ... }` over every pending changeset. */
export function pendingBumps(changesetDir) {
  const bumps = {};
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(path.join(changesetDir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!front) continue;
    for (const [name, level] of Object.entries(YAML.parse(front[1]) ?? {})) {
      if (!LEVELS.includes(level)) continue;
      if (LEVELS.indexOf(level) > LEVELS.indexOf(bumps[name] ?? 'none')) bumps[name] = level;
    }
  }
  return bumps;
}
