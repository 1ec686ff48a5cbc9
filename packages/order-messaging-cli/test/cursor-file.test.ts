/** A damaged or foreign cursor file is refused as a usage error (exit 2) naming the file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import { capture } from './helpers.js';

describe('sync --cursor-file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'om-cursor-file-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sync = async (content: unknown) => {
    const file = join(dir, 'cursor.json');
    await writeFile(file, JSON.stringify(content));
    const { streams, out, err } = capture();
    const code = await run(
      [
        'node',
        'order-messaging',
        '--vendor',
        'spp',
        '--spp-base-url',
        'http://127.0.0.1:1',
        '--spp-token',
        'test-token-123456',
        'sync',
        '--cursor-file',
        file,
      ],
      streams,
    );
    return { code, out: out(), err: err(), file };
  };

  it.each([
    [{ target: null, cursor: {} }],
    [{ target: { vendor: 'spp' }, cursor: {} }],
    [{ target: { vendor: 'spp', connection: 'spp', sandbox: false, settings: null }, cursor: {} }],
    [{ target: 'spp', cursor: {} }],
  ])('refuses a damaged target %j with exit 2, naming the file', async (content) => {
    const { code, err, file } = await sync(content);
    expect(code, err).toBe(EXIT_CODES.usage);
    expect(err).toContain(`--cursor-file ${file} is damaged`);
    expect(err).not.toMatch(/internal/);
  });

  it('says the cursor file, not the journal, was made for another target', async () => {
    const { code, err } = await sync({
      target: { vendor: 'spp', connection: 'spp', sandbox: true, settings: {} },
      cursor: {},
    });
    expect(code, err).toBe(EXIT_CODES.usage);
    expect(err).toMatch(
      /spp: the cursor file was made for the embedded sandbox \(--sandbox\), this run reads baseUrl=http:\/\/127\.0\.0\.1:1/,
    );
    expect(err).not.toContain('journal');
  });
});
