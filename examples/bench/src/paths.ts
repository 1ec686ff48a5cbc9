import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/bench, whether running from src/ (tsx) or dist/ (built). */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '../..');
export const RESULTS_FILE = path.join(BENCH_DIR, 'results/latest.json');
export const DOC_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md');
export const SIZE_LIMIT_CONFIG = path.join(REPO_ROOT, '.size-limit.json');
