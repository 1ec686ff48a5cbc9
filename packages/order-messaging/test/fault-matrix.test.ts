/**
 * The delivery guarantees, proved against the sandbox: every fault of the matrix on every
 * vendor's send operation, the caller's result set against the messages the sandbox stored.
 * `scripts/fault-matrix.ts` runs the same matrix and writes docs/fault-matrix.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  comparableText,
  NetworkError,
  OrderMessagingError,
  RateLimitedError,
  TimeoutError,
  VendorServerError,
} from '@org/order-messaging';
import { VENDORS } from '@org/order-messaging/vendors';
import {
  COLUMNS,
  expectedFor,
  FAULTS,
  MATRIX_SANDBOX_OPTIONS,
  matrixHolds,
  matrixMarkdown,
  runFaultMatrix,
  storedAsHtml,
  type Cell,
  type Matrix,
} from './support/fault-matrix/index.js';

let sb: Sandbox;
let matrix: Matrix;

beforeAll(async () => {
  sb = await startSandbox(MATRIX_SANDBOX_OPTIONS);
  matrix = await runFaultMatrix(sb);
}, 60_000);
afterAll(() => sb?.close());

const cellsOf = (faultId: string): Cell[] => matrix.cells.filter((c) => c.fault === faultId);
const columnOf = (cell: Cell) => COLUMNS.find((c) => c.id === cell.column)!;

/** What the caller was told, in the words of the definitions, for a failing assertion. */
const describeCell = (c: Cell) =>
  `${c.fault} / ${c.column}: ${c.outcome}, delivery=${c.delivery}, stored=${c.stored}, posts=${c.posts}, ${c.elapsedMs} ms`;

describe('fault matrix: totals', () => {
  it('covers every fault on every send path', () => {
    expect(matrix.cells).toHaveLength(FAULTS.length * COLUMNS.length);
    expect(COLUMNS.map((c) => `${c.vendor}:${c.sendOperation}`)).toEqual([
      'mirakl:replyToThread',
      'mirakl:createOrderThread',
      'spp:createOrderMessage',
      'omnidesk:createMessage',
      'gameboost:sendAccountOrderMessage',
    ]);
    // Every registered vendor has a column, and only registered vendors do.
    expect([...new Set(COLUMNS.map((c) => c.vendor))]).toEqual(VENDORS.map((d) => d.name));
  });

  it('loses nothing and duplicates nothing', () => {
    expect(matrix.cells.filter((c) => c.lost).map(describeCell)).toEqual([]);
    expect(matrix.cells.filter((c) => c.duplicated).map(describeCell)).toEqual([]);
    expect(matrix.totals).toMatchObject({ lost: 0, duplicated: 0, untyped: 0, unexpected: 0 });
    expect(matrixHolds(matrix)).toBe(true);
  });

  it("gives every cell the rule's delivery, leaks no credential and sends nothing off its path", () => {
    const wrong = matrix.cells.filter((c) => c.delivery !== c.expected.delivery);
    expect(wrong.map(describeCell)).toEqual([]);
    const leaked = matrix.cells.filter((c) => c.leaks.length > 0);
    expect(leaked.map((c) => `${describeCell(c)}: canary in ${c.leaks.join(', ')}`)).toEqual([]);
    const offPath = matrix.cells.filter((c) => c.offPath > 0);
    expect(offPath.map((c) => `${describeCell(c)}: ${c.offPath} off-path`)).toEqual([]);
    expect(matrix.totals).toMatchObject({ wrongDelivery: 0, secretLeaks: 0, offPath: 0 });
  });

  it("never says 'not_sent' once a post reached the vendor, nor 'rejected' unless its answer proved it", () => {
    const told = matrix.cells.filter((c) => c.delivery === 'not_sent' && c.posts > 0);
    expect(told.map(describeCell)).toEqual([]);
    // Refusals that prove nothing was applied: throttling, and a timeout reading the request.
    const rejected = matrix.cells.filter((c) => c.delivery === 'rejected');
    expect(new Set(rejected.map((c) => c.fault))).toEqual(
      new Set(['429-too-long', '429-storm', '408-every-attempt']),
    );
  });

  it("says 'unknown' exactly where the message is not stored or its check failed, never for a stored one it found", () => {
    for (const cell of matrix.cells.filter((c) => c.delivery === 'unknown')) {
      expect(cell.result, describeCell(cell)).toBeUndefined();
      expect(cell.posts, describeCell(cell)).toBeGreaterThan(0);
    }
    const unknownFaults = new Set(
      matrix.cells.filter((c) => c.delivery === 'unknown').map((c) => c.fault),
    );
    expect(unknownFaults).toContain('drop-after-apply-check-fails');
    expect(matrix.totals.unknown).toBe(
      matrix.cells.filter((c) => c.expected.delivery === 'unknown').length,
    );
  });

  it('sent nothing the sandbox refused as invalid, and the sandbox kept to the specs', () => {
    expect(matrix.invalidRequests).toEqual([]);
    expect(matrix.responseViolations).toBe(0);
  });

  it('renders the markdown table with every cell and the totals', () => {
    const markdown = matrixMarkdown(matrix, 'test');
    const tableRows = markdown.split('\n').filter((line) => line.startsWith('| '));
    expect(tableRows).toHaveLength(FAULTS.length + 2); // header and rule lines
    expect(tableRows[0]).toBe(`| fault | ${COLUMNS.map((c) => c.label).join(' | ')} |`);
    expect(markdown).toContain(
      '| connection dropped after the message was stored | ok: reconciled, delivery=delivered, stored=1 |',
    );
    expect(markdown).toMatch(/lost = 0, duplicated = 0, wrong delivery = 0, untyped errors = 0, /);
    expect(markdown).toMatch(/secret leaks = 0, off-path requests = 0, not as expected = 0/);
    for (const row of tableRows.slice(2)) {
      expect(row).not.toMatch(/LOST|DUPLICATED|UNTYPED|LEAK|OFF-PATH|UNEXPECTED/);
      expect(row.match(/\| ok: /g)).toHaveLength(COLUMNS.length);
    }
  });
});

describe.each(FAULTS.map((fault) => [fault.label, fault] as const))('%s', (_label, fault) => {
  it('ends as the guarantees say on every vendor', () => {
    const cells = cellsOf(fault.id);
    expect(cells).toHaveLength(COLUMNS.length);
    for (const cell of cells) {
      const expected = expectedFor(fault, columnOf(cell));
      expect(
        { outcome: cell.outcome, delivery: cell.delivery, stored: cell.stored, posts: cell.posts },
        describeCell(cell),
      ).toEqual(expected);
      expect(cell.asExpected, describeCell(cell)).toBe(true);
    }
  });

  it('returns the stored message on success and a typed error otherwise', () => {
    for (const cell of cellsOf(fault.id)) {
      if (cell.result) {
        expect(cell.sameMessage, describeCell(cell)).toBe(true);
        // As the vendor shows it: the same displayed text (HTML-escaped by an escaping store).
        expect(comparableText(cell.result.message.text)).toBe(comparableText(cell.text));
        expect(cell.result.attempts, describeCell(cell)).toBe(cell.posts);
        continue;
      }
      const error = cell.error as OrderMessagingError;
      expect(error, describeCell(cell)).toBeInstanceOf(OrderMessagingError);
      expect(error.kind).toBe(cell.outcome);
      expect(error.vendor).toBe(columnOf(cell).vendor);
      // The typed class matches the kind, so `instanceof` branches work.
      const classOf = {
        rate_limited: RateLimitedError,
        vendor_server: VendorServerError,
        network: NetworkError,
        timeout: TimeoutError,
      } as const;
      expect(error).toBeInstanceOf(classOf[error.kind as keyof typeof classOf]);
    }
  });

  if (fault.minElapsedMs) {
    it(`waited the server-requested time (at least ${fault.minElapsedMs} ms), not a short backoff`, () => {
      for (const cell of cellsOf(fault.id)) {
        expect(cell.elapsedMs, describeCell(cell)).toBeGreaterThanOrEqual(fault.minElapsedMs!);
      }
    });
  }
});

describe('fault matrix: details of the failures', () => {
  it('an entity-escaping store is recognised from what it shows, not from the text as sent', () => {
    for (const cell of cellsOf('html-escaping-store')) {
      expect(cell.text, describeCell(cell)).toMatch(/It's déjà vu & 5 < 6/);
      expect(cell.result?.message.text, describeCell(cell)).toBe(storedAsHtml(cell.text));
    }
  });

  it('a store after the reconciliation check ends unknown (never not_sent), one copy, no second post', () => {
    for (const cell of cellsOf('stored-after-check')) {
      expect(cell.error, describeCell(cell)).toBeInstanceOf(TimeoutError);
      expect((cell.error as Error).message).toContain(
        'the message is not on the order after 1 attempt(s), but the vendor may still store it',
      );
      expect({ delivery: cell.delivery, stored: cell.stored, posts: cell.posts }).toEqual({
        delivery: 'unknown',
        stored: 1,
        posts: 1,
      });
    }
  });

  it('a Retry-After beyond the allowed wait comes back as RateLimitedError with retryAfterMs', () => {
    for (const cell of cellsOf('429-too-long')) {
      expect(cell.error).toBeInstanceOf(RateLimitedError);
      expect(cell.retryAfterMs, describeCell(cell)).toBe(3_600_000);
      expect((cell.error as RateLimitedError).retryable).toBe(true);
      expect((cell.error as RateLimitedError).status).toBe(429);
    }
  });

  it('an unknown delivery tells the caller to look before sending again', () => {
    for (const cell of cellsOf('drop-after-apply-check-fails')) {
      const error = cell.error as OrderMessagingError;
      expect(error.message).toContain('look at the order before sending again');
      expect(error.retryable).toBe(true);
    }
  });

  it('an absent message after the resend budget says how many attempts were checked, and that it may still arrive', () => {
    for (const id of [
      '500-every-attempt',
      'drop-before-apply-every-attempt',
      'latency-never-applied',
    ]) {
      for (const cell of cellsOf(id)) {
        expect((cell.error as Error).message, describeCell(cell)).toContain(
          'the message is not on the order after 2 attempt(s), but the vendor may still store it',
        );
      }
    }
  });
});
