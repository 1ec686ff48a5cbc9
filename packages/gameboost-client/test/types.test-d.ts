import { describe, expectTypeOf, it } from 'vitest';
import {
  createGameBoostClient,
  type GameBoostAccountOrder,
  type GameBoostAccountOrderList,
  type GameBoostItemOrderList,
  type GameBoostClient,
  type GameBoostClientOptions,
  type GameBoostCurrencyOrder,
  type GameBoostError,
  type GameBoostItemOrder,
  type GameBoostKnownAccountOrderStatus,
  type GameBoostKnownWebhookEvent,
  type GameBoostMessage,
  type GameBoostMessageListResponse,
  type GameBoostMessageSender,
  type GameBoostSendMessageRequest,
  type GameBoostSendMessageResponse,
  type GameBoostValidationError,
  type GameBoostWebhookAck,
  type webhooks,
} from '../src/index.js';

declare const client: GameBoostClient;

describe('options', () => {
  it('requires a token', () => {
    expectTypeOf<GameBoostClientOptions['token']>().toEqualTypeOf<string>();
    // @ts-expect-error token is required
    createGameBoostClient({ baseUrl: 'https://api.gameboost.com' });
    // @ts-expect-error token must be a string
    createGameBoostClient({ token: 42 });
  });
});

describe('request types', () => {
  it('accepts a valid send', () => {
    void client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
      body: { message: 'hi' },
    });
    void client.POST('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: '1' } },
      body: { message: 'hi' },
    });
    void client.POST('/v2/currency-orders/{currencyOrder}/messages', {
      params: { path: { currencyOrder: '1' } },
      body: { message: 'hi' },
    });
    expectTypeOf<GameBoostSendMessageRequest>().toEqualTypeOf<{ message: string }>();
  });

  it('rejects an invalid body', () => {
    void client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
      // @ts-expect-error message is required
      body: {},
    });
    void client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
      // @ts-expect-error message must be a string
      body: { message: 42 },
    });
    // openapi-fetch infers `init` generically, so excess body fields are not caught at the call site;
    // the named request type rejects them.
    // @ts-expect-error unknown body field (no attachment upload is documented)
    const extra: GameBoostSendMessageRequest = { message: 'hi', attachment: 'x' };
    void extra;
    // @ts-expect-error the body is required
    void client.POST('/v2/currency-orders/{currencyOrder}/messages', {
      params: { path: { currencyOrder: '1' } },
    });
  });

  it('rejects a missing or wrong path parameter', () => {
    // @ts-expect-error path parameter accountOrder is missing
    void client.POST('/v2/account-orders/{accountOrder}/messages', {
      body: { message: 'hi' },
    });
    void client.GET('/v2/item-orders/{itemOrder}/messages', {
      // @ts-expect-error wrong path parameter name
      params: { path: { accountOrder: '1' } },
    });
    void client.GET('/v2/currency-orders/{currencyOrder}', {
      // @ts-expect-error the id is a string (the docs declare `type: string`)
      params: { path: { currencyOrder: 1 } },
    });
    // @ts-expect-error params are required
    void client.GET('/v2/account-orders/{accountOrder}');
  });

  it('rejects unknown paths and methods', () => {
    // @ts-expect-error gift card orders have no message endpoints
    void client.GET('/v2/gift-card-orders/{giftCardOrder}/messages', {
      params: { path: { giftCardOrder: '1' } },
    });
    // @ts-expect-error there is no DELETE on messages
    void client.DELETE('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
    });
  });
});

describe('response types', () => {
  it('send returns {data: Message}', async () => {
    const { data, error } = await client.POST('/v2/account-orders/{accountOrder}/messages', {
      params: { path: { accountOrder: '1' } },
      body: { message: 'hi' },
    });
    expectTypeOf(data).toEqualTypeOf<GameBoostSendMessageResponse | undefined>();
    expectTypeOf(error).toEqualTypeOf<GameBoostError | GameBoostValidationError | undefined>();
  });

  it('list returns {data: Message[], message: string | null}', async () => {
    const { data } = await client.GET('/v2/item-orders/{itemOrder}/messages', {
      params: { path: { itemOrder: '1' } },
    });
    expectTypeOf(data).toEqualTypeOf<GameBoostMessageListResponse | undefined>();
    expectTypeOf<NonNullable<GameBoostMessageListResponse['data']>>().toEqualTypeOf<
      GameBoostMessage[]
    >();
    expectTypeOf<GameBoostMessageListResponse['message']>().toEqualTypeOf<
      string | null | undefined
    >();
  });

  it('order lists return pages; account filter[status] takes the documented values only', async () => {
    const a = await client.GET('/v2/account-orders', {
      params: { query: { per_page: 50, 'filter[status]': 'in_delivery', sort: '-updated_at' } },
    });
    expectTypeOf(a.data).toEqualTypeOf<GameBoostAccountOrderList | undefined>();
    expectTypeOf<NonNullable<GameBoostAccountOrderList['data']>>().toEqualTypeOf<
      GameBoostAccountOrder[]
    >();
    const i = await client.GET('/v2/item-orders', {
      params: { query: { 'filter[status]': 'anything' } },
    });
    expectTypeOf(i.data).toEqualTypeOf<GameBoostItemOrderList | undefined>();
    void client.GET('/v2/account-orders', {
      // @ts-expect-error not a documented account-order filter value
      params: { query: { 'filter[status]': 'processing' } },
    });
  });

  it('get order returns {data: Order}', async () => {
    const a = await client.GET('/v2/account-orders/{accountOrder}', {
      params: { path: { accountOrder: '1' } },
    });
    expectTypeOf(a.data?.data).toEqualTypeOf<GameBoostAccountOrder | undefined>();
    const i = await client.GET('/v2/item-orders/{itemOrder}', {
      params: { path: { itemOrder: '1' } },
    });
    expectTypeOf(i.data?.data).toEqualTypeOf<GameBoostItemOrder | undefined>();
    const c = await client.GET('/v2/currency-orders/{currencyOrder}', {
      params: { path: { currencyOrder: '1' } },
    });
    expectTypeOf(c.data?.data).toEqualTypeOf<GameBoostCurrencyOrder | undefined>();
  });

  it('Message fields keep the seed types', () => {
    expectTypeOf<GameBoostMessage['id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GameBoostMessage['text']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GameBoostMessage['sent_at']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<GameBoostMessage['attachment']>().toEqualTypeOf<
      { [key: string]: unknown } | null | undefined
    >();
    expectTypeOf<GameBoostMessage['sender']>().toEqualTypeOf<GameBoostMessageSender | undefined>();
    expectTypeOf<GameBoostMessageSender['id']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<GameBoostMessageSender['is_admin']>().toEqualTypeOf<boolean | null | undefined>();
    // open enum: known values and any other string
    expectTypeOf<'user_message'>().toMatchTypeOf<NonNullable<GameBoostMessage['type']>>();
    expectTypeOf<'some_future_kind'>().toMatchTypeOf<NonNullable<GameBoostMessage['type']>>();
  });

  it('order status is open and lists the known values', () => {
    expectTypeOf<GameBoostKnownAccountOrderStatus>().toEqualTypeOf<
      'pending' | 'in_delivery' | 'delivered' | 'refunded' | 'processing'
    >();
    expectTypeOf<'something_new'>().toMatchTypeOf<NonNullable<GameBoostAccountOrder['status']>>();
  });

  it('422 errors accept string or string[] values', () => {
    const a = { errors: { field: ['x'] } } satisfies GameBoostValidationError;
    const b = { errors: { field: 'x' } } satisfies GameBoostValidationError;
    void a;
    void b;
    // @ts-expect-error numbers are not error messages
    const c: GameBoostValidationError = { errors: { field: 1 } };
    void c;
  });
});

describe('webhooks', () => {
  it('types the envelopes, discriminated by event', () => {
    const handle = (event: GameBoostKnownWebhookEvent) => {
      if (event.event === 'account.order.purchased') {
        expectTypeOf(event.payload).toMatchTypeOf<GameBoostAccountOrder>();
      }
      if (event.event === 'currency.order.purchased') {
        expectTypeOf(event.payload).toMatchTypeOf<GameBoostCurrencyOrder>();
      }
    };
    void handle;
    type AccountPurchased =
      webhooks['account.order.purchased']['post']['requestBody']['content']['application/json'];
    expectTypeOf<AccountPurchased['event']>().toEqualTypeOf<'account.order.purchased'>();
    type Signature = webhooks['order.dispute.created']['post']['parameters']['header']['Signature'];
    expectTypeOf<Signature>().toEqualTypeOf<string>();
  });

  it('the reply is {status: "success"}', () => {
    expectTypeOf<GameBoostWebhookAck>().toEqualTypeOf<{ status: 'success' }>();
    // @ts-expect-error only "success" is documented
    const bad: GameBoostWebhookAck = { status: 'ok' };
    void bad;
  });
});
