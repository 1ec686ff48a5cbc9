import { describe, expectTypeOf, it } from 'vitest';
import {
  createSppClient,
  type SppClient,
  type SppError,
  type SppIndexOrder,
  type SppListOrdersQuery,
  type SppOrderCollection,
  type SppMessage,
  type SppMessageCollection,
  type SppMessageMultipartRequest,
  type SppMessageRequest,
  type SppOrder,
  type SppPaginationLinks,
  type SppTicket,
  type SppUser,
} from '../src/index.js';
import {
  messageCollectionExample,
  messageResourceExample,
  notFoundExample,
  unauthenticatedExample,
  validationErrorExample,
} from './fixtures.js';

declare const client: SppClient;
declare const file: File;

describe('spec examples are assignable to the generated types', () => {
  it('responses', () => {
    expectTypeOf(messageResourceExample).toExtend<SppMessage>();
    expectTypeOf(messageCollectionExample).toExtend<SppMessageCollection>();
    expectTypeOf(validationErrorExample).toExtend<SppError>();
    expectTypeOf(unauthenticatedExample).toExtend<SppError>();
    expectTypeOf(notFoundExample).toExtend<SppError>();
  });

  it('the vendor document request example', () => {
    expectTypeOf({
      message: 'Hello world!',
      user_id: 1,
      staff_only: false,
    }).toExtend<SppMessageRequest>();
  });
});

describe('schema details from the vendor document', () => {
  it('keeps nulls and required fields', () => {
    expectTypeOf<SppMessage['ticket']>().toEqualTypeOf<SppTicket | null>();
    expectTypeOf<SppMessage['order']>().toEqualTypeOf<SppOrder>();
    expectTypeOf<SppMessage['files']>().toEqualTypeOf<string[]>();
    expectTypeOf<SppUser['spent']>().toEqualTypeOf<string | null>();
    expectTypeOf<SppPaginationLinks['prev']>().toEqualTypeOf<string | null>();
    expectTypeOf<SppPaginationLinks['first']>().toEqualTypeOf<string>();
    expectTypeOf<SppMessageMultipartRequest['attachments']>().toEqualTypeOf<Blob[] | undefined>();
    // The JSON body cannot carry files: `attachments` is the `false` schema there.
    expectTypeOf<SppMessageRequest['attachments']>().toEqualTypeOf<undefined>();
  });
});

describe('operations', () => {
  it('types the results', async () => {
    const list = await client.GET('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' }, query: { page: 1, limit: 20 } },
    });
    expectTypeOf(list.data).toEqualTypeOf<SppMessageCollection | undefined>();
    expectTypeOf(list.error).toEqualTypeOf<SppError | undefined>();

    const created = await client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      body: { message: 'With file', attachments: [file] },
    });
    expectTypeOf(created.data).toEqualTypeOf<SppMessage | undefined>();
  });

  it('rejects invalid bodies and parameters', () => {
    // @ts-expect-error the order path parameter is required
    void client.GET('/api/order_messages/{order}', { params: { path: {} } });
    // @ts-expect-error params are required
    void client.POST('/api/order_messages/{order}', { body: { message: 'x' } });
    void client.GET('/api/order_messages/{order}', {
      // @ts-expect-error page is an integer
      params: { path: { order: 'A' }, query: { page: '2' } },
    });
    void client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      // @ts-expect-error message is required
      body: { staff_only: true },
    });
    void client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      // @ts-expect-error message is a string
      body: { message: 42 },
    });
    void client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      // @ts-expect-error staff_only is a boolean
      body: { message: 'x', staff_only: 'yes' },
    });
    void client.POST('/api/order_messages/{order}', {
      params: { path: { order: 'E4A269FC' } },
      // @ts-expect-error attachments are Blobs, not URLs
      body: { message: 'x', attachments: ['https://example.org/a.pdf'] },
    });
    // @ts-expect-error the message id is a number
    void client.DELETE('/api/order_messages/{message}', { params: { path: { message: 'abc' } } });
    void client.DELETE('/api/order_messages/{message}', {
      // @ts-expect-error DELETE takes {message}, not {order}
      params: { path: { order: 'E4A269FC' } },
    });
  });

  it('types listOrders: query parameters by their wire names, IndexOrder pages', async () => {
    const page = await client.GET('/api/orders', {
      params: {
        query: {
          sort: 'last_message_at:asc',
          'filters[last_message_at][$gt]': '2024-01-15T09:00:00+00:00',
          'filters[id][$in][]': [1, 2],
        },
      },
    });
    expectTypeOf(page.data).toEqualTypeOf<SppOrderCollection | undefined>();
    expectTypeOf<SppOrderCollection['data']>().toEqualTypeOf<SppIndexOrder[]>();
    expectTypeOf<SppIndexOrder['last_message_at']>().toEqualTypeOf<string | null>();
    expectTypeOf<SppListOrdersQuery['filters[status][$in][]']>().toEqualTypeOf<
      string[] | undefined
    >();
    // @ts-expect-error ids are integers
    void client.GET('/api/orders', { params: { query: { 'filters[id][$eq]': 'x' } } });
    // @ts-expect-error $in takes a list
    void client.GET('/api/orders', { params: { query: { 'filters[id][$in][]': 1 } } });
  });

  it('requires a token in the options', () => {
    // @ts-expect-error token is required
    expectTypeOf(createSppClient).toBeCallableWith({ workspaceUrl: 'example.spp.co' });
    expectTypeOf(createSppClient).toBeCallableWith({
      token: 't',
      workspaceUrl: 'example.spp.co',
      apiVersion: null,
    });
  });
});
