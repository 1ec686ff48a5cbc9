import { describe, expectTypeOf, it } from 'vitest';
import {
  createMiraklClient,
  type MiraklClient,
  type MiraklClientOptions,
  type MiraklError,
  type MiraklLegacyMessageList,
  type MiraklMessageCreated,
  type MiraklMessageInput,
  type MiraklParticipant,
  type MiraklRecipient,
  type MiraklThread,
  type MiraklThreadCreated,
  type MiraklThreadInput,
  type MiraklThreadList,
  type MiraklThreadMessage,
  type MiraklThreadReplyCreated,
  type MiraklThreadWithMessages,
} from '../src/index.js';

/** Mutual assignability: openapi-fetch flattens intersections, so exact type identity is too strict. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

declare const api: MiraklClient;
const file = new File(['x'], 'x.txt');

describe('createMiraklClient options', () => {
  it('takes auth as apiKey or bearer, nothing else', () => {
    expectTypeOf<MiraklClientOptions['auth']>().toEqualTypeOf<
      { type: 'apiKey'; apiKey: string } | { type: 'bearer'; token: string }
    >();
    createMiraklClient({ instance: 'acme', auth: { type: 'apiKey', apiKey: 'k' } });
    createMiraklClient({
      baseUrl: 'https://acme.example',
      auth: { type: 'bearer', token: 't' },
      shopId: 1,
    });
    // @ts-expect-error an API key is not a bearer token
    createMiraklClient({ instance: 'acme', auth: { type: 'apiKey', token: 'k' } });
    // @ts-expect-error auth is required
    createMiraklClient({ instance: 'acme' });
    // @ts-expect-error shopId is a number
    createMiraklClient({ instance: 'acme', auth: { type: 'apiKey', apiKey: 'k' }, shopId: '1' });
  });
});

describe('response types', () => {
  it('M10 returns a thread whose messages are present; M11 threads may lack them', async () => {
    const { data, error } = await api.GET('/api/inbox/threads/{thread_id}', {
      params: { path: { thread_id: 't' } },
    });
    expectTypeOf<Same<typeof data, MiraklThreadWithMessages | undefined>>().toEqualTypeOf<true>();
    expectTypeOf<Same<typeof error, MiraklError | undefined>>().toEqualTypeOf<true>();
    expectTypeOf<MiraklThreadWithMessages['messages']>().toEqualTypeOf<MiraklThreadMessage[]>();
    expectTypeOf<MiraklThread['messages']>().toEqualTypeOf<MiraklThreadMessage[] | undefined>();
    expectTypeOf<Same<MiraklThread, MiraklThreadWithMessages>>().toEqualTypeOf<false>();

    const list = await api.GET('/api/inbox/threads');
    expectTypeOf(list.data).toEqualTypeOf<MiraklThreadList | undefined>();
    expectTypeOf<MiraklThreadList['next_page_token']>().toEqualTypeOf<string | undefined>();

    const legacy = await api.GET('/api/messages');
    expectTypeOf(legacy.data).toEqualTypeOf<MiraklLegacyMessageList | undefined>();
  });

  it('response enums are open, request enums are closed', () => {
    expectTypeOf<'SOME_NEW_TYPE'>().toMatchTypeOf<MiraklParticipant['type']>();
    expectTypeOf<MiraklRecipient['type']>().toEqualTypeOf<'OPERATOR' | 'SHOP' | 'CUSTOMER'>();
    expectTypeOf<MiraklThreadInput['to'][number]>().toEqualTypeOf<
      'OPERATOR' | 'SHOP' | 'CUSTOMER'
    >();
  });

  it('M13 with parseAs blob yields a Blob', async () => {
    const { data } = await api.GET('/api/inbox/threads/{attachment_id}/download', {
      params: { path: { attachment_id: 'a' } },
      parseAs: 'blob',
    });
    expectTypeOf(data).toEqualTypeOf<Blob | undefined>();
  });

  it('POST results are the named created types', async () => {
    const reply = await api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't' } },
      body: { message_input: { body: 'hi', to: [{ type: 'OPERATOR' }] }, files: [file] },
    });
    expectTypeOf(reply.data).toEqualTypeOf<MiraklThreadReplyCreated | undefined>();
    const thread = await api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: 'o' } },
      body: {
        thread_input: { body: 'hi', to: ['SHOP'], topic: { type: 'FREE_TEXT', value: 'x' } },
      },
    });
    expectTypeOf(thread.data).toEqualTypeOf<MiraklThreadCreated | undefined>();
    const legacy = await api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: 'o' } },
      body: { body: 'b', subject: 's', to_customer: true, to_operator: false, to_shop: false },
    });
    expectTypeOf(legacy.data).toEqualTypeOf<MiraklMessageCreated | undefined>();
  });
});

describe('invalid requests do not compile', () => {
  it('missing required path parameters', () => {
    // @ts-expect-error thread_id is required
    void api.GET('/api/inbox/threads/{thread_id}', { params: { path: {} } });
    // @ts-expect-error params with the path are required
    void api.GET('/api/inbox/threads/{thread_id}');
    void api.POST('/api/orders/{order_id}/threads', {
      // @ts-expect-error order_id, not thread_id
      params: { path: { thread_id: 'o' } },
      body: {
        thread_input: { body: 'hi', to: ['SHOP'], topic: { type: 'FREE_TEXT', value: 'x' } },
      },
    });
    // @ts-expect-error unknown path
    void api.GET('/api/inbox/thread');
  });

  it('invalid query parameters', () => {
    // @ts-expect-error entity_type is a closed request enum
    void api.GET('/api/inbox/threads', { params: { query: { entity_type: 'ORDER' } } });
    // @ts-expect-error entity_id is an array
    void api.GET('/api/inbox/threads', { params: { query: { entity_id: 'o1' } } });
    // @ts-expect-error shop_id is an integer
    void api.GET('/api/messages', { params: { query: { shop_id: 'x' } } });
    // @ts-expect-error M01 sorts by dateCreated only
    void api.GET('/api/messages', { params: { query: { sort: 'dateUpdated' } } });
  });

  it('invalid M12 bodies', () => {
    void api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't' } },
      // @ts-expect-error message_input is required
      body: { files: [file] },
    });
    void api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't' } },
      // @ts-expect-error recipients are objects with a type
      body: { message_input: { body: 'hi', to: ['OPERATOR'] } },
    });
    void api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't' } },
      // @ts-expect-error BUYER is not a participant type
      body: { message_input: { body: 'hi', to: [{ type: 'BUYER' }] } },
    });
    void api.POST('/api/inbox/threads/{thread_id}/message', {
      params: { path: { thread_id: 't' } },
      // @ts-expect-error files are Blobs, not strings
      body: { message_input: { body: 'hi', to: [{ type: 'SHOP', id: '1' }] }, files: ['x'] },
    });
    // @ts-expect-error body is required in message_input
    const noBody: MiraklMessageInput = { to: [{ type: 'OPERATOR' }] };
    void noBody;
  });

  it('invalid OR43 and OR42 bodies', () => {
    void api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: 'o' } },
      // @ts-expect-error topic is required in thread_input
      body: { thread_input: { body: 'hi', to: ['SHOP'] } },
    });
    void api.POST('/api/orders/{order_id}/threads', {
      params: { path: { order_id: 'o' } },
      body: {
        thread_input: {
          body: 'hi',
          // @ts-expect-error OR43 recipients are strings, not objects
          to: [{ type: 'SHOP' }],
          topic: { type: 'FREE_TEXT', value: 'x' },
        },
      },
    });
    void api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: 'o' } },
      // @ts-expect-error subject is required
      body: { body: 'b', to_customer: true, to_operator: false, to_shop: false },
    });
    void api.POST('/api/orders/{order_id}/messages', {
      params: { path: { order_id: 'o' } },
      // @ts-expect-error to_customer is a boolean
      body: { body: 'b', subject: 's', to_customer: 'yes', to_operator: false, to_shop: false },
    });
  });
});
