import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalWriter, journalHeaderLine, loadJournal } from '../src/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal', () => {
  it('keeps the last state of each key across writers', async () => {
    const path = join(dir, 'j.jsonl');
    const first = await JournalWriter.open(path);
    await first.append({ key: 'a', state: 'sending' });
    await first.append({ key: 'a', state: 'sent', messageId: 'm1' });
    await first.append({ key: 'b', state: 'sending' });
    await first.close();

    const second = await JournalWriter.open(path);
    await second.append({ key: 'c', state: 'failed', kind: 'not_found', delivery: 'rejected' });
    await second.close();

    const { latest, unreadableLines } = await loadJournal(path);
    expect(unreadableLines).toEqual([]);
    expect([...latest.keys()]).toEqual(['a', 'b', 'c']);
    expect(latest.get('a')).toMatchObject({ state: 'sent', messageId: 'm1' });
    expect(latest.get('b')).toMatchObject({ state: 'sending' });
    expect(latest.get('c')).toMatchObject({
      state: 'failed',
      kind: 'not_found',
      delivery: 'rejected',
    });
    expect(typeof latest.get('a')!.at).toBe('string');
  });

  it('group-commits concurrent appends without losing or interleaving lines', async () => {
    const path = join(dir, 'j.jsonl');
    const writer = await JournalWriter.open(path);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => writer.append({ key: `k${i}`, state: 'sending' })),
    );
    await writer.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((line) => JSON.parse(line).key)).size).toBe(200);
  });

  it('ignores a torn last line and starts the next entry on a new line', async () => {
    const path = join(dir, 'j.jsonl');
    await writeFile(path, '{"key":"a","state":"sent","messageId":"1"}\n{"key":"b","sta');
    const before = await loadJournal(path);
    expect(before.unreadableLines).toEqual([2]);
    expect(before.latest.has('b')).toBe(false);

    const writer = await JournalWriter.open(path);
    await writer.append({ key: 'c', state: 'sending' });
    await writer.close();
    const after = await loadJournal(path);
    expect(after.unreadableLines).toEqual([2]);
    expect(after.latest.get('c')).toMatchObject({ state: 'sending' });
    expect(after.latest.get('a')).toMatchObject({ state: 'sent' });
  });

  it('remembers the first and the last attempt of each key', async () => {
    const path = join(dir, 'j.jsonl');
    await writeFile(
      path,
      [
        '{"key":"a","state":"sending","at":"2024-01-01T10:00:00.000Z"}',
        '{"key":"a","state":"failed","kind":"timeout","delivery":"unknown","at":"2024-01-01T10:00:30.000Z"}',
        '{"key":"a","state":"sending","at":"2024-01-01T11:00:00.000Z"}',
        '',
      ].join('\n'),
    );
    const { firstAttemptAt, lastAttemptAt, latest } = await loadJournal(path);
    expect(firstAttemptAt.get('a')?.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(lastAttemptAt.get('a')?.toISOString()).toBe('2024-01-01T11:00:00.000Z');
    expect(latest.get('a')?.state).toBe('sending');
  });

  it('remembers that an attempt may have been stored until a later entry says sent', async () => {
    const path = join(dir, 'j.jsonl');
    const entries: Record<string, string[]> = {
      // Unknown, then a resend refused for sure: the first post may still turn up.
      unknownThenRefused: ['sending', 'failed/unknown', 'sending', 'failed/rejected'],
      // Died mid-send, then a resend that was never sent: same.
      interruptedThenRefused: ['sending', 'sending', 'failed/not_sent'],
      interrupted: ['sending'],
      unknownThenSent: ['sending', 'failed/unknown', 'sending', 'sent'],
      refused: ['sending', 'failed/rejected', 'sending', 'failed/not_sent'],
    };
    await writeFile(
      path,
      Object.entries(entries)
        .flatMap(([key, states]) =>
          states.map((state) => {
            const [name, delivery] = state.split('/');
            return JSON.stringify({
              key,
              state: name,
              ...(name === 'sent' ? { messageId: 'm' } : {}),
              ...(delivery ? { kind: 'timeout', delivery } : {}),
            });
          }),
        )
        .join('\n') + '\n',
    );
    const { maybeStored } = await loadJournal(path);
    expect([...maybeStored].sort()).toEqual([
      'interrupted',
      'interruptedThenRefused',
      'unknownThenRefused',
    ]);
  });

  it('treats a missing journal as empty', async () => {
    const { latest } = await loadJournal(join(dir, 'absent.jsonl'));
    expect(latest.size).toBe(0);
  });

  it('reads the header on the first line only, and the keys of torn lines', async () => {
    const path = join(dir, 'j.jsonl');
    const targets = [
      { vendor: 'spp', connection: 'spp', sandbox: false, settings: { baseUrl: 'https://x.test' } },
    ];
    await writeFile(
      path,
      journalHeaderLine(targets) +
        '{"key":"a","state":"sent","messageId":"1"}\n' +
        journalHeaderLine(targets) +
        '{"key":"b\\"c","state":"sen\n',
    );
    const loaded = await loadJournal(path);
    expect(loaded.header?.targets).toEqual(targets);
    expect(loaded.hasContent).toBe(true);
    expect(loaded.unreadableLines).toEqual([3, 4]);
    // The misplaced header names no key: any key may be the one a torn line was about.
    expect(loaded.tornKeys).toBeUndefined();

    await writeFile(path, journalHeaderLine(targets) + '{"key":"b\\"c","state":"sen\n');
    expect([...(await loadJournal(path)).tornKeys!]).toEqual(['b"c']);
    await writeFile(path, journalHeaderLine(targets));
    expect(await loadJournal(path)).toMatchObject({ hasContent: false, unreadableLines: [] });
  });
});
