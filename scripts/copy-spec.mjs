#!/usr/bin/env node
// `node ../../scripts/copy-spec.mjs <vendor>`, run from a client package after `tsc`: copies the
// spec the client is generated from (specs/<vendor>.yaml) into dist/specs/, so the published
// package ships the exact contract its types and operation table were generated from.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const vendor = process.argv[2];
if (!vendor) throw new Error('usage: copy-spec.mjs <vendor>');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'specs', `${vendor}.yaml`);
if (!existsSync(from)) throw new Error(`No spec at ${from}`);
const to = path.join(process.cwd(), 'dist', 'specs', `${vendor}.yaml`);
mkdirSync(path.dirname(to), { recursive: true });
copyFileSync(from, to);
console.log(`copied specs/${vendor}.yaml to dist/specs/`);
