/**
 * Per registered vendor: a credential that no request can carry, or a base URL with a query or
 * fragment, fails when the facade is created (not at the first send), with a ConfigurationError
 * naming the setting and never quoting its value.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { ConfigurationError, createOrderMessaging } from '@org/order-messaging';
import {
  adapterFromSettings,
  VENDORS,
  type AnyVendorDescriptor,
} from '@org/order-messaging/vendors';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb.close();
});

const DESCRIPTORS = VENDORS as readonly AnyVendorDescriptor[];

const BAD_SECRETS = {
  CRLF: 'sek\r\nX-Injected: ret-value',
  NUL: 'sek\0ret-value',
  'non-Latin-1': 'sekret-välue-ключ',
};

function valuesFor(descriptor: AnyVendorDescriptor): Record<string, unknown> {
  const access = (sb.vendors as Record<string, unknown>)[descriptor.name];
  return { ...descriptor.sandbox.settings(access) } as Record<string, unknown>;
}

function failure(descriptor: AnyVendorDescriptor, values: Record<string, unknown>): unknown {
  try {
    createOrderMessaging({
      connections: {
        [descriptor.name]: adapterFromSettings(descriptor, values as never),
      },
    });
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectNamed(error: unknown, option: string, value: string) {
  expect(error).toBeInstanceOf(ConfigurationError);
  const message = (error as Error).message;
  expect(message).toContain(option);
  for (const text of [message, String(error), inspect(error), JSON.stringify(error)]) {
    expect(text).not.toContain(value);
    expect(text).not.toContain('ret-value');
  }
}

const SECRET_ROWS = DESCRIPTORS.flatMap((descriptor) => {
  const values = () => valuesFor(descriptor);
  return descriptor.settings
    .filter((setting) => setting.secret)
    .flatMap((setting) =>
      Object.entries(BAD_SECRETS).map(
        ([label, value]) =>
          [descriptor.name, setting.key, label, value, descriptor, values] as const,
      ),
    );
});

describe('bad configuration fails when the facade is created', () => {
  it('covers every registered vendor', () => {
    expect(new Set(SECRET_ROWS.map((row) => row[0]))).toEqual(
      new Set(DESCRIPTORS.map((d) => d.name)),
    );
  });

  it.each(SECRET_ROWS)('%s: %s with %s', (_name, key, _label, value, descriptor, values) => {
    const settings = values();
    // Only the credential the sandbox uses (Mirakl takes an API key or a token, not both).
    if (!(key in settings)) return;
    settings[key] = value;
    expectNamed(failure(descriptor, settings), key, value);
  });

  it.each(DESCRIPTORS.map((d) => [d.name, d] as const))(
    '%s: a base URL with a query or a fragment',
    (_name, descriptor) => {
      for (const suffix of ['?sek=ret-value', '#sek-ret-value']) {
        const settings = valuesFor(descriptor);
        expect(typeof settings.baseUrl).toBe('string');
        const value = `${settings.baseUrl as string}${suffix}`;
        settings.baseUrl = value;
        expectNamed(failure(descriptor, settings), 'baseUrl', value);
      }
    },
  );
});
