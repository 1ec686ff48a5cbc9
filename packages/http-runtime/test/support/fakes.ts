import type { LogFields, Logger, LogLevel } from '../../src/logger.js';
import { jsonResponse, recordingFetch } from '../../src/testing.js';

/** A clock that only moves when the code under test sleeps, so retry tests take no real time. */
export function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      time += ms;
    },
  };
}

/** A clock whose sleeps end only when the test moves time past them, so requests can finish mid-wait. */
export function steppedClock(start = 1_700_000_000_000) {
  let time = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleeps.push(ms);
        sleepers.push({ until: time + ms, wake });
      }),
    /** Moves time forward, waking due sleepers one at a time and letting each look again. */
    async advanceTo(target: number) {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (!next || next.until > target) break;
        sleepers.shift();
        time = next.until;
        next.wake();
      }
      time = target;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export type Step = Response | Error | ((request: Request) => Response | Promise<Response>);

/** A recording fetch answering with the given steps in order; it fails the test if called once too often. */
export function scriptedFetch(...steps: Step[]) {
  const queue = [...steps];
  return recordingFetch(async (request) => {
    const step = queue.shift();
    if (step === undefined) throw new Error('scriptedFetch: more requests than scripted steps');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step;
  });
}

export const ok = (body: unknown = { ok: true }, headers: Record<string, string> = {}) =>
  jsonResponse(200, body, headers);
export const status = (code: number, headers: Record<string, string> = {}) =>
  jsonResponse(code, { message: `status ${code}` }, headers);

/** What undici throws: `TypeError('fetch failed')` with the system error as cause. */
export function undiciError(code: string, message = `${code} failure`): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

export interface CapturedLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

export function capturingLogger() {
  const lines: CapturedLine[] = [];
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, fields });
  };
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  return { logger, lines };
}

/** A fetch that never answers but honours its signal, like a server that accepted and went quiet. */
export function hangingFetch() {
  let calls = 0;
  const fetch = (_input: Request, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      calls += 1;
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  return { fetch, calls: () => calls };
}
