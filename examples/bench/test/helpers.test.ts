import { describe, expect, it } from 'vitest';
import { headroom } from '../src/budgets.js';
import { encodeMultipart, expandPath } from '../src/executors.js';
import { replayFetch } from '../src/replay.js';
import { replaceSection } from '../src/report.js';
import { budgetFor } from '../src/size.js';
import { median, percentile, ratioSpread, spread } from '../src/stats.js';
import { parseDiagnostics } from '../src/type-cost.js';

describe('stats', () => {
  it('takes medians, nearest-rank percentiles and same-run ratios', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(ratioSpread([2, 6], [1, 2])).toEqual({ median: 2.5, min: 2, max: 3, runs: 2 });
    expect(() => ratioSpread([1], [1, 2])).toThrow(/same-run/);
  });
});

describe('budgets', () => {
  it('adds 10 % headroom rounded up to 10', () => {
    expect(budgetFor(1000)).toBe(1100);
    expect(budgetFor(1001)).toBe(1110);
    expect(headroom(916)).toBe(1010);
  });
});

describe('parseDiagnostics', () => {
  it('reads tsc --extendedDiagnostics output', () => {
    const output = [
      'Files:                         93',
      'Types:                       1014',
      'Instantiations:               916',
      'Check time:                 0.39s',
    ].join('\n');
    expect(parseDiagnostics(output)).toEqual({
      files: 93,
      types: 1014,
      instantiations: 916,
      checkTimeSeconds: 0.39,
    });
    expect(() => parseDiagnostics('Files: 1')).toThrow(/Types/);
  });
});

describe('encodeMultipart', () => {
  it('writes JSON parts and plain fields a multipart parser reads back', async () => {
    const encoded = encodeMultipart({
      message_input: { body: 'hi', to: [] },
      ticketID: 7,
      type: '1',
    });
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      body: encoded.body,
      headers: { 'Content-Type': encoded.contentType },
    }).formData();
    expect(JSON.parse(String(form.get('message_input')))).toEqual({ body: 'hi', to: [] });
    expect(form.get('ticketID')).toBe('7');
    expect(form.get('type')).toBe('1');
  });

  it('expands and escapes path parameters, and refuses a missing one', () => {
    expect(expandPath('/a/{id}/b', { id: 'x/y' })).toBe('/a/x%2Fy/b');
    expect(() => expandPath('/a/{id}', {})).toThrow(/\{id\}/);
  });
});

describe('replayFetch', () => {
  it('answers a path read twice per send with its answers in turn', async () => {
    const stub = replayFetch(
      new Map([
        [
          'GET /ticket/1',
          [
            { status: 200, headers: [['content-type', 'application/json']], body: '{"n":1}' },
            { status: 200, headers: [['content-type', 'application/json']], body: '{"n":2}' },
          ],
        ],
      ]),
    );
    const read = async () =>
      (await (await stub('http://127.0.0.1/ticket/1')).json()) as { n: number };
    expect([(await read()).n, (await read()).n, (await read()).n]).toEqual([1, 2, 1]);
    expect(stub.calls()).toBe(3);
    await expect(stub('http://127.0.0.1/other')).rejects.toThrow(
      /nothing recorded for GET \/other/,
    );
  });
});

describe('replaceSection', () => {
  it('replaces the text between markers and appends missing sections', () => {
    const doc = 'intro\n<!-- bench:size:start -->\nold\n<!-- bench:size:end -->\noutro\n';
    const replaced = replaceSection(doc, 'size', 'new');
    expect(replaced).toContain('<!-- bench:size:start -->\n\nnew\n\n<!-- bench:size:end -->');
    expect(replaced).not.toContain('old');
    expect(replaced.endsWith('outro\n')).toBe(true);
    expect(replaceSection('intro\n', 'types', 'T')).toBe(
      'intro\n\n<!-- bench:types:start -->\n\nT\n\n<!-- bench:types:end -->\n',
    );
  });
});
