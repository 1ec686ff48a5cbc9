/**
 * Whether a journal was made for the target of this run: its header records, per vendor, the
 * connection, the non-secret settings that locate the target, and whether it is the sandbox.
 */
import type { JournalTarget } from './journal.js';

function describeTarget(target: JournalTarget): string {
  if (target.sandbox) return 'the embedded sandbox (--sandbox)';
  const settings = Object.entries(target.settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return settings === '' ? 'its default target' : settings;
}

function sameTarget(a: JournalTarget, b: JournalTarget): boolean {
  const keys = new Set([...Object.keys(a.settings), ...Object.keys(b.settings)]);
  return (
    a.vendor === b.vendor &&
    a.connection === b.connection &&
    a.sandbox === b.sandbox &&
    [...keys].every((key) => a.settings[key] === b.settings[key])
  );
}

/**
 * What differs between the recorded targets (of a journal, or `noun`: 'the cursor file') and this
 * run's, one phrase per vendor of the run.
 */
export function targetDifferences(
  recorded: readonly JournalTarget[],
  current: readonly JournalTarget[],
  noun = 'the journal',
): string[] {
  const differences: string[] = [];
  for (const target of current) {
    const before = recorded.find((entry) => entry.vendor === target.vendor);
    if (!before) {
      differences.push(
        `${target.vendor}: ${noun} has no ${target.vendor} target, this run sends to ${describeTarget(target)}`,
      );
    } else if (!sameTarget(before, target)) {
      differences.push(
        `${target.vendor}: ${noun} was made for ${describeTarget(before)}, this run ${noun === 'the journal' ? 'sends to' : 'reads'} ${describeTarget(target)}`,
      );
    }
  }
  return differences;
}
