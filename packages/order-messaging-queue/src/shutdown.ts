/** Graceful stop: on SIGTERM or SIGINT, finish the sends in flight before the process exits. */
import type { SendWorker } from './worker.js';

/**
 * Closes the worker on the first SIGTERM/SIGINT (in-flight sends complete and reach the ledger),
 * then calls `onClosed` (default: exit 0). A send cut off by a hard kill is left `sending`, which
 * the next run checks by listing instead of posting again. Returns a function that unhooks it.
 */
export function closeOnSignals(
  worker: SendWorker,
  onClosed: (error?: unknown) => void = (error) => process.exit(error === undefined ? 0 : 1),
): () => void {
  let closing = false;
  const handler = () => {
    if (closing) return;
    closing = true;
    worker.close().then(
      () => onClosed(),
      (error: unknown) => onClosed(error),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
