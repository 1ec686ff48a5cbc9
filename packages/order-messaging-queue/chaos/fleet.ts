/**
 * The worker processes of a chaos run: started with the run's config, killed without warning
 * (SIGKILL: in-flight sends cut, locks left to expire), replaced, and stopped gracefully at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChaosWorkerConfig } from './types.js';

const WORKER_FILE = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
/** A worker that has not said `ready` by then is a broken run, not a slow machine. */
const READY_TIMEOUT_MS = 60_000;

export class WorkerFleet {
  readonly #live = new Set<ChildProcess>();
  #killed = 0;

  constructor(private readonly config: ChaosWorkerConfig) {}

  get killed(): number {
    return this.#killed;
  }

  get size(): number {
    return this.#live.size;
  }

  /** Starts one worker process; resolves once its workers listen. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_FILE], {
      env: { ...process.env, CHAOS_WORKER_CONFIG: JSON.stringify(this.config) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.#live.add(child);
    child.once('exit', () => this.#live.delete(child));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail('did not start in time'), READY_TIMEOUT_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`chaos worker ${why}:\n${stderr}`));
      };
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => fail(`exited (${String(code)}) before it was ready`));
    });
  }

  /** SIGKILLs one live worker (the oldest) and starts its replacement. */
  async killOneAndReplace(): Promise<void> {
    const victim = this.#live.values().next().value;
    if (!victim) return;
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    victim.kill('SIGKILL');
    await exited;
    this.#killed += 1;
    await this.start();
  }

  /** SIGTERM: each worker finishes its sends in flight, then exits; SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    await Promise.all(
      [...this.#live].map(async (child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
