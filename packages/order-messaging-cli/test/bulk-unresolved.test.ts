/**
 * A line whose first attempt's delivery is unknown stays unresolved until a run finds it sent,
 * whatever later attempts record. Runs the bulk runner and the CLI's facade wiring from source
 * against a sandbox on 127.0.0.1, over real HTTP.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBulk, type BulkSummary } from '../src/bulk.js';
import { createMessaging } from '../src/facade.js';
import type { JournalTarget } from '../src/journal.js';
import { addSppOrders } from './helpers.js';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1' });
  dir = await mkdtemp(join(tmpdir(), 'om-bulk-unresolved-'));
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("checks the order before every later run's send while an earlier attempt's delivery is unknown, even after a later attempt was refused", async () => {
  const spp = (sandbox.vendors as unknown as { spp: { baseUrl: string; token: string } }).spp;
  const [orderId] = addSppOrders(sandbox, 1);
  const text = 'Your parcel left the warehouse today.';
  const messaging = createMessaging(
    new Map([['spp', { vendor: 'spp', baseUrl: spp.baseUrl, token: spp.token }]]),
    { maxRetries: 0, timeoutMs: 2000 },
  );
  const targets: JournalTarget[] = [
    { vendor: 'spp', connection: 'spp', sandbox: false, settings: { baseUrl: spp.baseUrl } },
  ];
  const journalPath = join(dir, 'messages.jsonl.journal.jsonl');
  const run = (): Promise<BulkSummary> =>
    runBulk({
      lines: [{ line: 1, key: 'k1', orderId: orderId!, text }],
      journalPath,
      targets,
      concurrency: 1,
      sender: messaging.bulkSender(() => 'spp', { resumeSettleMs: 0 }),
    });
  const posts = () =>
    sandbox.state.requests.filter(
      (request) => request.vendor === 'spp' && request.operationId === 'createOrderMessage',
    ).length;
  const stored = () => sandbox.state.messages('spp', orderId).filter((m) => m.text === text);

  // Run 1: the connection breaks before an answer; the vendor has not stored the post yet.
  sandbox.faults.inject({ vendor: 'spp', operationId: 'createOrderMessage', drop: 'before-apply' });
  const first = await run();
  expect(first.failures).toMatchObject([{ delivery: 'unknown' }]);
  expect(stored()).toHaveLength(0);

  // Run 2: the check finds nothing yet, and the resend is refused for sure (429).
  sandbox.faults.inject({
    vendor: 'spp',
    operationId: 'createOrderMessage',
    status: 429,
    retryAfter: 0,
  });
  const second = await run();
  expect(second.failures).toMatchObject([{ kind: 'rate_limited', delivery: 'rejected' }]);
  expect(stored()).toHaveLength(0);

  // A slow backend behind the gateway stores run 1's post only now.
  await messaging.send('spp', { orderId: orderId!, text });
  const postsBefore = posts();

  // Run 3 must look for run 1's post before sending: it is there, so nothing is posted.
  const third = await run();
  expect(stored()).toHaveLength(1);
  expect(posts()).toBe(postsBefore);
  expect(third).toMatchObject({ sent: 1, reconciled: 1, failed: 0, deliveryUnknown: 0 });
  const states = (await readFile(journalPath, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as { state: string; delivery?: string; reconciled?: boolean })
    .map((entry) =>
      [entry.state, entry.delivery, entry.reconciled && 'reconciled'].filter(Boolean).join('/'),
    );
  expect(states).toEqual([
    'sending',
    'failed/unknown',
    'sending',
    'failed/rejected',
    'sending',
    'sent/reconciled',
  ]);
}, 30_000);
