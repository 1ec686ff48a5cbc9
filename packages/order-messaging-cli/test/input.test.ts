import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/exit-codes.js';
import {
  defaultKey,
  detectFormat,
  parseCsvRecords,
  parseJsonLines,
  readBulkFile,
} from '../src/input.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON lines input', () => {
  it('reads every field, skips blank lines and keeps file line numbers', () => {
    const lines = parseJsonLines(
      [
        '{"vendor":"gameboost","orderId":"42","text":"hi","orderKind":"item","internal":false,"key":"k-1"}',
        '',
        '{"orderId":"A-2","text":"second","internal":"yes"}',
      ].join('\n'),
      'in.jsonl',
    );
    expect(lines).toEqual([
      {
        line: 1,
        key: 'k-1',
        vendor: 'gameboost',
        orderId: '42',
        text: 'hi',
        orderKind: 'item',
        internal: false,
      },
      {
        line: 3,
        key: defaultKey(3, '{"orderId":"A-2","text":"second","internal":"yes"}'),
        orderId: 'A-2',
        text: 'second',
        internal: true,
      },
    ]);
  });

  it('derives a default key from content and line number', () => {
    expect(defaultKey(1, 'x')).not.toBe(defaultKey(2, 'x'));
    expect(defaultKey(1, 'x')).not.toBe(defaultKey(1, 'y'));
    expect(defaultKey(1, 'x')).toBe(defaultKey(1, 'x'));
  });

  it.each([
    ['{"orderId":"1"}', /in\.jsonl:1: "text" is required/],
    ['{"text":"t"}', /"orderId" is required/],
    ['{"orderId":"1","text":"t","vendor":"amazon"}', /unknown vendor "amazon"/],
    ['{"order_id":"1","text":"t"}', /unknown field "order_id" \(allowed: vendor, orderId/],
    ['not json', /in\.jsonl:1: not valid JSON/],
    ['[1,2]', /expected a JSON object/],
    ['{"orderId":"1","text":"t","internal":"maybe"}', /"internal" must be true or false/],
  ])('rejects %s with a message naming the line', (content, pattern) => {
    expect(() => parseJsonLines(content, 'in.jsonl')).toThrow(pattern);
    expect(() => parseJsonLines(content, 'in.jsonl')).toThrow(UsageError);
  });
});

describe('CSV input', () => {
  it('reads a header row, quoted multi-line fields and CRLF, with the line each record starts on', () => {
    const lines = parseCsvRecords(
      'orderId,text,internal,key\r\nA-1,"hello\r\nworld",true,\r\n\r\nA-2,bye,,k2\r\n',
      'in.csv',
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      line: 2,
      orderId: 'A-1',
      text: 'hello\r\nworld',
      internal: true,
    });
    expect(lines[0]!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[1]).toEqual({ line: 5, orderId: 'A-2', text: 'bye', key: 'k2' });
  });

  it('rejects unknown columns', () => {
    expect(() => parseCsvRecords('order,text\n1,x\n', 'in.csv')).toThrow(
      /in\.csv:2: unknown field "order"/,
    );
  });
});

describe('readBulkFile', () => {
  it('picks the format from the extension', () => {
    expect(detectFormat('a.CSV')).toBe('csv');
    expect(detectFormat('a.jsonl')).toBe('jsonl');
    expect(detectFormat('a.txt', 'csv')).toBe('csv');
    expect(() => detectFormat('a', 'xml')).toThrow(UsageError);
  });

  it('refuses two lines with the same key', async () => {
    const path = join(dir, 'dup.jsonl');
    await writeFile(
      path,
      '{"orderId":"1","text":"a","key":"same"}\n{"orderId":"2","text":"b","key":"same"}\n',
    );
    await expect(readBulkFile(path, 'jsonl')).rejects.toThrow(
      /dup\.jsonl:2: key "same" is also used on line 1/,
    );
  });

  it('says when the file does not exist', async () => {
    await expect(readBulkFile(join(dir, 'nope.jsonl'), 'jsonl')).rejects.toThrow(
      /input file not found/,
    );
  });
});
