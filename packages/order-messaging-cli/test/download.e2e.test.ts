/**
 * `download` through the built bin against the sandbox: the attachment sent with a Mirakl message
 * comes back byte for byte, named from the vendor's file name but never outside the directory; an
 * existing file is kept without --force; a vendor that cannot download says so (exit 12).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFilename } from '../src/commands/download.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { assertBuilt, cleanEnv, runCli, sandboxEnv } from './helpers.js';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let dir: string;
const BYTES = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0a, 0x80, 0x7f]);

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ host: '127.0.0.1' });
  env = cleanEnv(sandboxEnv(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'om-download-'));
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Sends a message with `slip.pdf` to Mirakl through the CLI; the attachment's id from `list`. */
async function sentAttachmentId(): Promise<string> {
  const order = sandbox.seed.mirakl.orderWithThread;
  const source = join(dir, 'slip.pdf');
  await writeFile(source, BYTES);
  const text = `download ${Date.now()}`;
  const sent = await runCli(
    ['send', '--vendor', 'mirakl', '--order', order, '--text', text, '--attach', source, '--json'],
    env,
  );
  expect(sent.code).toBe(0);
  const listed = await runCli(['list', '--vendor', 'mirakl', '--order', order, '--json'], env);
  const message = JSON.parse(listed.stdout).messages.find((m: { text: string }) => m.text === text);
  return message.attachments[0].id as string;
}

describe('order-messaging download', { timeout: 120_000 }, () => {
  it('saves the bytes under the vendor file name, keeps an existing file, replaces it with --force', async () => {
    const id = await sentAttachmentId();
    const run = (...args: string[]) =>
      runCli(
        ['download', '--vendor', 'mirakl', '--attachment', id, ...args],
        { ...env },
        { cwd: dir },
      );
    await rm(join(dir, 'slip.pdf'));
    const first = await run('--json');
    expect(first.code).toBe(0);
    const saved = JSON.parse(first.stdout);
    expect(saved).toMatchObject({ filename: 'slip.pdf', bytes: BYTES.length });
    expect(saved.file).toBe(join(dir, 'slip.pdf'));
    expect(Buffer.compare(await readFile(saved.file), BYTES)).toBe(0);

    await writeFile(saved.file, 'mine');
    const again = await run();
    expect(again.code).toBe(EXIT_CODES.usage);
    expect(again.stderr).toContain('--force');
    expect(await readFile(saved.file, 'utf8')).toBe('mine');

    const other = join(dir, 'copy.bin');
    expect((await run('--output', other)).code).toBe(0);
    expect((await run('--output', saved.file, '--force')).code).toBe(0);
    expect(Buffer.compare(await readFile(saved.file), BYTES)).toBe(0);
    expect(Buffer.compare(await readFile(other), BYTES)).toBe(0);
  });

  it('refuses an attachment over --max-bytes before writing anything', async () => {
    const id = await sentAttachmentId();
    const target = join(dir, 'too-big.bin');
    const result = await runCli(
      [
        'download',
        '--vendor',
        'mirakl',
        '--attachment',
        id,
        '--max-bytes',
        '4',
        '--output',
        target,
      ],
      env,
    );
    expect(result.code).not.toBe(0);
    await expect(readFile(target)).rejects.toThrow();
  });

  it('a vendor that cannot download exits 12 (unsupported)', async () => {
    const result = await runCli(
      ['download', '--vendor', 'spp', '--attachment', '1', '--json'],
      env,
    );
    expect(result.code).toBe(EXIT_CODES.unsupported);
  });

  it('a vendor file name cannot choose the directory', () => {
    expect(safeFilename('../../etc/passwd', '9')).toBe('passwd');
    expect(safeFilename('C:\\Users\\x\\invoice.pdf', '9')).toBe('invoice.pdf');
    expect(safeFilename('..', '9/1')).toBe('attachment-9_1');
    expect(safeFilename('a\u0000b\nc.txt', '9')).toBe('abc.txt');
    expect(safeFilename(undefined, '9')).toBe('attachment-9');
  });
});
