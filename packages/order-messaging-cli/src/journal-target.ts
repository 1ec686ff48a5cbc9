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

/** What differs between the journal's targets and this run's, one phrase per vendor of the run. */
export function targetDifferences(
  recorded: readonly JournalTarget[],
  current: readonly JournalTarget[],
): string[] {
  const differences: string[] = [];
  for (const target of current) {
    const before = recorded.find((entry) => entry.vendor === target.vendor);
    if (!before) {
      differences.push(
        `${target.vendor}: the journal has no ${target.vendor} target, this run sends to ${describeTarget(target)}`,
      );
    } else if (!sameTarget(before, target)) {
      differences.push(
        `${target.vendor}: the journal was made for ${describeTarget(before)}, this run sends to ${describeTarget(target)}`,
      );
    }
  }
  return differences;
}
