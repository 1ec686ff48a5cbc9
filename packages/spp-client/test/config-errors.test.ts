import { inspect } from 'node:util';
import { ConfigurationError } from '@org/http-runtime';
import { describe, expect, it } from 'vitest';
import { createSppClient, sppBaseUrl, type SppClientOptions } from '../src/index.js';

// A credential put in the wrong setting: the key itself, a URL carrying it as user info, and one
// carrying it in the query. None may come back in the error, however the error is printed. (A key
// made only of letters, digits and "-" is a valid host name, so it is not refused at all.)
const CANARY = 'LEAKCANARY';
const MISPLACED_SECRETS = [
  'sk_live_LEAKCANARY_1234567890',
  'https://admin:LEAKCANARY@acme.spp.co',
  'admin:LEAKCANARY@acme.spp.co',
  'https://acme.spp.co/api/v1?apiKey=LEAKCANARY',
  'acme.spp.co?apiKey=LEAKCANARY',
];
// Wrong types; the last one carries the canary, which must not be serialized into the message.
const NOT_A_STRING = [42, null, {}, { apiKey: 'sk-LEAKCANARY-1234567890' }, true];

const fetch = async () => new Response('{}');
const VALID: SppClientOptions = {
  token: 'spp_test_token_6f1c2a',
  workspaceUrl: 'acme.spp.co',
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
  expect(message).toMatch(new RegExp(`^spp: ${setting.replace(/[.[\]]/g, '\\$&')}(?=[ [])`));
  for (const text of [message, String(error), inspect(error), JSON.stringify(error)]) {
    expect(text).not.toContain(CANARY);
  }
}

function withOption(name: string, value: unknown): SppClientOptions {
  return { ...VALID, [name]: value } as SppClientOptions;
}

describe('a credential in the wrong setting is never printed back', () => {
  it.each(MISPLACED_SECRETS)('workspaceUrl %s', (secret) => {
    expectNamedError(() => createSppClient(withOption('workspaceUrl', secret)), 'workspaceUrl');
    expectNamedError(() => sppBaseUrl(secret), 'workspaceUrl');
  });

  it.each(MISPLACED_SECRETS)('baseUrl %s', (secret) => {
    expectNamedError(() => createSppClient(withOption('baseUrl', secret)), 'baseUrl');
  });

  it('says what form workspaceUrl takes instead', () => {
    const error = thrownBy(() => sppBaseUrl('https://admin:LEAKCANARY@acme.spp.co'));
    expect((error as Error).message).toMatch(/bare host name such as "example\.spp\.co"/);
    expect((error as Error).message).toMatch(/pass a full URL as baseUrl/);
  });
});

describe('a setting of the wrong type is a ConfigurationError naming it', () => {
  const cases: [setting: string, values: unknown[]][] = [
    ['token', NOT_A_STRING],
    ['workspaceUrl', NOT_A_STRING],
    ['baseUrl', NOT_A_STRING],
    ['userAgent', NOT_A_STRING],
    ['apiVersion', [42, {}, { apiKey: 'sk-LEAKCANARY-1234567890' }, true]],
    ['headers', [42, 'sk-LEAKCANARY-1234567890', ['x']]],
  ];
  for (const [setting, values] of cases) {
    it.each(values.map((value) => [inspect(value), value]))(`${setting}: %s`, (_, value) => {
      expectNamedError(() => createSppClient(withOption(setting, value)), setting);
    });
  }

  it.each([[42], [null], [{}]])('workspaceUrl %j given to sppBaseUrl', (value) => {
    expectNamedError(() => sppBaseUrl(value as string), 'workspaceUrl');
  });

  it('still accepts every setting of the right type', () => {
    expect(() =>
      createSppClient({
        ...VALID,
        headers: { 'X-Trace': 't-1' },
        userAgent: 'my-app/1.2',
        apiVersion: null,
        allowInsecureHttp: false,
        middleware: [{ onRequest: () => undefined }],
      }),
    ).not.toThrow();
  });
});
