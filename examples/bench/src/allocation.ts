/**
 * Memory a task allocates per run, garbage included, from V8's sampling heap profiler: every
 * allocation of the task's runs is sampled (about one per `SAMPLING_INTERVAL` bytes, V8 scales
 * the samples to an estimate of the whole), objects collected since counted too. What a send
 * allocates is what the garbage collector has to sweep up after it, so it is the CPU cost a
 * timed loop spreads over every task (benchmark 1's "Why the method changed").
 */
import { Session } from 'node:inspector/promises';
import { measureInterleaved, OPS_PER_WINDOW } from './interleave.js';

/** Bytes between two samples, on average. */
const SAMPLING_INTERVAL = 256;

interface SamplingNode {
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

function totalSize(node: SamplingNode): number {
  return node.children.reduce((sum, child) => sum + totalSize(child), node.selfSize);
}

/** Estimated bytes `task` allocates per run, over `windows` windows of {@link OPS_PER_WINDOW} runs. */
export async function allocatedPerRun(
  task: () => Promise<unknown>,
  windows: number,
): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await measureInterleaved({ task }, { windows, warmupOps: 0 });
    const { profile } = await session.post('HeapProfiler.stopSampling');
    return totalSize(profile.head as SamplingNode) / (windows * OPS_PER_WINDOW);
  } finally {
    session.disconnect();
  }
}
