// Relative imports: the type check must not depend on this package's own build (dist/).
import { describe, expectTypeOf, it } from 'vitest';
import type { GameBoostClient, GameBoostMessage } from '@org/gameboost-client';
import type { MiraklClient, MiraklThreadMessage } from '@org/mirakl-client';
import type { SppClient, SppMessage } from '@org/spp-client';
import { createOrderMessaging, type OrderMessage, type SendResult } from '../src/index.js';
import { gameboost } from '../src/adapters/gameboost.js';
import { mirakl } from '../src/adapters/mirakl.js';
import { spp } from '../src/adapters/spp.js';

const messaging = createOrderMessaging({
  connections: {
    'mirakl-fr': mirakl({ instance: 'fr', auth: { type: 'apiKey', apiKey: 'k' } }),
    spp: spp({ workspaceUrl: 'acme.spp.co', token: 't' }),
    gb: gameboost({ token: 't' }),
  },
});

describe('types follow the connection name', () => {
  it('raw() is the vendor client of that connection', () => {
    expectTypeOf(messaging.raw('mirakl-fr')).toEqualTypeOf<MiraklClient>();
    expectTypeOf(messaging.raw('spp')).toEqualTypeOf<SppClient>();
    expectTypeOf(messaging.raw('gb')).toEqualTypeOf<GameBoostClient>();
  });

  it('messages carry the vendor’s raw type', () => {
    expectTypeOf(messaging.send('spp', { orderId: '1', text: 'x' })).resolves.toEqualTypeOf<
      SendResult<SppMessage>
    >();
    expectTypeOf(messaging.listAll('mirakl-fr', { orderId: '1' })).resolves.toEqualTypeOf<
      OrderMessage<MiraklThreadMessage>[]
    >();
    expectTypeOf(messaging.list('gb', { orderId: '1' })).toEqualTypeOf<
      AsyncIterable<OrderMessage<GameBoostMessage>>
    >();
  });

  it('vendor options are namespaced and follow the connection', () => {
    void messaging.send('gb', {
      orderId: '1',
      text: 'x',
      vendorOptions: { gameboost: { orderKind: 'item' } },
    });
    void messaging.send('mirakl-fr', {
      orderId: '1',
      text: 'x',
      vendorOptions: { mirakl: { subject: 'Delivery', threadId: 't-1' } },
    });
    void messaging.listAll('gb', {
      orderId: '1',
      vendorOptions: { gameboost: { orderKind: 'currency' } },
    });
    void messaging.send('spp', {
      orderId: '1',
      text: 'x',
      // @ts-expect-error a GameBoost option on an SPP connection
      vendorOptions: { gameboost: { orderKind: 'item' } },
    });
    void messaging.send('gb', {
      orderId: '1',
      text: 'x',
      // @ts-expect-error a Mirakl option on a GameBoost connection
      vendorOptions: { mirakl: { subject: 'Hi' } },
    });
    void messaging.send('gb', {
      orderId: '1',
      text: 'x',
      // @ts-expect-error GameBoost has no such order kind
      vendorOptions: { gameboost: { orderKind: 'gift' } },
    });
    // @ts-expect-error options no longer sit at the top level
    void messaging.send('mirakl-fr', { orderId: '1', text: 'x', subject: 'Delivery' });
  });

  it('unknown connection names and malformed requests do not compile', () => {
    // @ts-expect-error not a configured connection
    void messaging.raw('omnidesk');
    // @ts-expect-error text is required
    void messaging.send('spp', { orderId: '1' });
    // @ts-expect-error audiences are a closed set
    void messaging.send('gb', { orderId: '1', text: 'x', audience: ['everyone'] });
    // @ts-expect-error Mirakl needs credentials
    void mirakl({ instance: 'fr' });
  });
});
