/**
 * `pnpm --filter @org/order-messaging-queue chaos [--messages N] [--workers N] [--kills N]
 *  [--limit N] [--fault-every REQUESTS] [--max-duration S]`
 *
 * Prints progress on stderr, then the figures; the last line is `lost N, duplicated N, goodput X`.
 * Exits 1 when anything was lost, duplicated, misreported or left unsettled.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './run.js';
import { describeChaos } from './describe.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    workers: { type: 'string', default: '4' },
    kills: { type: 'string', default: '2' },
    limit: { type: 'string', default: '50' },
    'fault-every': { type: 'string', default: '100' },
    'max-duration': { type: 'string', default: '600' },
  },
});

function positive(name: string, value: string | undefined, allowZero = false): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
    process.exit(2);
  }
  return n;
}

const figures = await runChaos({
  messages: positive('messages', values.messages),
  workers: positive('workers', values.workers),
  kills: positive('kills', values.kills, true),
  limitPerSecond: positive('limit', values.limit),
  faultEveryRequests: positive('fault-every', values['fault-every']),
  maxDurationMs: positive('max-duration', values['max-duration']) * 1000,
  onProgress: (line) => console.error(line),
});
for (const line of describeChaos(figures)) console.log(line);
const broken = figures.lost + figures.duplicated + figures.misreported + figures.unsettled;
process.exitCode = broken > 0 ? 1 : 0;
