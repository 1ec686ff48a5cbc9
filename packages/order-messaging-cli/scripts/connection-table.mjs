#!/usr/bin/env node
/**
 * Writes the README's table of connection settings (vendor, environment variable, flag, meaning)
 * between `<!-- connections:start -->` and `<!-- connections:end -->`, from the vendor descriptors
 * as the built CLI offers them, so the README lists exactly the flags `--help` shows.
 *
 *   node scripts/connection-table.mjs README.md           # rewrite
 *   node scripts/connection-table.mjs --check README.md   # exit 1 if stale
 *
 * Needs the CLI built (`dist/vendors.js`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { VENDOR_NAMES, VENDOR_SETTINGS } from '../dist/vendors.js';

const START = '<!-- connections:start -->';
const END = '<!-- connections:end -->';

/** URLs, `/api` paths and `<placeholders>` as code, so Markdown shows them as written. */
function markdown(text) {
  return text
    .replace(/https?:\/\/[^\s)]+/g, (url) => `\`${url}\``)
    .replace(/(^|\s)(\/api(?:\/v\d+)?)(?=[\s,)]|$)/g, (_, space, path) => `${space}\`${path}\``);
}

export function connectionTable() {
  const rows = VENDOR_NAMES.flatMap((vendor) =>
    VENDOR_SETTINGS[vendor].map((setting) => [
      vendor,
      `\`${setting.env}\``,
      `\`${setting.flag}\``,
      markdown(setting.description) + (setting.secret ? ' (secret)' : ''),
    ]),
  );
  const header = ['vendor', 'environment', 'flag', 'meaning'];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

const normalize = (text) => text.replace(/[ \t]+/g, ' ').trim();

async function main(args) {
  const check = args.includes('--check');
  const files = args.filter((arg) => !arg.startsWith('--'));
  const table = connectionTable();
  if (files.length === 0) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  let stale = 0;
  for (const file of files) {
    const document = await readFile(file, 'utf8');
    const start = document.indexOf(START);
    const end = document.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${file}: no ${START} ... ${END} section`);
    const current = document.slice(start + START.length, end);
    if (check) {
      if (normalize(current) !== normalize(table)) {
        process.stderr.write(`${file}: the connection table is stale; run without --check\n`);
        stale += 1;
      }
      continue;
    }
    const updated = `${document.slice(0, start + START.length)}\n\n${table}\n\n${document.slice(end)}`;
    if (updated !== document) await writeFile(file, updated);
    process.stdout.write(`${file}: ${updated === document ? 'up to date' : 'updated'}\n`);
  }
  return stale > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
