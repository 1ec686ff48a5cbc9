/**
 * `sync` and `inbox` through the built bin, against a sandbox started here, with the CLI
 * configured only by the environment `order-messaging-sandbox --env` prints. Every vendor whose
 * capabilities say it syncs is covered: a vendor that gains sync joins these tests by itself.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderMessaging } from '@org/order-messaging';
import { VENDORS } from '@org/order-messaging/vendors';
import { sandboxCliEnv, startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { adapterFor } from '../src/facade.js';
import { sandboxConnection, sandboxExampleOrder } from '../src/sandbox.js';
import type { VendorName } from '../src/vendors.js';
import { assertBuilt, cleanEnv, runCli, startCli, waitFor } from './helpers.js';

const SYNC_VENDORS = VENDORS.filter(
  (vendor) => (vendor.capabilities.sync?.mode ?? 'none') !== 'none',
).map((vendor) => vendor.name as VendorName);

/** Before anything the sandbox seeds. */
const SINCE = '2000-01-01T00:00:00.000Z';
/**
 * GameBoost documents 5 chat operations a minute: a first sync of its open orders would take
 * minutes. The sandbox here allows more, and every run is told so (`--no-rate-limits`).
 */
const UNPACED = '--no-rate-limits';

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({
    host: '127.0.0.1',
    rateLimits: { gameboost: { chat: { limit: 10_000 } } },
  });
  env = cleanEnv(sandboxCliEnv(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'om-cli-sync-'));
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every stdout line as JSON: a line that does not parse fails the test. */
function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
}

/** The facade's cursor kept in a cursor file (beside the target it was made for). */
async function cursorOf(path: string): Promise<any> {
  return JSON.parse(await readFile(path, 'utf8')).cursor;
}

/** The facade's audit, in this process: the messages changed since `SINCE` that `seen` lacks. */
async function missedBy(vendor: VendorName, seen: readonly string[]) {
  const messaging = createOrderMessaging({
    connections: {
      [vendor]: { adapter: adapterFor(sandboxConnection(sandbox, vendor)), rateLimits: false },
    },
  });
  const report = await messaging.auditSync(vendor, { since: new Date(SINCE), seen });
  return report.missing.map((message) => message.id);
}

it('every registered vendor supports sync', () => {
  expect([...SYNC_VENDORS].sort()).toEqual(VENDORS.map((descriptor) => descriptor.name).sort());
});

it('sync without a cursor file needs --since (exit 2, nothing written)', async () => {
  const file = join(dir, 'no-since.json');
  const result = await runCli(
    ['sync', '--vendor', SYNC_VENDORS[0]!, '--cursor-file', file, UNPACED],
    env,
  );
  expect(result.code).toBe(EXIT_CODES.usage);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('--since');
  expect(existsSync(file)).toBe(false);
});

it('without --json, sync prints a readable line per message and inbox a table', async () => {
  const vendor = SYNC_VENDORS[0]!;
  const file = join(dir, 'human.cursor.json');
  const result = await runCli(
    ['sync', '--vendor', vendor, '--cursor-file', file, '--since', SINCE, UNPACED],
    env,
  );
  expect(result.code).toBe(EXIT_CODES.ok);
  const lines = result.stdout.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z {2}order \S+ {2}\S/);
  }
  expect(result.stderr).toBe(`${lines.length} new message(s); cursor saved to ${file}\n`);
  // Whatever the vendor's seed: one order waits.
  sandbox.simulate.customerMessage(vendor, sandboxExampleOrder(sandbox, vendor), 'Any news?');
  const inbox = await runCli(['inbox', '--vendor', vendor, UNPACED], env);
  expect(inbox.code).toBe(EXIT_CODES.ok);
  expect(inbox.stdout).toMatch(/^order +waiting since +last message\n/);
});

/** The order kinds a vendor's orders come in (GameBoost), none for the others. */
const kindsOf = (vendor: VendorName) =>
  VENDORS.find((descriptor) => descriptor.name === vendor)!.capabilities.orderKinds;

/** The sandbox's own record of the order a message is on, by kind (GameBoost keeps `kind:id`). */
function kindHolds(vendor: VendorName, kind: string, orderId: string, messageId: string): boolean {
  const raw = sandbox.state.raw(vendor) as { orders: Map<string, { messages: { id: string }[] }> };
  return raw.orders.get(`${kind}:${orderId}`)?.messages.some((m) => m.id === messageId) ?? false;
}

describe.each(SYNC_VENDORS)('sync and inbox on %s', (vendor) => {
  const file = () => join(dir, `${vendor}.cursor.json`);
  const kinds = kindsOf(vendor);
  const sync = (...extra: string[]) =>
    runCli(['sync', '--vendor', vendor, '--json', '--cursor-file', file(), ...extra, UNPACED], env);

  it('the first sync prints every seeded message once, as JSON lines', async () => {
    const result = await sync('--since', SINCE);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT_CODES.ok);
    const lines = jsonLines(result.stdout);
    expect(lines.length).toBeGreaterThan(0);
    const ids = lines.map((line) => line.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = new Set(sandbox.state.messages(vendor).map((message) => message.id));
    for (const line of lines) {
      expect(stored.has(line.id)).toBe(true);
      expect(line).toMatchObject({ vendor, orderId: expect.any(String), edited: false });
      expect(line.needsReply === null || typeof line.needsReply.since === 'string').toBe(true);
      expect(Number.isFinite(Date.parse(line.sentAt))).toBe(true);
      // The order kind a reply needs (GameBoost), as the facade gives it; nothing elsewhere.
      if (kinds)
        expect(kindHolds(vendor, line.vendorOptions[vendor].orderKind, line.orderId, line.id)).toBe(
          true,
        );
      else expect(line).not.toHaveProperty('vendorOptions');
    }
    expect(await missedBy(vendor, ids)).toEqual([]);
    expect(await cursorOf(file())).toMatchObject({ v: 1, vendor });
  });

  it('an immediate second sync prints nothing', async () => {
    const result = await sync('--since', SINCE);
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toBe('');
    expect(await cursorOf(file())).toMatchObject({ v: 1, vendor });
  });

  it('after one send through the CLI, sync prints exactly that message', async () => {
    const text = `cli sync ${vendor} ${Date.now()}`;
    const order = sandboxExampleOrder(sandbox, vendor);
    const sent = await runCli(
      ['send', '--vendor', vendor, '--order', order, '--text', text, '--json', UNPACED],
      env,
    );
    expect(sent.code).toBe(EXIT_CODES.ok);
    const messageId = JSON.parse(sent.stdout).message.id as string;
    // The order as the vendor's listings name it (SPP lists orders by id, sent to by number).
    const storedOrder = sandbox.state.messages(vendor).find((m) => m.id === messageId)?.orderId;
    const result = await sync();
    expect(result.code).toBe(EXIT_CODES.ok);
    const lines = jsonLines(result.stdout);
    expect(lines.map((line) => [line.id, line.text, line.orderId])).toEqual([
      [messageId, text, storedOrder],
    ]);
    expect((await cursorOf(file())).seen.map(([key]: [string]) => key)).toContain(messageId);
    expect((await sync()).stdout).toBe('');
  });

  it("another vendor's cursor file is refused with exit 2 and left as it was", async () => {
    const other = VENDORS.find((descriptor) => descriptor.name !== vendor)!.name;
    const foreign = join(dir, `${vendor}-foreign.json`);
    const text = JSON.stringify({ ...(await cursorOf(file())), vendor: other, connection: other });
    await writeFile(foreign, text);
    const result = await runCli(
      ['sync', '--vendor', vendor, '--json', '--cursor-file', foreign, UNPACED],
      env,
    );
    expect(result.code).toBe(EXIT_CODES.usage);
    const [report, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    expect(report.error.kind).toBe('usage');
    expect(report.error.message).toContain(foreign);
    expect(report.error.message).toContain('cursor');
    expect(await readFile(foreign, 'utf8')).toBe(text);
  });

  it('a cursor file made for another target (another base URL) is refused with exit 2', async () => {
    const saved = JSON.parse(await readFile(file(), 'utf8'));
    expect(saved.target).toMatchObject({ vendor, sandbox: false });
    const elsewhere = join(dir, `${vendor}-elsewhere.json`);
    const settings = Object.fromEntries(
      Object.entries(saved.target.settings).map(([key, value]) => [
        key,
        typeof value === 'string' ? value.replace('127.0.0.1', 'localhost') : value,
      ]),
    );
    const text = JSON.stringify({ ...saved, target: { ...saved.target, settings } });
    await writeFile(elsewhere, text);
    const result = await runCli(
      ['sync', '--vendor', vendor, '--json', '--cursor-file', elsewhere, UNPACED],
      env,
    );
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(jsonLines(result.stdout)[0].error.message).toContain('was made for another target');
    expect(await readFile(elsewhere, 'utf8')).toBe(text);
  });

  it('inbox --json lists an order after a customer writes on it, longest waiting first', async () => {
    const order = sandboxExampleOrder(sandbox, vendor);
    const text = `customer asks ${vendor} ${Date.now()}`;
    const stored = sandbox.simulate.customerMessage(vendor, order, text);
    const result = await runCli(['inbox', '--vendor', vendor, '--json', UNPACED], env);
    expect(result.code).toBe(EXIT_CODES.ok);
    const { orders } = JSON.parse(result.stdout);
    // By its last message: ids of GameBoost orders of different kinds may be equal.
    const entry = orders.find((candidate: any) => candidate.lastMessage?.id === stored.id);
    expect(entry).toMatchObject({ needsReply: { since: expect.any(String) } });
    expect(entry.lastMessage).toMatchObject({ text, author: { kind: 'customer' } });
    const sinces = orders.map((candidate: any) => Date.parse(candidate.needsReply.since));
    expect(sinces).toEqual([...sinces].sort((a, b) => a - b));
    if (!kinds) return expect(entry).not.toHaveProperty('vendorOptions');
    const kind = entry.vendorOptions[vendor].orderKind as string;
    expect(kindHolds(vendor, kind, stored.orderId, stored.id)).toBe(true);
    // The table names the kind after the order, as `send --order-kind` wants it.
    const table = await runCli(['inbox', '--vendor', vendor, UNPACED], env);
    expect(table.stdout).toMatch(new RegExp(`^${stored.orderId} \\(${kind}\\) `, 'm'));
  });

  it('--follow picks up a new message, and SIGINT stops it cleanly with the cursor saved', async () => {
    const followFile = join(dir, `${vendor}.follow.json`);
    const running = startCli(
      [
        'sync',
        '--vendor',
        vendor,
        '--json',
        '--cursor-file',
        followFile,
        '--since',
        SINCE,
        '--follow',
        '--interval',
        '0.2',
        UNPACED,
      ],
      env,
    );
    try {
      // The first scan is over once the watermark left --since.
      await waitFor(
        async () => existsSync(followFile) && (await cursorOf(followFile)).watermark !== SINCE,
        15_000,
      );
      const text = `follow ${vendor} ${Date.now()}`;
      const stored = sandbox.simulate.customerMessage(
        vendor,
        sandboxExampleOrder(sandbox, vendor),
        text,
      );
      await waitFor(
        async () =>
          ((await cursorOf(followFile)).seen as [string][]).some(([key]) => key === stored.id),
        15_000,
      );
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code).toBe(EXIT_CODES.interrupted);
      const lines = jsonLines(result.stdout);
      expect(lines.filter((line) => line.text === text).map((line) => line.id)).toEqual([
        stored.id,
      ]);
      const ids = lines.map((line) => line.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await cursorOf(followFile)).toMatchObject({ v: 1, vendor });
    } finally {
      running.child.kill('SIGKILL');
    }
  });
});

it('audit reports the message a cursor passed without printing it (exit 15), and nothing before', async () => {
  const vendor = SYNC_VENDORS[0]!;
  const file = join(dir, 'audit.cursor.json');
  const seen = join(dir, 'audit.seen.jsonl');
  const sync = () =>
    runCli(
      ['sync', '--vendor', vendor, '--json', '--cursor-file', file, '--since', SINCE, UNPACED],
      env,
    );
  const audit = (...extra: string[]) =>
    runCli(
      [
        'audit',
        '--vendor',
        vendor,
        '--since',
        SINCE,
        '--seen',
        seen,
        '--cursor-file',
        file,
        ...extra,
        UNPACED,
      ],
      env,
    );
  await writeFile(seen, (await sync()).stdout);
  const clean = await audit();
  expect(clean.code).toBe(EXIT_CODES.ok);
  expect(clean.stdout).toMatch(/^audit \S+ .*, 0 missing\n$/);

  const stored = sandbox.simulate.customerMessage(
    vendor,
    sandboxExampleOrder(sandbox, vendor),
    'Hello?',
  );
  const at = sandbox.state.messages(vendor).find((m) => m.id === stored.id)!.createdAt;
  // A cursor with an off-by-a-second watermark: the next sync starts after the message.
  const saved = JSON.parse(await readFile(file, 'utf8'));
  saved.cursor.watermark = new Date(at.getTime() + 1000).toISOString();
  await writeFile(file, JSON.stringify(saved));
  const next = await sync();
  expect(jsonLines(next.stdout).map((line) => line.id)).not.toContain(stored.id);
  await writeFile(seen, `${await readFile(seen, 'utf8')}${next.stdout}`);

  const gap = await audit('--json');
  expect(gap.code).toBe(EXIT_CODES.audit_gaps);
  const report = JSON.parse(gap.stdout);
  expect(report.missing.map((m: { id: string }) => m.id)).toEqual([stored.id]);
  expect(report).toMatchObject({ vendor, watermark: saved.cursor.watermark });
});
