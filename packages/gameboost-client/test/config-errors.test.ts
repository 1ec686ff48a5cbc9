import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { describe, expect, it } from 'vitest';
import { createGameBoostClient, type GameBoostClientOptions } from '@org/gameboost-client';
import {
  createGameBoostWebhookReceiver,
  createMemorySeenStore,
  GameBoostWebhookError,
  verifyGameBoostSignature,
  type GameBoostWebhookReceiverOptions,
} from '@org/gameboost-client/webhooks';

// A credential put in the wrong setting: the key itself, a URL carrying it as user info, and one
// carrying it in the query. None may come back in the error, however the error is printed.
const CANARY = 'LEAKCANARY';
const MISPLACED_SECRETS = [
  'sk-LEAKCANARY-1234567890',
  'https://partner:LEAKCANARY@api.gameboost.com',
  'https://api.gameboost.com/v2?apiKey=LEAKCANARY',
];
// Wrong types; the object carries the canary, which must not be serialized into the message.
const NOT_A_STRING = [42, null, {}, { apiKey: 'sk-LEAKCANARY-1234567890' }, true];

const fetch = async () => new Response('{}');
const VALID: GameBoostClientOptions = { token: 'gameboost-test-token-9', fetch };

function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectNoCanary(error: unknown): void {
  for (const text of [
    (error as Error).message,
    String(error),
    inspect(error),
    JSON.stringify(error),
  ]) {
    expect(text).not.toContain(CANARY);
  }
}

/** A ConfigurationError whose message starts by naming `setting`, with no trace of the canary. */
function expectNamedError(make: () => unknown, setting: string): void {
  const error = thrownBy(make);
  expect(error).toBeInstanceOf(ConfigurationError);
  const pattern = `^gameboost: ${setting.replace(/[.[\]]/g, '\\$&')}(?=[ [])`;
  expect((error as ConfigurationError).message).toMatch(new RegExp(pattern));
  expectNoCanary(error);
}

/** The receiver's own configuration error (`misconfigured`), naming `setting`. */
function expectMisconfigured(make: () => unknown, setting: string): void {
  const error = thrownBy(make);
  expect(error).toBeInstanceOf(GameBoostWebhookError);
  expect((error as GameBoostWebhookError).code).toBe('misconfigured');
  expect((error as GameBoostWebhookError).message).toMatch(new RegExp(`\\b${setting}\\b`));
  expectNoCanary(error);
}

function withOption(name: string, value: unknown): GameBoostClientOptions {
  return { ...VALID, [name]: value } as GameBoostClientOptions;
}

describe('a credential in the wrong setting is never printed back', () => {
  it.each(MISPLACED_SECRETS)('baseUrl %s', (secret) => {
    expectNamedError(() => createGameBoostClient(withOption('baseUrl', secret)), 'baseUrl');
  });

  it.each(MISPLACED_SECRETS)('seen-store capacity %s', (secret) => {
    const error = thrownBy(() => createMemorySeenStore(secret as unknown as number));
    expect((error as GameBoostWebhookError).code).toBe('misconfigured');
    expect((error as Error).message).toMatch(/capacity/);
    expectNoCanary(error);
  });
});

describe('a client setting of the wrong type is a ConfigurationError naming it', () => {
  const cases: [setting: string, values: unknown[]][] = [
    ['token', NOT_A_STRING],
    // `null` is no base URL given: the production one.
    ['baseUrl', NOT_A_STRING.filter((value) => value !== null)],
    ['userAgent', NOT_A_STRING],
    ['headers', [42, null, 'sk-LEAKCANARY-1234567890', ['x']]],
  ];
  for (const [setting, values] of cases) {
    it.each(values.map((value) => [inspect(value), value]))(`${setting}: %s`, (_, value) => {
      expectNamedError(() => createGameBoostClient(withOption(setting, value)), setting);
    });
  }

  it('still accepts every setting of the right type', () => {
    expect(() =>
      createGameBoostClient({
        ...VALID,
        baseUrl: 'https://api.gameboost.com',
        headers: { 'X-Trace': 't-1' },
        userAgent: 'my-app/1.2',
        allowInsecureHttp: false,
        middleware: [{ onRequest: () => undefined }],
      }),
    ).not.toThrow();
  });
});

describe('a webhook receiver setting of the wrong type is misconfigured, named', () => {
  const receiver = (name: string, value: unknown) =>
    createGameBoostWebhookReceiver({
      secrets: 'whsec_test_current',
      [name]: value,
    } as unknown as GameBoostWebhookReceiverOptions);

  it.each([[42], [null], [{ key: 'sk-LEAKCANARY-1234567890' }]])('secrets %j', (secrets) => {
    expectMisconfigured(() => receiver('secrets', secrets), 'secrets');
    expectMisconfigured(
      () =>
        verifyGameBoostSignature({
          body: '{}',
          signature: 'x',
          secrets: secrets as unknown as string,
        }),
      'secrets',
    );
  });

  it.each([[42], [null], ['sk-LEAKCANARY-1234567890'], [{ has: () => false }]])('seen %j', (seen) =>
    expectMisconfigured(() => receiver('seen', seen), 'seen'),
  );

  it.each(['identify', 'now', 'onError'])('%s', (name) => {
    for (const value of [42, null, 'sk-LEAKCANARY-1234567890', {}]) {
      expectMisconfigured(() => receiver(name, value), name);
    }
  });

  it.each(['maxBodyBytes', 'bodyTimeoutMs', 'maxEventAgeSeconds'])('%s', (name) => {
    for (const value of ['100', null, {}]) expectMisconfigured(() => receiver(name, value), name);
  });

  it.each([[undefined], [null], [42]])('options %j', (options) => {
    expectMisconfigured(
      () => createGameBoostWebhookReceiver(options as unknown as GameBoostWebhookReceiverOptions),
      'options',
    );
  });
});
