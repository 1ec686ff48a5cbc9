import { expectTypeOf, test } from 'vitest';
import type {
  GameBoostSeed,
  MiraklCredentials,
  MiraklSeed,
  Sandbox,
  SppSeed,
} from '../src/index.js';

test('the handle is typed per vendor', () => {
  expectTypeOf<Sandbox['seed']['mirakl']>().toEqualTypeOf<MiraklSeed>();
  expectTypeOf<Sandbox['seed']['spp']>().toEqualTypeOf<SppSeed>();
  expectTypeOf<Sandbox['seed']['gameboost']['itemOrders']['processing']>().toEqualTypeOf<string>();
  expectTypeOf<Sandbox['seed']['gameboost']>().toEqualTypeOf<GameBoostSeed>();
  expectTypeOf<Sandbox['vendors']['mirakl']>().toEqualTypeOf<
    MiraklCredentials & { readonly baseUrl: string }
  >();
  expectTypeOf<Sandbox['vendors']['omnidesk']['apiKey']>().toEqualTypeOf<string>();
  // @ts-expect-error: no such vendor
  expectTypeOf<Sandbox['seed']['acme']>();
  // @ts-expect-error: GameBoost has no item orders in a "shipped" status
  expectTypeOf<Sandbox['seed']['gameboost']['itemOrders']['shipped']>();
});
