/**
 * The vendors the CLI serves are the facade's registry (`@org/order-messaging/vendors`): their
 * names, flags, environment variables and capabilities all come from the descriptors, so a vendor
 * added there appears here without a change to the CLI.
 */
import type { Capabilities } from '@org/order-messaging';
import {
  settingEnv,
  settingFlag,
  settingOption,
  vendorDescriptor,
  VENDORS,
  type AnyVendorDescriptor,
  type ConnectionSetting,
  type RegisteredVendorName,
} from '@org/order-messaging/vendors';
import { UsageError } from './exit-codes.js';

export type VendorName = RegisteredVendorName;

export const VENDOR_NAMES: readonly VendorName[] = Object.freeze(
  VENDORS.map((vendor) => vendor.name),
);

export function isVendorName(value: unknown): value is VendorName {
  return typeof value === 'string' && (VENDOR_NAMES as readonly string[]).includes(value);
}

/** The descriptor of `--vendor`'s value (or a line's `vendor`); unknown names are a usage error. */
export function descriptorOf(vendor: string): AnyVendorDescriptor {
  const descriptor = vendorDescriptor(vendor);
  if (!descriptor) {
    throw new UsageError(
      `unknown vendor ${JSON.stringify(vendor)} (use one of ${VENDOR_NAMES.join(', ')})`,
    );
  }
  return descriptor;
}

/** One connection setting as the CLI offers it: a command-line flag and the environment variable it falls back to. */
export interface VendorSetting {
  /** The descriptor's key (`apiKey`), as `toOptions` reads it. */
  readonly key: string;
  /** Name of the parsed option (commander camel-cases the flag): `<vendor>ApiKey`. */
  readonly option: string;
  /** `--<vendor>-api-key <key>` */
  readonly flag: string;
  /** `<VENDOR>_API_KEY` */
  readonly env: string;
  readonly description: string;
  /** Credentials: never printed, scrubbed from any output. */
  readonly secret: boolean;
}

export function cliSetting(vendor: string, setting: ConnectionSetting): VendorSetting {
  return {
    key: setting.key,
    option: settingOption(vendor, setting),
    flag: settingFlag(vendor, setting),
    env: settingEnv(vendor, setting),
    description: setting.description,
    secret: setting.secret === true,
  };
}

/**
 * Every vendor's connection settings, from the descriptors. Environment variables are the safer
 * place for credentials: a flag's value is visible to other users in the process list.
 */
export const VENDOR_SETTINGS: Readonly<Record<VendorName, readonly VendorSetting[]>> =
  Object.freeze(
    Object.fromEntries(
      VENDORS.map((vendor) => [
        vendor.name,
        Object.freeze(vendor.settings.map((setting) => cliSetting(vendor.name, setting))),
      ]),
    ) as Record<VendorName, readonly VendorSetting[]>,
  );

/** The setting of `vendor` with `key`: the descriptor's own names, for messages. */
export function settingOf(vendor: string, key: string): VendorSetting {
  const setting = VENDOR_SETTINGS[vendor as VendorName]?.find((entry) => entry.key === key);
  if (!setting) throw new Error(`${vendor} has no connection setting ${JSON.stringify(key)}`);
  return setting;
}

/** `<VENDOR>_API_KEY (or --<vendor>-api-key)`: what to set, for messages. */
export function settingNames(vendor: string, key: string): string {
  const setting = settingOf(vendor, key);
  return `${setting.env} (or ${flagName(setting)})`;
}

/** `--<vendor>-api-key`, without its placeholder. */
export function flagName(setting: VendorSetting): string {
  return setting.flag.split(' ')[0]!;
}

/** `a`, `a or b`, `a, b or c` (with `and` for `word`). */
export function listOf(items: readonly string[], word = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)!}`;
}

/** The titles of the vendors whose capabilities pass `test`, comma-separated, for help texts. */
export function titlesWhere(test: (capabilities: Capabilities) => boolean): string {
  return VENDORS.filter((vendor) => test(vendor.capabilities))
    .map((vendor) => vendor.title)
    .join(', ');
}

/** `--order`'s help: what the id is for vendors where it is not a plain order id. */
export function orderIdHelp({ withKinds }: { withKinds: boolean }): string {
  const notes = VENDORS.flatMap((vendor) => [
    ...(vendor.orderTerm ? [`${vendor.title}: ${vendor.orderTerm} id`] : []),
    ...(withKinds && vendor.capabilities.orderKinds?.length
      ? [`${vendor.title}: order id with --order-kind`]
      : []),
  ]);
  return notes.length > 0 ? `order id (${notes.join('; ')})` : 'order id';
}

/** `--order-kind`'s help: each vendor's kinds, the first being its default. */
export function orderKindHelp(): string {
  return VENDORS.flatMap((vendor) => {
    const kinds = vendor.capabilities.orderKinds ?? [];
    return kinds.length > 0 ? [`${vendor.title}: ${listOf(kinds)} (default ${kinds[0]})`] : [];
  }).join('; ');
}

/** The vendors `sync` and `inbox` work with, for their help. */
export function syncVendorTitles(): string {
  return titlesWhere((capabilities) => (capabilities.sync?.mode ?? 'none') !== 'none');
}
