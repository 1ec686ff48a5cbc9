/**
 * Unusable settings fail when the client is created, with a ConfigurationError naming the
 * option and never quoting its value (fetch's own TypeError at the first request quotes it).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  ConfigurationError,
  createVendorClient,
  type AuthPlacement,
} from '../src/index.js';

const definition = {
  vendor: 'test',
  packageName: '@org/test-client',
  packageVersion: '1.2.3',
  operations: {},
};

const BAD_VALUES = {
  CR: 'sek\rret-value',
  LF: 'sek\nret-value',
  CRLF: 'sek\r\nX-Injected: ret-value',
  NUL: 'sek\0ret-value',
  'other control character': 'sek\x01ret-value',
  'non-Latin-1': 'sekret-välue-ключ',
};

function failure(create: () => unknown): ConfigurationError {
  try {
    create();
  } catch (error) {
    return error as ConfigurationError;
  }
  throw new Error('expected the client creation to throw');
}

function expectNamed(error: ConfigurationError, option: string, value: string) {
  expect(error).toBeInstanceOf(ConfigurationError);
  // The vendor first, base URL errors included: an application builds several clients.
  expect(error.message.startsWith(`${definition.vendor}: `)).toBe(true);
  expect(error.message).toContain(option);
  for (const text of [error.message, String(error), inspect(error), JSON.stringify(error)]) {
    expect(text).not.toContain(value);
    // Not even the part before the bad character.
    expect(text).not.toContain('ret-value');
  }
}

const create = (
  options: { baseUrl?: string; headers?: Record<string, string>; userAgent?: string },
  auth: readonly AuthPlacement[] = [bearer('good-token')],
) => createVendorClient(definition, { baseUrl: 'https://api.example.test/v1', ...options }, auth);

describe('bad configuration fails at construction', () => {
  it.each(Object.entries(BAD_VALUES))('a token with %s', (_label, value) => {
    expectNamed(
      failure(() => create({}, [bearer(value)])),
      'token',
      value,
    );
  });

  it.each(Object.entries(BAD_VALUES))('a query credential with %s', (_label, value) => {
    const auth: AuthPlacement = { in: 'query', name: 'apiKey', value, option: 'apiKey' };
    expectNamed(
      failure(() => create({}, [auth])),
      'apiKey',
      value,
    );
  });

  it.each(Object.entries(BAD_VALUES))('a header value with %s', (_label, value) => {
    expectNamed(
      failure(() => create({ headers: { 'X-Foo': value } })),
      'headers["X-Foo"]',
      value,
    );
  });

  it.each(Object.entries(BAD_VALUES))('a User-Agent with %s', (_label, value) => {
    expectNamed(
      failure(() => create({ userAgent: value })),
      'userAgent',
      value,
    );
  });

  it('a header name that is not a token', () => {
    expectNamed(
      failure(() => create({ headers: { 'X Bad\nret-value': 'x' } })),
      'headers',
      'X Bad',
    );
  });

  it.each([
    ['a query', 'https://api.example.test/v1?shop=sek-ret-value'],
    ['an empty query', 'https://api.example.test/v1?'],
    ['a fragment', 'https://api.example.test/v1#sek-ret-value'],
    ['not a URL', 'api.example.test/sek-ret-value'],
  ])('a base URL with %s', (_label, baseUrl) => {
    expectNamed(
      failure(() => create({ baseUrl })),
      'baseUrl',
      baseUrl,
    );
  });

  it('good values still work', () => {
    expect(() =>
      create({ headers: { 'X-Foo': 'café ok' }, userAgent: 'my-app/1.2 (ünïcode-free?)' }),
    ).not.toThrow();
  });
});
