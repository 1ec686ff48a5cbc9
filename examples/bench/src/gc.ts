import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const exposed = runInNewContext('gc') as (() => void) | undefined;

/**
 * A full collection between measurements, so garbage one task left behind is not collected on
 * the next task's time. `--expose-gc` is switched on at run time: `pnpm bench` needs no flags.
 */
export function collectGarbage(): void {
  exposed?.();
}
