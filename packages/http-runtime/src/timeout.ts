/**
 * The longest delay a timer keeps: Node and browsers fire a longer one (`Infinity` too) after
 * 1 ms, which would turn a generous timeout into an immediate one.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Waits `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The default {@link Sleep}: a timer, cleared when `signal` aborts. */
export const abortableSleep: Sleep = (ms, signal) => {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      // Longer waits end early and are waited again by their caller, never after 1 ms.
      Math.min(MAX_TIMER_MS, Math.max(0, ms)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
};

export interface SignalLink {
  /** Stops forwarding aborts, so a long-lived source does not keep this link alive. */
  unlink(): void;
}

/**
 * Forwards the first abort of any source to `target`, with the source's reason.
 *
 * Written by hand rather than with `AbortSignal.any`: a connection-wide signal lives as
 * long as the connection, and Node retains every signal `AbortSignal.any` derives from
 * it (nodejs/node#55351), one per request. Here the listener is removed when the attempt ends.
 */
export function forwardAbort(
  sources: readonly (AbortSignal | undefined)[],
  target: AbortController,
): SignalLink {
  const listeners: Array<[AbortSignal, () => void]> = [];
  const unlink = () => {
    for (const [source, listener] of listeners.splice(0))
      source.removeEventListener('abort', listener);
  };
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      unlink();
      if (!target.signal.aborted) target.abort(source.reason);
      return { unlink };
    }
    const listener = () => {
      unlink();
      if (!target.signal.aborted) target.abort(source.reason);
    };
    source.addEventListener('abort', listener, { once: true });
    listeners.push([source, listener]);
  }
  return { unlink };
}

/** The reason a timer aborts an attempt with; recognised by identity, never confused with a caller's reason. */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`no response within ${ms} ms`, 'TimeoutError');
}
