import type { Output } from './output.js';

export interface Interruption {
  /** First Ctrl-C (or SIGTERM): finish what is in flight, start nothing new. */
  readonly stop: AbortSignal;
  /** Second: abort what is in flight too. */
  readonly abort: AbortSignal;
  dispose(): void;
}

/**
 * SIGINT/SIGTERM during a run, when the caller (the bin) asks for signal handling: a run that
 * keeps state on disk (a journal, a cursor) gets the chance to write it before exiting.
 */
export function listenForInterrupts(
  output: Output,
  handleSignals: boolean,
  stoppingMessage: string,
): Interruption {
  const stop = new AbortController();
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      output.err(stoppingMessage);
      stop.abort();
    } else {
      stop.abort();
      abort.abort();
    }
  };
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      if (!handleSignals) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
