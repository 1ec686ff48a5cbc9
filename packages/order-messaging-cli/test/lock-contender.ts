/**
 * A child process of `journal-lock.test.ts` (run with `node --import tsx`): it plays one
 * `send-bulk` run that wants a journal's lock, so that the lock is fought over by real processes
 * (a race inside one event loop would not interleave the file operations the way two runs do).
 *
 * Messages from the parent:
 * - `{ type: 'contend', journal, log, startAt, holdMs }`: spins until `startAt` (so that every
 *   contender asks at the same instant), takes the lock, writes `enter <pid>` to `log`, keeps it
 *   `holdMs`, writes `exit <pid>` and releases it; answers `{ type: 'contended', held, refusal? }`.
 * - `{ type: 'hold', journals }`: takes each lock and keeps it until killed (the parent then kills
 *   it with SIGKILL, leaving locks whose owner is dead); answers `{ type: 'holding' }`.
 */
import { appendFileSync } from 'node:fs';
import { lockJournal } from '../src/journal.js';

type Message =
  | { type: 'contend'; journal: string; log: string; startAt: number; holdMs: number }
  | { type: 'hold'; journals: string[] };

function reply(message: object): void {
  process.send!(message);
}

async function contend(message: Extract<Message, { type: 'contend' }>): Promise<void> {
  while (Date.now() < message.startAt) {
    // Busy wait: a timer would wake each contender at a different moment.
  }
  let unlock: () => Promise<void>;
  try {
    unlock = await lockJournal(message.journal);
  } catch (error) {
    reply({ type: 'contended', held: false, refusal: (error as Error).message });
    return;
  }
  // Appends with O_APPEND land in order, so the log shows whether two holders overlapped
  // without comparing the clocks of two processes.
  appendFileSync(message.log, `enter ${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, message.holdMs));
  appendFileSync(message.log, `exit ${process.pid}\n`);
  await unlock();
  reply({ type: 'contended', held: true });
}

process.on('message', (message: Message) => {
  if (message.type === 'contend') {
    void contend(message);
    return;
  }
  void (async () => {
    for (const journal of message.journals) await lockJournal(journal);
    reply({ type: 'holding' });
  })();
});
reply({ type: 'ready' });
