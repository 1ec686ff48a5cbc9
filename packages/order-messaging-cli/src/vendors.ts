export const VENDOR_NAMES = ['mirakl', 'spp', 'omnidesk', 'gameboost'] as const;
export type VendorName = (typeof VENDOR_NAMES)[number];

export function isVendorName(value: unknown): value is VendorName {
  return typeof value === 'string' && (VENDOR_NAMES as readonly string[]).includes(value);
}

/** One connection setting: a command-line flag and the environment variable it falls back to. */
export interface VendorSetting {
  /** Name of the parsed option (commander camel-cases the flag). */
  readonly option: string;
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  /** Credentials: never printed, scrubbed from any output. */
  readonly secret: boolean;
}

function setting(
  option: string,
  flag: string,
  env: string,
  description: string,
  secret = false,
): VendorSetting {
  return { option, flag, env, description, secret };
}

/**
 * Every vendor's connection settings. Environment variables are the safer place for
 * credentials: a flag's value is visible to other users in the process list.
 */
export const VENDOR_SETTINGS: Readonly<Record<VendorName, readonly VendorSetting[]>> = {
  mirakl: [
    setting(
      'miraklBaseUrl',
      '--mirakl-base-url <url>',
      'MIRAKL_BASE_URL',
      'Mirakl instance origin, without /api (e.g. https://acme.mirakl.net)',
    ),
    setting(
      'miraklInstance',
      '--mirakl-instance <name>',
      'MIRAKL_INSTANCE',
      'Mirakl instance name (https://<name>.mirakl.net), instead of a base URL',
    ),
    setting(
      'miraklApiKey',
      '--mirakl-api-key <key>',
      'MIRAKL_API_KEY',
      'shop API key (sent as the Authorization header)',
      true,
    ),
    setting(
      'miraklToken',
      '--mirakl-token <token>',
      'MIRAKL_TOKEN',
      'OAuth 2 bearer token, instead of an API key',
      true,
    ),
    setting(
      'miraklShopId',
      '--mirakl-shop-id <id>',
      'MIRAKL_SHOP_ID',
      'shop to act as when the key reaches several shops',
    ),
  ],
  spp: [
    setting(
      'sppWorkspaceUrl',
      '--spp-workspace-url <host>',
      'SPP_WORKSPACE_URL',
      'workspace host, e.g. acme.spp.co',
    ),
    setting(
      'sppBaseUrl',
      '--spp-base-url <url>',
      'SPP_BASE_URL',
      'full base URL without /api (e.g. https://support.acme.com), instead of a workspace host',
    ),
    setting(
      'sppToken',
      '--spp-token <token>',
      'SPP_TOKEN',
      'API key (Modules > API > Settings)',
      true,
    ),
  ],
  omnidesk: [
    setting(
      'omnideskAccount',
      '--omnidesk-account <name>',
      'OMNIDESK_ACCOUNT',
      'account name (https://<name>.omnidesk.com)',
    ),
    setting(
      'omnideskBaseUrl',
      '--omnidesk-base-url <url>',
      'OMNIDESK_BASE_URL',
      'full base URL ending in /api/v2, instead of an account name',
    ),
    setting('omnideskApiKey', '--omnidesk-api-key <key>', 'OMNIDESK_API_KEY', 'API key', true),
  ],
  gameboost: [
    setting(
      'gameboostToken',
      '--gameboost-token <token>',
      'GAMEBOOST_TOKEN',
      'Partner API key',
      true,
    ),
    setting(
      'gameboostBaseUrl',
      '--gameboost-base-url <url>',
      'GAMEBOOST_BASE_URL',
      'base URL (default https://api.gameboost.com)',
    ),
  ],
};
