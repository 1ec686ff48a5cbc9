/**
 * The numbers the sandbox enforces are the ones the loaded spec states (`x-limits`):
 * compared with the clients' operation tables (generated from the same specs), and
 * changed by starting a sandbox on edited copies of the specs.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { operationsById as mirakl } from '@org/mirakl-client';
import { operationsById as spp } from '@org/spp-client';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MIRAKL_LIMITS, startSandbox } from '../src/index.js';
import { defaultSpecsDir, loadSpec } from '../src/spec/index.js';

const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the specs with `edit` applied to `<vendor>.yaml`'s operations (by operationId). */
function editedSpecs(
  vendor: string,
  edit: Record<string, (operation: Record<string, unknown>) => void>,
): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-specs-'));
  dirs.push(dir);
  cpSync(defaultSpecsDir(), dir, { recursive: true });
  const file = path.join(dir, `${vendor}.yaml`);
  const document = YAML.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const change = edit[String(operation.operationId)];
      if (change) change(operation);
    }
  }
  writeFileSync(file, YAML.stringify(document));
  return dir;
}

const setLimits =
  (limits: Record<string, number>) =>
  (operation: Record<string, unknown>): void => {
    operation['x-limits'] = { ...(operation['x-limits'] as object), ...limits };
  };

describe('the bundled specs', () => {
  it('MIRAKL_LIMITS are the x-limits of the Mirakl client’s operation table', () => {
    expect({ ...MIRAKL_LIMITS }).toEqual({
      maxMessagesPerThread: mirakl.replyToThread.limits.maxMessagesPerThread,
      maxMessageBytes: mirakl.createOrderThread.limits.maxMessageBytes,
      maxAttachmentsPerEntity: mirakl.replyToThread.limits.maxAttachmentsPerEntity,
      withMessagesMaxMessagesPerThread: mirakl.listThreads.limits.withMessagesMaxMessagesPerThread,
      defaultPageSize: mirakl.listThreads.limits.defaultPageSize,
    });
    expect(MIRAKL_LIMITS.maxMessagesPerThread).toBe(
      mirakl.postOrderMessage.limits.maxMessagesPerThread,
    );
    expect(Object.isFrozen(MIRAKL_LIMITS)).toBe(true);
  });

  it('the SPP sandbox pages by listOrderMessages’ x-limits', async () => {
    const sb = await startSandbox();
    try {
      const list = (query: string) =>
        fetch(
          `${sb.vendors.spp.baseUrl}/api/order_messages/${sb.seed.spp.orderWithManyMessages.id}${query}`,
          { headers: { authorization: `Bearer ${sb.vendors.spp.token}` } },
        ).then((r) => r.json() as Promise<{ meta: { per_page: number } }>);
      const { defaultLimit, maxLimit } = spp.listOrderMessages.limits;
      expect((await list('')).meta.per_page).toBe(defaultLimit);
      expect((await list(`?limit=${maxLimit + 1}`)).meta.per_page).toBe(maxLimit);
    } finally {
      await sb.close();
    }
  });

  it('reads values below the root or an operation, following $refs, and fails loudly', () => {
    const spec = loadSpec('mirakl', defaultSpecsDir());
    const example = spec.at('components', 'examples', 'ThreadExample', 'value', 'id');
    expect(
      spec.operationAt(
        'getThread',
        'responses',
        '200',
        'content',
        'application/json',
        'examples',
        'thread',
        'value',
        'id',
      ),
    ).toBe(example);
    expect(spec.limit('listThreads', 'defaultPageSize')).toBe(
      mirakl.listThreads.limits.defaultPageSize,
    );
    expect(() => spec.limit('getThread', 'defaultPageSize')).toThrow(
      'The mirakl spec states no x-limits.defaultPageSize on getThread',
    );
    expect(() => spec.limit('nope', 'defaultPageSize')).toThrow('no operation "nope"');
    expect(() => spec.at('components', 'examples', 'Nope')).toThrow(
      'The mirakl spec has nothing at components → examples → Nope',
    );
  });
});

describe('edited specs', () => {
  it('an SPP spec with other x-limits pages by them', async () => {
    const specsDir = editedSpecs('spp', {
      listOrderMessages: setLimits({ defaultLimit: 7, maxLimit: 9 }),
    });
    const sb = await startSandbox({ specsDir });
    try {
      const list = (query: string) =>
        fetch(
          `${sb.vendors.spp.baseUrl}/api/order_messages/${sb.seed.spp.orderWithManyMessages.id}${query}`,
          { headers: { authorization: `Bearer ${sb.vendors.spp.token}` } },
        ).then((r) => r.json() as Promise<{ meta: { per_page: number; last_page: number } }>);
      expect((await list('')).meta).toMatchObject({ per_page: 7, last_page: 4 });
      expect((await list('?limit=50')).meta.per_page).toBe(9);
    } finally {
      await sb.close();
    }
  });

  it('a Mirakl spec with other x-limits seeds and enforces them', async () => {
    const specsDir = editedSpecs('mirakl', {
      replyToThread: setLimits({ maxMessagesPerThread: 10, maxAttachmentsPerEntity: 5 }),
      postOrderMessage: setLimits({ maxMessagesPerThread: 10 }),
    });
    const sb = await startSandbox({ specsDir });
    try {
      const { nearlyFullThreadId, orderNearAttachmentLimit } = sb.seed.mirakl;
      const all = sb.state.messages('mirakl');
      expect(all.filter((m) => m.threadId === nearlyFullThreadId)).toHaveLength(9);
      const attachments = sb.state
        .messages('mirakl', orderNearAttachmentLimit)
        .flatMap((m) => m.attachments ?? []);
      expect(attachments).toHaveLength(4);
      const reply = () => {
        const form = new FormData();
        form.set('message_input', JSON.stringify({ body: 'one more', to: [{ type: 'CUSTOMER' }] }));
        return fetch(
          `${sb.vendors.mirakl.baseUrl}/api/inbox/threads/${nearlyFullThreadId}/message`,
          {
            method: 'POST',
            headers: { authorization: sb.vendors.mirakl.apiKey },
            body: form,
          },
        );
      };
      expect((await reply()).status).toBe(201);
      const refused = await reply();
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toContain('maximum of 10');
      expect(sb.responseViolations).toEqual([]);
    } finally {
      await sb.close();
    }
  });

  it('a Mirakl spec whose operations disagree on a limit is refused at start', async () => {
    const specsDir = editedSpecs('mirakl', {
      postOrderMessage: setLimits({ maxMessagesPerThread: 10 }),
    });
    await expect(startSandbox({ specsDir })).rejects.toThrow(
      /x-limits\.maxMessagesPerThread = \d+ on replyToThread but 10 on postOrderMessage/,
    );
  });
});
