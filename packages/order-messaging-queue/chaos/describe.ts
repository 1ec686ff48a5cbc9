/** The figures of a chaos run as the lines it prints; the last is `lost N, duplicated N, goodput X`. */
import type { ChaosFigures } from './types.js';

export function describeChaos(f: ChaosFigures): string[] {
  const accounts = f.accounts
    .map(
      (a) => `${a.name} ${a.messages} (${a.requestsPerSend} requests/send → ${a.jobsPerSecond}/s)`,
    )
    .join(', ');
  return [
    `messages ${f.messages} over ${accounts}`,
    `workers killed ${f.workersKilled}, faults injected ${f.faultsInjected}, requests ${f.requests} (${f.throttled} refused by the accounts' limits)`,
    `delivered ${f.delivered}, lost ${f.lost}, duplicated ${f.duplicated}, unknown ${f.unknown} (${f.unknownStored} of them stored), rejected ${f.rejected}, misreported ${f.misreported}, unsettled ${f.unsettled}`,
    `elapsed ${(f.elapsedMs / 1000).toFixed(1)} s, ${(f.delivered / (f.elapsedMs / 1000)).toFixed(1)} delivered/s of ${f.combinedLimitPerSecond.toFixed(1)}/s allowed`,
    `goodput per account while it had work: ${f.accounts.map((a) => `${a.name} ${a.goodput.toFixed(2)}`).join(', ')}`,
    `lost ${f.lost}, duplicated ${f.duplicated}, goodput ${f.goodput.toFixed(2)}`,
  ];
}
