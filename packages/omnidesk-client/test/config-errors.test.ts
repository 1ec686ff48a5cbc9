import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { describe, expect, it } from 'vitest';
import {
  createOmnideskClient,
  omnideskBaseUrl,
  type OmnideskClientOptions,
  type OmnideskDomain,
} from '../src/index.js';

// A credential put in the wrong setting: the key itself, a URL carrying it as user info, and one
// carrying it in the query. None may come back in the error, however the error is printed. (A key
// made only of letters, digits and "-" is a valid subdomain, so it is not refused as `account`.)
const CANARY = 'LEAKCANARY';
const MISPLACED_SECRETS = [
  'sk_live_LEAKCANARY_1234567890',
  'https://admin:LEAKCANARY@acme.omnidesk.com/api/v2',
  'admin:LEAKCANARY@acme',
  'https://acme.omnidesk.com/api/v2?apiKey=LEAKCANARY',
  'acme?apiKey=LEAKCANARY',
];
// Wrong types; the object carries the canary, which must not be serialized into the message.
const NOT_A_STRING = [42, null, {}, { apiKey: 'sk-LEAKCANARY-1234567890' }, true];

const fetch = async () => new Response('{}');
const VALID: OmnideskClientOptions = { apiKey: 'omnidesk-test-key-42', account: 'acme', fetch };

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
  expect(message).toMatch(new RegExp(`^omnidesk: ${setting.replace(/[.[\]]/g, '\\$&')}(?=[ [])`));
  for (const text of [message, String(error), inspect(error), JSON.stringify(error)]) {
    expect(text).not.toContain(CANARY);
  }
}

function withOption(name: string, value: unknown): OmnideskClientOptions {
  return { ...VALID, [name]: value } as OmnideskClientOptions;
}

describe('a credential in the wrong setting is never printed back', () => {
  it.each(MISPLACED_SECRETS)('account %s', (secret) => {
    expectNamedError(() => createOmnideskClient(withOption('account', secret)), 'account');
    expectNamedError(() => omnideskBaseUrl(secret), 'account');
  });

  it.each([...MISPLACED_SECRETS, 'sk-LEAKCANARY-1234567890'])('domain %s', (secret) => {
    expectNamedError(() => createOmnideskClient(withOption('domain', secret)), 'domain');
    expectNamedError(() => omnideskBaseUrl('acme', secret as OmnideskDomain), 'domain');
  });

  it.each([
    ...MISPLACED_SECRETS,
    // On an Omnidesk host, the path is checked before the runtime's URL checks.
    'https://acme.omnidesk.com/sk-LEAKCANARY-1234567890',
    'https://acme.omnidesk.com/api/v2/apiKey=LEAKCANARY/',
  ])('baseUrl %s', (secret) => {
    expectNamedError(() => createOmnideskClient(withOption('baseUrl', secret)), 'baseUrl');
  });

  it('says what form account takes instead', () => {
    const error = thrownBy(() => omnideskBaseUrl('https://admin:LEAKCANARY@acme.omnidesk.com'));
    expect((error as Error).message).toMatch(/subdomain of your Omnidesk host/);
    expect((error as Error).message).toMatch(/not a URL or a key; pass baseUrl/);
  });
});

describe('a setting of the wrong type is a ConfigurationError naming it', () => {
  const cases: [setting: string, values: unknown[]][] = [
    ['apiKey', NOT_A_STRING],
    ['account', NOT_A_STRING],
    ['domain', NOT_A_STRING],
    ['baseUrl', NOT_A_STRING],
    ['userAgent', NOT_A_STRING],
    ['headers', [42, null, 'sk-LEAKCANARY-1234567890', ['x']]],
  ];
  for (const [setting, values] of cases) {
    it.each(values.map((value) => [inspect(value), value]))(`${setting}: %s`, (_, value) => {
      expectNamedError(() => createOmnideskClient(withOption(setting, value)), setting);
    });
  }

  it.each([[42], [null], [{}]])('account %j given to omnideskBaseUrl', (value) => {
    expectNamedError(() => omnideskBaseUrl(value as string), 'account');
  });

  it('still accepts every setting of the right type', () => {
    expect(() =>
      createOmnideskClient({
        ...VALID,
        domain: 'omnidesk.io',
        headers: { 'X-Trace': 't-1' },
        userAgent: 'my-app/1.2',
        allowInsecureHttp: false,
        middleware: [{ onError: () => undefined }],
      }),
    ).not.toThrow();
  });
});
