import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/exit-codes.js';
import { lockJournal } from '../src/journal.js';

const testDir = dirname(fileURLToPath(import.meta.url));
const CONTENDER = join(testDir, 'lock-contender.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Contender {
  readonly child: ChildProcess;
  next<T extends { type: string }>(type: T['type']): Promise<T>;
}

function startContender(): Contender {
  // `tsx` runs the source; resolved from the package directory, like the sandbox's CLI tests.
  const child = fork(CONTENDER, [], {
    execArgv: ['--import', 'tsx'],
    cwd: join(testDir, '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: { type: string }[] = [];
  type Waiter = {
    type: string;
    resolve: (message: { type: string }) => void;
    reject: (error: Error) => void;
  };
  const waiting: Waiter[] = [];
  let exitCode: number | null | undefined;
  child.on('message', (message: { type: string }) => {
    const index = waiting.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  child.on('exit', (code) => {
    exitCode = code;
    for (const waiter of waiting.splice(0))
      waiter.reject(new Error(`contender exited (${code}) before ${waiter.type}`));
  });
  return {
    child,
    next: <T extends { type: string }>(type: string) =>
      new Promise<T>((resolve, reject) => {
        const index = inbox.findIndex((message) => message.type === type);
        if (index >= 0) return resolve(inbox.splice(index, 1)[0] as T);
        if (exitCode !== undefined)
          return reject(new Error(`contender exited (${exitCode}) before ${type}`));
        waiting.push({ type, resolve: resolve as Waiter['resolve'], reject });
      }),
  };
}

/** Whether two processes were ever inside the lock at once, from the contenders' shared log. */
function overlaps(log: string): boolean {
  let inside = 0;
  for (const line of log.split('\n').filter(Boolean)) {
    if (line.startsWith('enter')) {
      if (inside > 0) return true;
      inside += 1;
    } else {
      inside -= 1;
    }
  }
  return false;
}

describe('lockJournal between processes', () => {
  const contenders: Contender[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i += 1) contenders.push(startContender());
    await Promise.all(contenders.map((contender) => contender.next('ready')));
  }, 30_000);
  afterAll(() => {
    for (const { child } of contenders) child.kill();
  });

  it("lets one run at a time hold it, when runs start together and when they take over a killed run's lock together", async () => {
    const FRESH = 16;
    const STALE = 8;
    // Locks left by a run killed with SIGKILL, in whatever form the code under test writes them.
    const stale = Array.from({ length: STALE }, (_, i) => join(dir, `stale-${i}.jsonl`));
    const killed = startContender();
    await killed.next('ready');
    killed.child.send({ type: 'hold', journals: stale });
    await killed.next('holding');
    const exited = new Promise((resolve) => killed.child.once('exit', resolve));
    killed.child.kill('SIGKILL');
    await exited;

    const journals = [
      ...Array.from({ length: FRESH }, (_, i) => join(dir, `fresh-${i}.jsonl`)),
      ...stale,
    ];
    const failures: string[] = [];
    for (const [trial, journal] of journals.entries()) {
      const log = `${journal}.holders.log`;
      await writeFile(log, '');
      const startAt = Date.now() + 30;
      const answers = await Promise.all(
        contenders.map((contender) => {
          const answer = contender.next<{ type: string; held: boolean; refusal?: string }>(
            'contended',
          );
          contender.child.send({ type: 'contend', journal, log, startAt, holdMs: 20 });
          return answer;
        }),
      );
      const holders = answers.filter((answer) => answer.held).length;
      if (overlaps(await readFile(log, 'utf8')))
        failures.push(`trial ${trial} (${journal}): two runs held the lock at once`);
      if (holders === 0)
        failures.push(`trial ${trial}: nobody got the lock: ${answers.map((a) => a.refusal)}`);
      for (const { refusal } of answers) {
        if (refusal !== undefined && !/another send-bulk run \(pid \d+\)/.test(refusal))
          failures.push(`trial ${trial}: unexpected refusal: ${refusal}`);
      }
    }
    expect(failures).toEqual([]);
    // Every lock was released, and nothing of a taking-over or a staging run is left behind.
    expect((await readdir(dir)).filter((name) => name.includes('.lock'))).toEqual([]);
  }, 30_000);
});

describe('lockJournal', () => {
  it('never takes a lock that does not say whose it is for a dead run', async () => {
    const journal = join(dir, 'j.jsonl');
    const lockPath = `${journal}.lock`;
    // What another run leaves for an instant while it takes the lock, or what an older version
    // left when it was killed right then.
    for (const content of ['', '{"pid":']) {
      await writeFile(lockPath, content);
      const refusal = await lockJournal(journal).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(UsageError);
      expect((refusal as Error).message).toMatch(
        /locked by .*j\.jsonl\.lock, which does not say which run holds it .*delete .*j\.jsonl\.lock if no run is using the journal/,
      );
      expect(await readFile(lockPath, 'utf8')).toBe(content);
    }
  });

  it('refuses while the lock is held, takes an abandoned empty lock, and releases it', async () => {
    const journal = join(dir, 'j.jsonl');
    const unlock = await lockJournal(journal);
    await expect(lockJournal(journal)).rejects.toThrow(
      new RegExp(`another send-bulk run \\(pid ${process.pid}\\) is using the journal`),
    );
    await unlock();
    expect(existsSync(`${journal}.lock`)).toBe(false);

    // A run killed between removing its owner file and the directory leaves it empty: free.
    await mkdir(`${journal}.lock`);
    const again = await lockJournal(journal);
    await again();
    expect(await readdir(dir)).toEqual([]);
  });
});
