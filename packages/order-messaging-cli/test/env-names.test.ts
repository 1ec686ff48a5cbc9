/**
 * One set of environment variable names: every `<VENDOR>_…` name a README uses for a connection
 * is the one the CLI reads (from the vendor descriptors), or the same with an account in the
 * middle (`MIRAKL_DE_TOKEN` for a second Mirakl account). Example inputs and constants are named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { settingEnv, VENDORS } from '@org/order-messaging/vendors';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI_NAMES = new Set(VENDORS.flatMap((d) => d.settings.map((s) => settingEnv(d.name, s))));
/** Not connection settings: example inputs, exported constants, webhook secrets. */
const OTHER_NAMES = new Set([
  'SPP_ORDER',
  'OMNIDESK_TICKET',
  'MIRAKL_LIMITS',
  'GAMEBOOST_LIMITS',
  'GAMEBOOST_WEBHOOK_SECRET',
  'GAMEBOOST_WEBHOOK_SECRET_PREVIOUS',
]);
const PREFIXES = VENDORS.map((d) => d.name.toUpperCase());
const NAME = new RegExp(`\\b(?:${PREFIXES.join('|')})_[A-Z0-9_]+\\b`, 'g');

function readmes(): string[] {
  const packages = readdirSync(path.join(root, 'packages')).map((p) =>
    path.join(root, 'packages', p, 'README.md'),
  );
  return [path.join(root, 'README.md'), ...packages].filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

/** `MIRAKL_DE_TOKEN` → `MIRAKL_TOKEN`: a second account of a vendor names itself after the vendor. */
function withoutAccount(name: string): string {
  const [vendor, , ...rest] = name.split('_');
  return [vendor, ...rest].join('_');
}

describe('environment variable names in the READMEs', () => {
  it('are the CLI’s names (or an account-prefixed form of them)', () => {
    const unknown: string[] = [];
    for (const file of readmes()) {
      for (const name of readFileSync(file, 'utf8').match(NAME) ?? []) {
        if (CLI_NAMES.has(name) || OTHER_NAMES.has(name) || CLI_NAMES.has(withoutAccount(name)))
          continue;
        unknown.push(`${path.relative(root, file)}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('cover every vendor', () => {
    expect(CLI_NAMES.size).toBeGreaterThanOrEqual(VENDORS.length);
  });
});
