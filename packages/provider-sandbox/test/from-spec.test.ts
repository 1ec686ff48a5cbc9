/**
 * The numbers the sandbox enforces are the ones the loaded spec states (`x-limits`), and
 * its seed data is made of the spec's examples where there are some: compared with the
 * clients' operation tables and the spec text, and changed by starting a sandbox on
 * edited copies of the specs.
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

type Json = Record<string, any>;

/** A copy of the specs with `edit` applied to `<vendor>.yaml`. */
function editedSpecs(vendor: string, edit: (document: Json) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-specs-'));
  dirs.push(dir);
  cpSync(defaultSpecsDir(), dir, { recursive: true });
  const file = path.join(dir, `${vendor}.yaml`);
  const document = YAML.parse(readFileSync(file, 'utf8')) as Json;
  edit(document);
  writeFileSync(file, YAML.stringify(document));
  return dir;
}

/** An edit of the operations named (by operationId). */
function operations(edits: Record<string, (operation: Json) => void>) {
  return (document: Json): void => {
    for (const item of Object.values(document.paths as Json)) {
      for (const operation of Object.values(item as Json)) {
        edits[String((operation as Json).operationId)]?.(operation as Json);
      }
    }
  };
}

const setLimits =
  (limits: Record<string, number>) =>
  (operation: Json): void => {
    operation['x-limits'] = { ...operation['x-limits'], ...limits };
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
    const specsDir = editedSpecs(
      'spp',
      operations({ listOrderMessages: setLimits({ defaultLimit: 7, maxLimit: 9 }) }),
    );
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
    const specsDir = editedSpecs(
      'mirakl',
      operations({
        replyToThread: setLimits({ maxMessagesPerThread: 10, maxAttachmentsPerEntity: 5 }),
        postOrderMessage: setLimits({ maxMessagesPerThread: 10 }),
      }),
    );
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
    const specsDir = editedSpecs(
      'mirakl',
      operations({ postOrderMessage: setLimits({ maxMessagesPerThread: 10 }) }),
    );
    await expect(startSandbox({ specsDir })).rejects.toThrow(
      /x-limits\.maxMessagesPerThread = \d+ on replyToThread but 10 on postOrderMessage/,
    );
  });

  it('a spec operation the sandbox has no handler for is refused at start, not answered 501', async () => {
    const specsDir = editedSpecs('spp', (document) => {
      const listing = (document.paths as Json)['/api/order_messages/{order}'].get as Json;
      (document.paths as Json)['/api/order_messages/{order}/archive'] = {
        get: { ...listing, operationId: 'archiveOrderMessages' },
      };
    });
    await expect(startSandbox({ specsDir })).rejects.toThrow(
      'spp: no handler for archiveOrderMessages',
    );
  });
});

describe('seed data from the examples', () => {
  it('is what the bundled specs’ examples say', async () => {
    const specsDir = defaultSpecsDir();
    const doc = (vendor: string) =>
      YAML.parse(readFileSync(path.join(specsDir, `${vendor}.yaml`), 'utf8')) as Json;
    const [miraklDoc, sppDoc, omnideskDoc, gameboostDoc] = [
      doc('mirakl'),
      doc('spp'),
      doc('omnidesk'),
      doc('gameboost'),
    ];
    const sb = await startSandbox();
    try {
      // Mirakl: M10's example thread opens the first conversation; OR42's request
      // examples are the legacy messages.
      const thread = miraklDoc.components.examples.ThreadExample.value;
      const customer = thread.authorized_participants.find((p: Json) => p.type === 'CUSTOMER');
      const conversation = sb.state.messages('mirakl', sb.seed.mirakl.orderWithThread);
      expect(conversation[0]).toMatchObject({
        threadId: sb.seed.mirakl.threadId,
        text: thread.messages[0].body,
        author: { kind: 'customer', id: customer.id, name: customer.display_name },
      });
      expect(sb.seed.mirakl.customerId).toBe(customer.id);
      const or42 =
        miraklDoc.paths['/api/orders/{order_id}/messages'].post.requestBody.content[
          'application/json'
        ].examples;
      const legacy = conversation.filter((m) => m.threadId === undefined);
      expect(legacy.map((m) => m.text)).toEqual([
        or42.fromCustomer.value.body,
        or42.fromShop.value.body,
      ]);
      expect(legacy.map((m) => (m.raw as Json).subject)).toEqual([
        or42.fromCustomer.value.subject,
        or42.fromShop.value.subject,
      ]);
      // SPP: the order the spec's `{order}` example names exists.
      expect(sb.seed.spp.orderWithFewMessages.number).toBe(
        sppDoc.components.parameters.OrderPath.example,
      );
      // Omnidesk: getTicket's example ticket is the first seeded one.
      const ticket =
        omnideskDoc.paths['/ticket/{ticketID}'].get.responses['200'].content['application/json']
          .examples.ticket.value.item;
      expect(sb.seed.omnidesk.ticketWithMessages).toBe(ticket.id);
      const [first] = (sb.state.raw('omnidesk') as Json).tickets;
      expect(first).toMatchObject({
        id: ticket.id,
        title: ticket.title,
        channel_id: ticket.channel_id,
        customer_id: ticket.customer_id,
        from: ticket.from,
        to: ticket.to,
        created_at: new Date(`${ticket.created_at.replace(' ', 'T')}Z`),
      });
      const note = ticket.timeline.find((e: Json) => e.type === 'note');
      expect(first.timeline[0].id).toBe(ticket.timeline[0].id);
      expect(first.timeline.at(-1)).toMatchObject({
        type: 'note',
        content: note.content,
        user_id: note.user_id,
        user_name: note.user_name,
      });
      // GameBoost: the senders of the message example and the buyer of the order example.
      const sent =
        gameboostDoc.components.responses.MessageList.content['application/json'].example;
      expect(sb.seed.gameboost.sellerId).toBe(sent.data[0].sender.id);
      const account =
        gameboostDoc.paths['/v2/account-orders/{accountOrder}'].get.responses['200'].content[
          'application/json'
        ].example.data;
      expect(sb.seed.gameboost.buyerId).toBe(account.buyer.id);
    } finally {
      await sb.close();
    }
  });

  it('follows an edited example', async () => {
    const specsDir = editedSpecs('spp', (document) => {
      document.components.parameters.OrderPath.example = 'FEEDBEEF';
    });
    const sb = await startSandbox({ specsDir });
    try {
      expect(sb.seed.spp.orderWithFewMessages.number).toBe('FEEDBEEF');
      const res = await fetch(`${sb.vendors.spp.baseUrl}/api/order_messages/FEEDBEEF`, {
        headers: { authorization: `Bearer ${sb.vendors.spp.token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});
