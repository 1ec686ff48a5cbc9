/**
 * The registry is the one list of vendors: every descriptor must be complete and true
 * (its sandbox wiring reaches a working fake, its flags and env names are unique), and
 * what the package publishes per vendor must follow the list.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging } from '@org/order-messaging';
import {
  adapterFromSettings,
  checkSettings,
  secretValues,
  settingEnv,
  settingFlag,
  settingOption,
  VENDORS,
  type AnyVendorDescriptor,
} from '@org/order-messaging/vendors';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
  peerDependencies: Record<string, string>;
};

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());

describe('vendor registry', () => {
  it('names each vendor once, with unique flags, env variables and option names', () => {
    const names = VENDORS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const flags = VENDORS.flatMap((d) => d.settings.map((s) => settingFlag(d.name, s)));
    const envs = VENDORS.flatMap((d) => d.settings.map((s) => settingEnv(d.name, s)));
    const options = VENDORS.flatMap((d) => d.settings.map((s) => settingOption(d.name, s)));
    for (const list of [flags, envs, options]) expect(new Set(list).size).toBe(list.length);
    expect(settingFlag('mirakl', { key: 'apiKey', placeholder: '<key>', description: '' })).toBe(
      '--mirakl-api-key <key>',
    );
    expect(settingEnv('mirakl', { key: 'apiKey', placeholder: '<key>', description: '' })).toBe(
      'MIRAKL_API_KEY',
    );
  });

  it.each(VENDORS.map((d) => [d.name, d as AnyVendorDescriptor] as const))(
    '%s: requirements name real settings, and every credential is a secret setting',
    (_name, descriptor) => {
      const keys = new Set(descriptor.settings.map((s) => s.key));
      for (const requirement of descriptor.requirements) {
        for (const key of requirement.anyOf) expect(keys).toContain(key);
      }
      expect(descriptor.settings.some((s) => s.secret)).toBe(true);
      expect(descriptor.capabilities.vendor).toBe(descriptor.name);
    },
  );

  it.each(VENDORS.map((d) => [d.name, d as AnyVendorDescriptor] as const))(
    '%s: is published as a subpath, with its client as an optional peer',
    (name) => {
      expect(manifest.exports[`./${name}`]).toEqual({
        require: {
          types: `./dist/cjs/adapters/${name}.d.ts`,
          default: `./dist/cjs/adapters/${name}.js`,
        },
        types: `./dist/adapters/${name}.d.ts`,
        import: `./dist/adapters/${name}.js`,
      });
      // Resolvers that predate `exports` (TypeScript's node10) find the subpath's types here.
      expect(manifest.typesVersions['*']?.[name]).toEqual([`./dist/cjs/adapters/${name}.d.ts`]);
      expect(Object.keys(manifest.peerDependencies)).toContain(`@org/${name}-client`);
    },
  );

  it('publishes no adapter subpath that the registry lacks', () => {
    const adapterPaths = Object.values(manifest.exports)
      .map((entry) => (entry as { import?: string }).import)
      .filter((path): path is string => path?.startsWith('./dist/adapters/') ?? false);
    expect(adapterPaths.sort()).toEqual(VENDORS.map((d) => `./dist/adapters/${d.name}.js`).sort());
  });

  it.each(VENDORS.map((d) => [d.name, d as AnyVendorDescriptor] as const))(
    '%s: the sandbox wiring reaches a working fake and lists the example order',
    async (name, descriptor) => {
      const access = (sb.vendors as Record<string, unknown>)[name];
      const values = descriptor.sandbox.settings(access);
      expect(checkSettings(descriptor, values)).toEqual([]);
      expect(secretValues(descriptor, values).length).toBeGreaterThan(0);
      const messaging = createOrderMessaging({
        connections: { [name]: adapterFromSettings(descriptor, values) },
        retry: false,
      });
      const orderId = descriptor.sandbox.exampleOrder((sb.seed as Record<string, unknown>)[name]);
      const messages = await messaging.listAll(name, { orderId });
      expect(messages.length).toBeGreaterThan(0);
    },
  );

  it('reports missing, conflicting and malformed settings by key', () => {
    const mirakl = VENDORS.find((d) => d.name === 'mirakl')!;
    expect(checkSettings(mirakl, {})).toEqual([
      { kind: 'missing', keys: ['baseUrl', 'instance'] },
      { kind: 'missing', keys: ['apiKey', 'token'] },
    ]);
    expect(
      checkSettings(mirakl, { instance: 'acme', apiKey: 'k', token: 't', shopId: 'x1' }),
    ).toEqual([
      { kind: 'conflict', keys: ['apiKey', 'token'] },
      { kind: 'not_integer', key: 'shopId' },
    ]);
  });
});
