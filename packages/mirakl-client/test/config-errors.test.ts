import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { describe, expect, it } from 'vitest';
import { createMiraklClient, miraklBaseUrl, type MiraklClientOptions } from '../src/index.js';

// A credential put in the wrong setting: the key itself, a URL carrying it as user info, and one
// carrying it in the query. None may come back in the error, however the error is printed. (A key
// made only of letters, digits and "-" is a valid instance name, so it is not refused at all.)
const CANARY = 'LEAKCANARY';
const MISPLACED_SECRETS = [
  'sk_live_LEAKCANARY_1234567890',
  'https://shop:LEAKCANARY@acme-prod.mirakl.net',
  'shop:LEAKCANARY@acme-prod',
  'https://acme-prod.mirakl.net/v1?apiKey=LEAKCANARY',
  'acme-prod?apiKey=LEAKCANARY',
];
// Wrong types; the object carries the canary, which must not be serialized into the message.
const NOT_A_STRING = [42, null, {}, { apiKey: 'sk-LEAKCANARY-1234567890' }, true];

const fetch = async () => new Response('{}');
const VALID: MiraklClientOptions = {
  instance: 'acme-prod',
  auth: { type: 'apiKey', apiKey: 'mirakl-test-key-7c1d' },
  fetch,
};

function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A ConfigurationError whose message starts by naming `setting`, with no trace of the canary. */
function expectNamedError(make: () => unknown, setting: string): void {
  const error = thrownBy(make);
  expect(error).toBeInstanceOf(ConfigurationError);
  const { message } = error as ConfigurationError;
  expect(message).toMatch(new RegExp(`^mirakl: ${setting.replace(/[.[\]]/g, '\\$&')}(?=[ [])`));
  for (const text of [message, String(error), inspect(error), JSON.stringify(error)]) {
    expect(text).not.toContain(CANARY);
  }
}

function withOption(name: string, value: unknown): MiraklClientOptions {
  return { ...VALID, [name]: value } as MiraklClientOptions;
}

describe('a credential in the wrong setting is never printed back', () => {
  it.each(MISPLACED_SECRETS)('instance %s', (secret) => {
    expectNamedError(() => createMiraklClient(withOption('instance', secret)), 'instance');
    expectNamedError(() => miraklBaseUrl(secret), 'instance');
  });

  it.each(MISPLACED_SECRETS)('baseUrl %s', (secret) => {
    expectNamedError(() => createMiraklClient(withOption('baseUrl', secret)), 'baseUrl');
  });

  it('says what form instance takes instead', () => {
    const error = thrownBy(() => miraklBaseUrl('https://shop:LEAKCANARY@acme-prod.mirakl.net'));
    expect((error as Error).message).toMatch(/host name label such as "acme-prod"/);
    expect((error as Error).message).toMatch(/not a URL or a key/);
  });
});

describe('a setting of the wrong type is a ConfigurationError naming it', () => {
  const cases: [setting: string, values: unknown[]][] = [
    ['instance', NOT_A_STRING],
    ['baseUrl', NOT_A_STRING],
    ['userAgent', NOT_A_STRING],
    ['auth', [42, null, 'sk-LEAKCANARY-1234567890', ['apiKey']]],
    ['shopId', ['2010', null, {}, 1.5]],
    ['headers', [42, null, 'sk-LEAKCANARY-1234567890', ['x']]],
  ];
  for (const [setting, values] of cases) {
    it.each(values.map((value) => [inspect(value), value]))(`${setting}: %s`, (_, value) => {
      expectNamedError(() => createMiraklClient(withOption(setting, value)), setting);
    });
  }

  it.each(NOT_A_STRING.map((value) => [inspect(value), value]))('auth.apiKey: %s', (_, value) => {
    const auth = { type: 'apiKey', apiKey: value };
    expectNamedError(() => createMiraklClient(withOption('auth', auth)), 'auth.apiKey');
  });

  it.each(NOT_A_STRING.map((value) => [inspect(value), value]))('auth.token: %s', (_, value) => {
    const auth = { type: 'bearer', token: value };
    expectNamedError(() => createMiraklClient(withOption('auth', auth)), 'auth.token');
  });

  it.each([[42], [null], [{}]])('instance %j given to miraklBaseUrl', (value) => {
    expectNamedError(() => miraklBaseUrl(value as string), 'instance');
  });

  it('still accepts every setting of the right type', () => {
    expect(() =>
      createMiraklClient({
        ...VALID,
        auth: { type: 'bearer', token: 'mirakl-test-token-1' },
        shopId: 2010,
        headers: { 'X-Trace': 't-1' },
        userAgent: 'my-app/1.2',
        allowInsecureHttp: false,
        middleware: [{ onResponse: () => undefined }],
      }),
    ).not.toThrow();
  });
});
