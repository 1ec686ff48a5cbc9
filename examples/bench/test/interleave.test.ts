import { describe, expect, it } from 'vitest';
import { measureInterleaved, OPS_PER_WINDOW } from '../src/interleave.js';

/** Tasks that log which one started each window, and count their runs. */
function loggingTasks(names: readonly string[]) {
  const runs = new Map(names.map((name) => [name, 0]));
  const windowStarts: string[] = [];
  const tasks = Object.fromEntries(
    names.map((name) => [
      name,
      async () => {
        const count = runs.get(name)! + 1;
        runs.set(name, count);
        if (count > WARMUP && (count - WARMUP) % OPS_PER_WINDOW === 1) windowStarts.push(name);
      },
    ]),
  );
  return { tasks, runs, windowStarts };
}

const WARMUP = 3;

/** Counts the event-loop turns taken while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  // The first tick is queued before `work` starts; only turns inside `work` count.
  await work();
  running = false;
  return turns;
}

describe('measureInterleaved', () => {
  it('runs every task for its warm-up and windows, the tasks taking turns in a rotating order', async () => {
    const { tasks, runs, windowStarts } = loggingTasks(['a', 'b', 'c']);
    const measured = await measureInterleaved(tasks, { windows: 2, warmupOps: WARMUP });
    for (const name of ['a', 'b', 'c']) expect(runs.get(name)).toBe(WARMUP + 2 * OPS_PER_WINDOW);
    expect(windowStarts).toEqual(['a', 'b', 'c', 'b', 'c', 'a']);
    expect(Object.keys(measured)).toEqual(['a', 'b', 'c']);
    for (const result of Object.values(measured)) {
      expect(Number.isFinite(result.cpuMicrosPerOp)).toBe(true);
      expect(Number.isFinite(result.wallMicrosPerOp)).toBe(true);
    }
  });

  it('starts the rotation where rotateBy says', async () => {
    const { tasks, windowStarts } = loggingTasks(['a', 'b', 'c']);
    await measureInterleaved(tasks, { windows: 1, warmupOps: WARMUP, rotateBy: 2 });
    expect(windowStarts).toEqual(['c', 'a', 'b']);
  });

  it('hands back to the event loop after each window, or never when asked to stay in one job', async () => {
    const withTurns = await turnsDuring(() =>
      measureInterleaved(loggingTasks(['a', 'b']).tasks, { windows: 3, warmupOps: 0 }),
    );
    expect(withTurns).toBeGreaterThanOrEqual(6);
    const oneJob = await turnsDuring(() =>
      measureInterleaved(loggingTasks(['a', 'b']).tasks, {
        windows: 3,
        warmupOps: WARMUP,
        eventLoopTurns: false,
      }),
    );
    expect(oneJob).toBe(0);
  });
});
