/**
 * Timing several tasks in one process by interleaved windows: the tasks take turns, a short
 * window each, and each task's CPU and wall time are summed over all its windows.
 *
 * Why not one long window per task (as tinybench runs them): on this kind of machine the cost of
 * the same code drifts by 2× over seconds, with the host's load and with the phase of V8's
 * garbage collector (a young generation regrowing after a full collection, concurrent marking on
 * another thread, which `process.cpuUsage` counts). A long window lands in one phase, the next
 * task's window in another, and their ratio inherits the difference: benchmark 1 measured the
 * facade at 1.45–2.0× bare openapi-fetch that way, and the same code at 0.75–1.35× or 1.8–2.3×
 * from one process to the next (benchmark 7). Windows of 100 operations taken in turn spread
 * every phase over every task alike. No forced collection either: `gc()` before a window shrinks
 * the young generation and leaves sweeping to helper threads, which tripled every task's CPU per
 * operation in the window after it.
 */

/** The operations in one window (also where the loop hands back to the event loop). */
export const OPS_PER_WINDOW = 100;

export interface InterleaveOptions {
  /** Windows per task. */
  readonly windows: number;
  /**
   * Untimed runs of each task first, in turn. A send keeps getting cheaper for its first few
   * thousand runs (the JIT optimizes its functions one by one): after 1,000 runs a facade send
   * measured 1.3–1.5× bare openapi-fetch where 5,000 gave 1.07–1.17× (one vendor, by hand).
   */
  readonly warmupOps: number;
  /** Rotates the order the tasks take their turns in (a round's number, say). */
  readonly rotateBy?: number;
  /**
   * Hand back to the event loop after each window, inside its timing (what the window left
   * pending runs there, on its task's time). A fetch over a network does so at every request;
   * without it the whole measurement is one job (benchmark 7 compares both).
   */
  readonly eventLoopTurns?: boolean;
}

/** One task's cost per operation, averaged over all its windows. */
export interface Interleaved {
  readonly cpuMicrosPerOp: number;
  readonly wallMicrosPerOp: number;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Times each of `tasks` over `options.windows` windows of {@link OPS_PER_WINDOW} operations, in turn. */
export async function measureInterleaved<Name extends string>(
  tasks: Readonly<Record<Name, () => Promise<unknown>>>,
  options: InterleaveOptions,
): Promise<Record<Name, Interleaved>> {
  const names = Object.keys(tasks) as Name[];
  const eventLoopTurns = options.eventLoopTurns ?? true;
  for (let i = 0; i < options.warmupOps; i++) {
    for (const name of names) await tasks[name]();
    if (eventLoopTurns && i % OPS_PER_WINDOW === 0) await turn();
  }
  const cpu = new Map<Name, number>(names.map((name) => [name, 0]));
  const wall = new Map<Name, bigint>(names.map((name) => [name, 0n]));
  for (let window = 0; window < options.windows; window++) {
    const by = (options.rotateBy ?? 0) + window;
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + by) % names.length]!;
      const task = tasks[name];
      const wallStart = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      for (let op = 0; op < OPS_PER_WINDOW; op++) await task();
      if (eventLoopTurns) await turn();
      const used = process.cpuUsage(cpuStart);
      wall.set(name, wall.get(name)! + (process.hrtime.bigint() - wallStart));
      cpu.set(name, cpu.get(name)! + used.user + used.system);
    }
  }
  const ops = options.windows * OPS_PER_WINDOW;
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        cpuMicrosPerOp: cpu.get(name)! / ops,
        wallMicrosPerOp: Number(wall.get(name)!) / 1e3 / ops,
      },
    ]),
  ) as Record<Name, Interleaved>;
}
