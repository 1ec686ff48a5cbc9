/**
 * Every operation of @org/omnidesk-client against the sandbox over loopback HTTP:
 * createMessage (multipart), listTickets, createTicket, getTicket (timeline), and
 * their error paths.
 */
import { createOmnideskClient, operationTable, type OmnideskClient } from '@org/omnidesk-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.js';
import { requireFullCoverage } from './coverage.js';

let sb: Sandbox;
let client: OmnideskClient;

beforeAll(async () => {
  sb = await startSandbox();
  client = createOmnideskClient({
    baseUrl: sb.vendors.omnidesk.baseUrl,
    apiKey: sb.vendors.omnidesk.apiKey,
  });
});

beforeEach(() => sb.reset());
requireFullCoverage(() => sb, operationTable);

afterAll(async () => {
  expect(sb.responseViolations).toEqual([]);
  await sb.close();
});

describe('createMessage and getTicket', () => {
  it('posts every documented field; the message appears at the end of the timeline', async () => {
    const ticketID = sb.seed.omnidesk.ticketWithMessages;
    const sent = await client.POST('/message', {
      body: {
        ticketID,
        type: '1',
        message: '<p>Your parcel ships tomorrow.</p>',
        userID: sb.seed.omnidesk.agentIds[0]!,
        toAddress: 'customer@example.com',
        ccInput: 'cc@example.com',
        bccInput: '',
        plaintext: 'Your parcel ships tomorrow.',
        forwardedFileIDs: [11, 12],
        sendAt: '2030-01-01 09:00:00',
        submitStatus: 'solved',
      },
    });
    expect(sent.response.status).toBe(200);
    expect(sent.data).toEqual({
      type: 'result',
      message: 'Message has been sent and the ticket status was updated.',
    });

    const ticket = await client.GET('/ticket/{ticketID}', { params: { path: { ticketID } } });
    expect(ticket.data?.type).toBe('item');
    expect(ticket.data?.item.status).toBe('solved');
    expect(ticket.data?.item.timeline?.at(-1)).toMatchObject({
      content: '<p>Your parcel ships tomorrow.</p>',
      user_id: sb.seed.omnidesk.agentIds[0],
      channel_id: 1,
      status_new: 'solved',
    });
    expect(sb.state.messages('omnidesk', String(ticketID)).at(-1)?.raw).toMatchObject({
      forwardedFileIDs: [11, 12],
      toAddress: 'customer@example.com',
      sendAt: '2030-01-01 09:00:00',
    });
  });

  it('replies to an existing message with respondMessageID', async () => {
    const ticketID = sb.seed.omnidesk.ticketWithOneMessage;
    const before = await client.GET('/ticket/{ticketID}', { params: { path: { ticketID } } });
    const customerMessage = Number(before.data!.item.timeline![0]!.id);
    const reply = await client.POST('/message', {
      body: { ticketID, type: '1', message: 'Refund issued.', respondMessageID: customerMessage },
    });
    expect(reply.response.status).toBe(200);
    const wrong = await client.POST('/message', {
      body: { ticketID, type: '1', message: 'Refund issued.', respondMessageID: 1 },
    });
    expect(wrong.response.status).toBe(400);
  });

  it('answers 400 under 5 characters, 404 for an unknown ticket, 401 for a wrong key', async () => {
    const short = await client.POST('/message', {
      body: { ticketID: sb.seed.omnidesk.ticketWithMessages, type: '1', message: 'ok' },
    });
    expect(short.response.status).toBe(400);
    expect(short.error).toEqual({
      status: 'error',
      message: 'The field message must be at least 5 characters',
    });
    const unknown = await client.POST('/message', {
      body: { ticketID: 1, type: 'calllog', message: 'Called, no answer.' },
    });
    expect(unknown.response.status).toBe(404);
    expect(
      (await client.GET('/ticket/{ticketID}', { params: { path: { ticketID: 1 } } })).response
        .status,
    ).toBe(404);
    const stranger = createOmnideskClient({
      baseUrl: sb.vendors.omnidesk.baseUrl,
      apiKey: 'wrong-key',
    });
    const denied = await stranger.GET('/ticket');
    expect(denied.response.status).toBe(401);
    expect(JSON.stringify(denied.error)).not.toContain('wrong-key');
    const notCreated = await stranger.POST('/ticket', { body: { title: 'Not mine' } });
    expect(notCreated.response.status).toBe(401);
    expect(notCreated.error).toEqual({ status: 'error', message: 'Invalid or missing API key' });
    expect(sb.state.messages('omnidesk').some((m) => m.text === 'Called, no answer.')).toBe(false);
  });

  it('getTicketHistory adds the events to the timeline', async () => {
    const ticketID = sb.seed.omnidesk.solvedTicket;
    const plain = await client.GET('/ticket/{ticketID}', { params: { path: { ticketID } } });
    const history = await client.GET('/ticket/{ticketID}', {
      params: { path: { ticketID }, query: { getTicketHistory: true } },
    });
    expect(plain.data!.item.timeline!.every((e) => e.type !== 'event')).toBe(true);
    expect(history.data!.item.timeline!.filter((e) => e.type === 'event')).toHaveLength(1);
  });
});

describe('createTicket and listTickets', () => {
  it('creates a ticket whose id takes messages, and finds it in the list', async () => {
    const created = await client.POST('/ticket', { body: { title: 'Sandbox ticket' } });
    expect(created.response.status).toBe(200);
    const id = created.data as number;
    expect(Number.isInteger(id)).toBe(true);
    expect(
      (
        await client.POST('/message', {
          body: { ticketID: id, type: 'contactform', message: 'Form submitted.' },
        })
      ).response.status,
    ).toBe(200);
    const list = await client.GET('/ticket', {
      params: { query: { query: 'sandbox ticket', itemLimit: 5 } },
    });
    expect(list.data).toMatchObject({
      type: 'list',
      items: [{ id, title: 'Sandbox ticket', status: 'new' }],
      total: 1,
    });
    const second = await client.GET('/ticket', {
      params: { query: { itemStart: 1, itemLimit: 1, status: 'new' } },
    });
    expect((second.data as { items: unknown[] }).items).toHaveLength(1);
  });

  it('a connection dropped before the message is applied stores nothing', async () => {
    sb.faults.inject({ vendor: 'omnidesk', operationId: 'createMessage', drop: 'before-apply' });
    const ticketID = sb.seed.omnidesk.ticketWithMessages;
    const count = sb.state.messages('omnidesk', String(ticketID)).length;
    await expect(
      client.POST('/message', { body: { ticketID, type: '1', message: 'Maybe lost' } }),
    ).rejects.toThrow();
    expect(sb.state.messages('omnidesk', String(ticketID))).toHaveLength(count);
  });
});
