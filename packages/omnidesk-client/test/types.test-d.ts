import { describe, expectTypeOf, it } from 'vitest';
import {
  createOmnideskClient,
  type OmnideskClient,
  type OmnideskClientOptions,
  type OmnideskDateTime,
  type OmnideskErrorEnvelope,
  type OmnideskListTicketsQuery,
  type OmnideskMessageCreateRequest,
  type OmnideskResultEnvelope,
  type OmnideskTicket,
  type OmnideskTicketCreated,
  type OmnideskTicketCreateRequest,
  type OmnideskTicketEnvelope,
  type OmnideskTicketListResponse,
  type OmnideskTimelineEntry,
} from '../src/index.js';
import { ERROR_ENVELOPE, SEED_MESSAGE_CREATED, TICKET } from './fixtures.js';

declare const client: OmnideskClient;

describe('examples are assignable to the generated types', () => {
  it('responses', () => {
    expectTypeOf(SEED_MESSAGE_CREATED).toExtend<OmnideskResultEnvelope>();
    expectTypeOf(TICKET).toExtend<OmnideskTicketEnvelope>();
    expectTypeOf(TICKET.item.timeline).toExtend<OmnideskTimelineEntry[]>();
    expectTypeOf(ERROR_ENVELOPE).toExtend<OmnideskErrorEnvelope>();
    expectTypeOf(4711).toExtend<OmnideskTicketCreated>();
    expectTypeOf({ type: 'result', message: 4711 }).toExtend<OmnideskTicketCreated>();
    expectTypeOf({ type: 'list', items: [] }).toExtend<OmnideskTicketListResponse>();
  });

  it('the vendor document request fields', () => {
    expectTypeOf({
      ticketID: 12345,
      type: '1',
      message: 'Hello there',
      userID: 7,
    }).toExtend<OmnideskMessageCreateRequest>();
  });
});

describe('schema details', () => {
  it('required and optional request fields', () => {
    expectTypeOf<OmnideskMessageCreateRequest['ticketID']>().toEqualTypeOf<number>();
    expectTypeOf<OmnideskMessageCreateRequest['type']>().toEqualTypeOf<string>();
    expectTypeOf<OmnideskMessageCreateRequest['message']>().toEqualTypeOf<string>();
    expectTypeOf<OmnideskMessageCreateRequest['userID']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<OmnideskMessageCreateRequest['forwardedFileIDs']>().toEqualTypeOf<
      number[] | undefined
    >();
    expectTypeOf<OmnideskMessageCreateRequest['sendAt']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OmnideskTicketCreateRequest>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<OmnideskListTicketsQuery['itemLimit']>().toEqualTypeOf<number | undefined>();
  });

  it('open response schemas', () => {
    expectTypeOf<OmnideskTicket['id']>().toEqualTypeOf<number>();
    expectTypeOf<OmnideskTicket['closed_at']>().toEqualTypeOf<
      OmnideskDateTime | null | undefined
    >();
    expectTypeOf<OmnideskTicket['timeline']>().toEqualTypeOf<OmnideskTimelineEntry[] | undefined>();
    // Undocumented ticket fields (`sla_*`) stay readable.
    expectTypeOf<OmnideskTicket['sla_due_at']>().toEqualTypeOf<unknown>();
    expectTypeOf<OmnideskTimelineEntry['type']>().toEqualTypeOf<string>();
    expectTypeOf<OmnideskTimelineEntry['id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OmnideskResultEnvelope['type']>().toEqualTypeOf<string>();
    expectTypeOf<OmnideskErrorEnvelope['status']>().toEqualTypeOf<string>();
  });
});

describe('operations', () => {
  it('types the results', async () => {
    const sent = await client.POST('/message', {
      body: { ticketID: 1, type: 'calllog', message: 'Called back' },
    });
    expectTypeOf(sent.data).toEqualTypeOf<OmnideskResultEnvelope | undefined>();
    expectTypeOf(sent.error).toEqualTypeOf<OmnideskErrorEnvelope | undefined>();

    const ticket = await client.GET('/ticket/{ticketID}', {
      params: { path: { ticketID: 12345 }, query: { getTicketHistory: true } },
    });
    // openapi-fetch maps the open (index-signature) schemas: equal in shape, not in identity.
    expectTypeOf(ticket.data).toExtend<OmnideskTicketEnvelope | undefined>();
    expectTypeOf<OmnideskTicketEnvelope | undefined>().toExtend<typeof ticket.data>();

    const list = await client.GET('/ticket', {
      params: { query: { itemLimit: 100, status: 'open' } },
    });
    expectTypeOf(list.data).toExtend<OmnideskTicketListResponse | undefined>();
    expectTypeOf<OmnideskTicketListResponse | undefined>().toExtend<typeof list.data>();

    const created = await client.POST('/ticket');
    expectTypeOf(created.data).toEqualTypeOf<OmnideskTicketCreated | undefined>();
  });

  it('rejects invalid bodies', () => {
    // @ts-expect-error `message` is required
    void client.POST('/message', { body: { ticketID: 1, type: '1' } });
    // @ts-expect-error `ticketID` is required
    void client.POST('/message', { body: { type: '1', message: 'Hello there' } });
    // @ts-expect-error `ticketID` is an integer, not a string
    void client.POST('/message', { body: { ticketID: '1', type: '1', message: 'Hello there' } });
    // @ts-expect-error `type` is a string (`'1'`), not a number
    void client.POST('/message', { body: { ticketID: 1, type: 1, message: 'Hello there' } });
    void client.POST('/message', {
      // @ts-expect-error forwarded files are referenced by numeric id
      body: { ticketID: 1, type: '1', message: 'Hello there', forwardedFileIDs: ['a'] },
    });
    // @ts-expect-error the body is required
    void client.POST('/message', {});
  });

  it('rejects a missing path parameter, a wrong query and unknown paths', () => {
    // @ts-expect-error `ticketID` is required
    void client.GET('/ticket/{ticketID}', { params: { path: {} } });
    // @ts-expect-error the params are required
    void client.GET('/ticket/{ticketID}');
    // @ts-expect-error `ticketID` is an integer
    void client.GET('/ticket/{ticketID}', { params: { path: { ticketID: '1' } } });
    // @ts-expect-error `itemLimit` is a number
    void client.GET('/ticket', { params: { query: { itemLimit: '10' } } });
    // @ts-expect-error there is no message list endpoint (messages are in the ticket timeline)
    void client.GET('/message');
  });
});

describe('options', () => {
  it('requires an apiKey and takes account, domain or baseUrl', () => {
    expectTypeOf(createOmnideskClient).parameter(0).toEqualTypeOf<OmnideskClientOptions>();
    expectTypeOf(createOmnideskClient).returns.toEqualTypeOf<OmnideskClient>();
    // @ts-expect-error `apiKey` is required
    createOmnideskClient({ account: 'acme' });
    // @ts-expect-error only the two Omnidesk domains
    createOmnideskClient({ apiKey: 'k', account: 'acme', domain: 'omnidesk.ru' });
    expectTypeOf({
      apiKey: 'k',
      account: 'acme',
      domain: 'omnidesk.io' as const,
    }).toExtend<OmnideskClientOptions>();
    expectTypeOf({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:4010/api/v2',
    }).toExtend<OmnideskClientOptions>();
  });
});
