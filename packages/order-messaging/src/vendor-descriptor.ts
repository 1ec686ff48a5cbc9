/**
 * Everything the rest of the repository needs to know about one vendor, as data: its adapter
 * factory, its connection settings (which become CLI flags and environment variables), how to
 * reach its fake in the provider sandbox, and its capabilities. Each adapter module exports one;
 * `@org/order-messaging/vendors` lists them. Code that enumerates vendors (CLI, demo, benches,
 * fault matrix, tests) iterates that list instead of naming vendors.
 */
import type { AnyAdapter } from './adapter.js';
import type { Capabilities } from './model.js';

/** A value given for one connection setting (strings from flags and env; numbers once parsed). */
export type SettingValue = string | number;
/** Setting values by key, as flags, environment variables or a config file give them. */
export type SettingValues = Readonly<Record<string, SettingValue | undefined>>;

/** One connection setting of a vendor: `key` becomes `--<vendor>-<key>` and `<VENDOR>_<KEY>`. */
export interface ConnectionSetting {
  /** camelCase, unique within the vendor: `apiKey` → `--mirakl-api-key`, `MIRAKL_API_KEY`. */
  readonly key: string;
  /** Shown in help after the flag, e.g. `<url>`. */
  readonly placeholder: string;
  /** One line for help texts and the README's connection table. */
  readonly description: string;
  /** Credentials: never printed, scrubbed from any output. */
  readonly secret?: boolean;
  /** `integer` values are parsed and must be positive safe integers. Default `string`. */
  readonly type?: 'string' | 'integer';
}

/** At least one of `anyOf` must be set; with `exclusive`, exactly one. */
export interface SettingRequirement {
  /** Setting keys, of which at least one must be set. */
  readonly anyOf: readonly string[];
  /** At most one of `anyOf` may be set (an API key or a token, not both). */
  readonly exclusive?: boolean;
}

/** How the provider sandbox's fake of this vendor is reached and what it holds. */
export interface SandboxWiring<Access = any, Seed = any> {
  /**
   * The setting values that reach the fake, from the sandbox's entry for this vendor
   * (`sandbox.vendors[name]`: its base URL and public test credentials).
   */
  settings(access: Access): SettingValues;
  /** A seeded order (ticket) to try commands on, from `sandbox.seed[name]`. */
  exampleOrder(seed: Seed): string;
}

/**
 * One vendor as data: its adapter factory, its connection settings (which become CLI flags and
 * environment variables), how to reach its fake in the provider sandbox, and its capabilities. Each
 * adapter module exports one (`miraklVendor`…); `@org/order-messaging/vendors` lists them. Write
 * one with {@link defineVendor}.
 */
export interface VendorDescriptor<
  Options = never,
  Adapter extends AnyAdapter = AnyAdapter,
  Name extends string = string,
  Access = any,
  Seed = any,
> {
  /** The vendor's name: the adapter subpath, the CLI's `--vendor` value, the flag prefix. */
  readonly name: Name;
  /** How people write it: `GameBoost`. */
  readonly title: string;
  /** The adapter factory (`mirakl`, `spp`…). */
  readonly createAdapter: (options: Options) => Adapter;
  /** What the vendor can do (the adapter's `capabilities`). */
  readonly capabilities: Capabilities;
  /** The connection settings the CLI and other tools take for this vendor. */
  readonly settings: readonly ConnectionSetting[];
  /** Which settings must be given together (a base URL or instance; one credential). */
  readonly requirements: readonly SettingRequirement[];
  /** The factory's options from setting values that passed `requirements` and types. */
  readonly toOptions: (values: SettingValues) => Options;
  /** How the provider sandbox's fake of this vendor is reached. */
  readonly sandbox: SandboxWiring<Access, Seed>;
  /** What the vendor's "order" is, when it is something else (`ticket`): tools word ids by it. */
  readonly orderTerm?: string;
  /** A setting besides the credential's rights that decides what a request may act on. */
  readonly permissionNote?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
/** A descriptor of any vendor, whatever its options and adapter types: what the registry holds. */
export type AnyVendorDescriptor = VendorDescriptor<any, AnyAdapter, string, any, any>;

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `--mirakl-api-key <key>` */
export function settingFlag(vendor: string, setting: ConnectionSetting): string {
  return `--${vendor}-${kebab(setting.key)} ${setting.placeholder}`;
}

/** `MIRAKL_API_KEY` */
export function settingEnv(vendor: string, setting: ConnectionSetting): string {
  return `${vendor}_${kebab(setting.key).replace(/-/g, '_')}`.toUpperCase();
}

/** `miraklApiKey`: the name a camel-casing parser (commander) gives the flag's value. */
export function settingOption(vendor: string, setting: ConnectionSetting): string {
  return `${vendor}${setting.key.charAt(0).toUpperCase()}${setting.key.slice(1)}`;
}

/** A string setting value, trimmed; empty counts as absent. */
export function stringSetting(values: SettingValues, key: string): string | undefined {
  const value = values[key];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A numeric setting value (already checked by `checkSettings`). */
export function integerSetting(values: SettingValues, key: string): number | undefined {
  const value = values[key];
  if (value === undefined || value === '') return undefined;
  return typeof value === 'number' ? value : Number(value);
}

/** What is wrong with a set of values, in terms of the descriptor's setting keys. */
export type SettingProblem =
  | {
      /** No setting of a requirement's `anyOf` is set. */
      readonly kind: 'missing';
      /** The settings of which one is needed. */
      readonly keys: readonly string[];
    }
  | {
      /** More than one setting of an `exclusive` requirement is set. */
      readonly kind: 'conflict';
      /** The settings given together. */
      readonly keys: readonly string[];
    }
  | {
      /** An `integer` setting is not a positive safe integer. */
      readonly kind: 'not_integer';
      /** The setting. */
      readonly key: string;
    };

/** Checks values against a descriptor's requirements and types, before `toOptions`. */
export function checkSettings(
  descriptor: AnyVendorDescriptor,
  values: SettingValues,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const present = (key: string) => stringSetting(values, key) !== undefined;
  for (const requirement of descriptor.requirements) {
    const given = requirement.anyOf.filter(present);
    if (given.length === 0) problems.push({ kind: 'missing', keys: requirement.anyOf });
    else if (requirement.exclusive && given.length > 1) {
      problems.push({ kind: 'conflict', keys: given });
    }
  }
  for (const setting of descriptor.settings) {
    if (setting.type !== 'integer' || !present(setting.key)) continue;
    const value = Number(stringSetting(values, setting.key));
    if (!Number.isSafeInteger(value) || value <= 0) {
      problems.push({ kind: 'not_integer', key: setting.key });
    }
  }
  return problems;
}

/** The values of a descriptor's secret settings, for scrubbing output. */
export function secretValues(descriptor: AnyVendorDescriptor, values: SettingValues): string[] {
  return descriptor.settings
    .filter((setting) => setting.secret)
    .map((setting) => stringSetting(values, setting.key))
    .filter((value): value is string => value !== undefined);
}

/** An adapter of the descriptor's vendor from setting values (check them first with `checkSettings`). */
export function adapterFromSettings(
  descriptor: AnyVendorDescriptor,
  values: SettingValues,
): AnyAdapter {
  return descriptor.createAdapter(descriptor.toOptions(values));
}

/** Freezes a descriptor (and its lists) so no consumer can alter the shared registry. */
export function defineVendor<
  const Name extends string,
  Options,
  Adapter extends AnyAdapter,
  Access,
  Seed,
>(
  descriptor: VendorDescriptor<Options, Adapter, Name, Access, Seed>,
): VendorDescriptor<Options, Adapter, Name, Access, Seed> {
  for (const setting of descriptor.settings) Object.freeze(setting);
  for (const requirement of descriptor.requirements) Object.freeze(requirement);
  Object.freeze(descriptor.settings);
  Object.freeze(descriptor.requirements);
  Object.freeze(descriptor.sandbox);
  return Object.freeze(descriptor);
}
