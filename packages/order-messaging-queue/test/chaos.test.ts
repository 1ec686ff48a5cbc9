/**
 * The chaos run, CI size (the full run is `pnpm --filter @org/order-messaging-queue chaos`):
 * worker processes, a SIGKILL mid-run, faults on every vendor. Counts only, never timings.
 */
import { describe, expect, it } from 'vitest';
import { describeChaos } from '../chaos/describe.js';
import { runChaos } from '../chaos/run.js';
import { queueTestsEnabled } from './support/redis.js';

const enabled = queueTestsEnabled();

describe.skipIf(!enabled)('chaos, CI size', () => {
  it('loses nothing, duplicates nothing, and every key ends sent, rejected or on review', async () => {
    const lines: string[] = [];
    const f = await runChaos({
      messages: 300,
      workers: 2,
      kills: 1,
      limitPerSecond: 100,
      faultEveryRequests: 20,
      lockDurationMs: 3000,
      maxDurationMs: 150_000,
      onProgress: (line) => lines.push(line),
    });
    console.log(describeChaos(f).join('\n'));
    const summary = JSON.stringify({ ...f, progress: lines.slice(-3) });
    expect(f.workersKilled, summary).toBe(1);
    expect(f.faultsInjected, summary).toBeGreaterThanOrEqual(10);
    expect(
      {
        lost: f.lost,
        duplicated: f.duplicated,
        misreported: f.misreported,
        unsettled: f.unsettled,
      },
      summary,
    ).toEqual({ lost: 0, duplicated: 0, misreported: 0, unsettled: 0 });
    // Every key is accounted for: stored, or flagged (rejected, or unknown and absent).
    expect(f.delivered + f.rejected + (f.unknown - f.unknownStored), summary).toBe(f.messages);
    expect(f.delivered, summary).toBeGreaterThan(f.messages * 0.8);
    // Every request of an account, retries and checks too, shares its budget through Redis: the
    // vendor's own limit refuses next to nothing (it refused ~2-7 % before the shared limiter).
    expect(f.throttled, summary).toBeLessThanOrEqual(Math.ceil(f.requests * 0.02));
  }, 200_000);
});
