/**
 * The environment that points the order-messaging CLI at a running sandbox, for
 * `order-messaging-sandbox --env`. The facade's vendor descriptors own these settings
 * (`sandbox.settings(access)`), but the facade depends on this package for its tests, so this
 * package cannot import them: the same values are restated here, named by the descriptors'
 * convention (`<VENDOR>_<SETTING_KEY>`, `settingEnv`), and the CLI's tests check that both
 * agree.
 */
import type { VendorName, VendorRegistry } from './vendors/index.js';

type Access<K extends VendorName> = VendorRegistry[K]['credentials'] & { readonly baseUrl: string };
type Settings = Readonly<Record<string, string | number>>;

/** Per vendor, the connection settings (descriptor keys) that reach its fake. */
const CLI_SETTINGS: { readonly [K in VendorName]: (access: Access<K>) => Settings } = {
  mirakl: (a) => ({ baseUrl: a.baseUrl, apiKey: a.apiKey, shopId: a.shopId }),
  spp: (a) => ({ baseUrl: a.baseUrl, token: a.token }),
  // The sandbox's own note channel (the facade's descriptor says the same), not Omnidesk's.
  omnidesk: (a) => ({ baseUrl: a.baseUrl, apiKey: a.apiKey, noteChannel: '0' }),
  gameboost: (a) => ({ baseUrl: a.baseUrl, token: a.token }),
};

/** `MIRAKL_API_KEY` for (`mirakl`, `apiKey`): the facade's `settingEnv` convention. */
export function cliEnvName(vendor: string, key: string): string {
  return `${vendor}_${key.replace(/[A-Z]/g, (letter) => `_${letter}`)}`.toUpperCase();
}

/** Environment variables that point the order-messaging CLI at every vendor of this sandbox. */
export function sandboxCliEnv(sandbox: {
  readonly vendors: { readonly [K in VendorName]: Access<K> };
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const vendor of Object.keys(CLI_SETTINGS) as VendorName[]) {
    const settings = (CLI_SETTINGS[vendor] as (access: unknown) => Settings)(
      sandbox.vendors[vendor],
    );
    for (const [key, value] of Object.entries(settings))
      env[cliEnvName(vendor, key)] = String(value);
  }
  return env;
}

/** `export NAME='value'` lines a POSIX shell can `eval` or `source`. */
export function exportLines(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(
    ([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`,
  );
}
