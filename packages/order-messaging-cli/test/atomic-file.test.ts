import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeIo, writeFileAtomic, type AtomicWriteIo } from '../src/atomic-file.js';
import { readCursorFile, saveCursorFile } from '../src/cursor-file.js';
import { UsageError } from '../src/exit-codes.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records the operations in order, delegating to the real ones (or failing where told). */
function recordingIo(failAt?: keyof AtomicWriteIo) {
  const calls: string[] = [];
  const io = {} as AtomicWriteIo;
  for (const name of Object.keys(nodeIo) as (keyof AtomicWriteIo)[]) {
    io[name] = (async (...args: [string, string]) => {
      calls.push(
        `${name} ${args.map((arg) => (arg === dir ? '.' : arg.startsWith(dir) ? arg.slice(dir.length + 1) : arg)).join(' ')}`,
      );
      if (name === failAt) throw new Error(`${name} failed`);
      return (nodeIo[name] as (...a: [string, string]) => Promise<void>)(...args);
    }) as never;
  }
  return { io, calls };
}

describe('writeFileAtomic', () => {
  it('writes and syncs a temporary file in the same directory, renames it, then syncs the directory', async () => {
    const path = join(dir, 'cursor.json');
    const { io, calls } = recordingIo();
    await writeFileAtomic(path, '{"v":1}\n', io);
    expect(await readFile(path, 'utf8')).toBe('{"v":1}\n');
    expect(calls).toHaveLength(3);
    const temporary = /^writeSynced (\.cursor\.json\.\d+\.[0-9a-f]+\.tmp) \{"v":1\}\n$/.exec(
      calls[0]!,
    )?.[1];
    expect(temporary).toBeDefined();
    expect(calls[1]).toBe(`rename ${temporary} cursor.json`);
    expect(calls[2]).toBe('syncDirectory .');
    expect(await readdir(dir)).toEqual(['cursor.json']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'cursor.json');
    await writeFile(path, 'x'.repeat(10_000));
    await writeFileAtomic(path, 'short');
    expect(await readFile(path, 'utf8')).toBe('short');
  });

  it('a failed write leaves the old file as it was, and no temporary file behind', async () => {
    const path = join(dir, 'cursor.json');
    await writeFile(path, 'old');
    const { io } = recordingIo('rename');
    await expect(writeFileAtomic(path, 'new', io)).rejects.toThrow('rename failed');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['cursor.json']);
  });

  it('a rename the file system refuses (a directory in the way) cleans up too', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('never writes through a file already at the temporary name', async () => {
    const { io } = recordingIo();
    const squatted = join(dir, 'squatted.tmp');
    await writeFile(squatted, 'not yours');
    await expect(io.writeSynced(squatted, 'data')).rejects.toThrow(/EEXIST/);
    expect(await readFile(squatted, 'utf8')).toBe('not yours');
  });
});

describe('cursor file', () => {
  const TARGET = {
    vendor: 'mirakl',
    connection: 'mirakl',
    sandbox: false,
    settings: { baseUrl: 'https://acme.mirakl.net' },
  };

  it('reads as undefined when absent, and as the text saved', async () => {
    const path = join(dir, 'c.json');
    expect(await readCursorFile(path, TARGET)).toBeUndefined();
    const cursor = {
      v: 1,
      vendor: 'mirakl',
      connection: 'mirakl',
      watermark: '2024-05-01T00:00:00.000Z',
      seen: [['a', 1]],
    } as const;
    const text = await saveCursorFile(path, cursor, TARGET);
    expect(JSON.parse(text)).toEqual(cursor);
    expect(JSON.parse((await readCursorFile(path, TARGET))!)).toEqual(cursor);
  });

  it('refuses a file saved for another target (the sandbox, another base URL)', async () => {
    const path = join(dir, 'target.json');
    const cursor = {
      v: 1,
      vendor: 'mirakl',
      connection: 'mirakl',
      watermark: '2024-05-01T00:00:00.000Z',
      seen: [],
    } as const;
    await saveCursorFile(path, cursor, { ...TARGET, sandbox: true, settings: {} });
    await expect(readCursorFile(path, TARGET)).rejects.toThrow(/made for another target/);
    await saveCursorFile(path, cursor, { ...TARGET, settings: { baseUrl: 'https://other' } });
    await expect(readCursorFile(path, TARGET)).rejects.toBeInstanceOf(UsageError);
  });

  it('a directory that does not exist is a usage error naming the file', async () => {
    const path = join(dir, 'missing', 'c.json');
    const error = await saveCursorFile(
      path,
      {
        v: 1,
        vendor: 'mirakl',
        connection: 'mirakl',
        watermark: '2024-05-01T00:00:00.000Z',
        seen: [],
      },
      TARGET,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(path);
    expect(await readdir(dirname(dirname(path)))).toEqual([]);
  });
});
