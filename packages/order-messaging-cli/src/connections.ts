import {
  checkSettings,
  secretValues,
  settingOption,
  type AnyVendorDescriptor,
  type SettingProblem,
  type SettingValues,
} from '@org/order-messaging/vendors';
import { UsageError } from './exit-codes.js';
import {
  descriptorOf,
  flagName,
  listOf,
  settingNames,
  settingOf,
  type VendorName,
} from './vendors.js';

/**
 * One vendor's connection: its name and the options its adapter factory takes (the descriptor's
 * `toOptions` of the setting values).
 */
export interface ConnectionSettings {
  readonly vendor: VendorName;
  readonly [option: string]: unknown;
}

type OptionValues = Readonly<Record<string, unknown>>;

/** The credentials each connection was built from, kept beside its options for scrubbing. */
const SECRETS = new WeakMap<ConnectionSettings, readonly string[]>();

/** Where each connection sends: its locating settings (never a credential), for the bulk journal. */
const LOCATIONS = new WeakMap<ConnectionSettings, Readonly<Record<string, string | number>>>();

/**
 * Non-secret settings that change how requests are made, not where they go: a journal stays
 * valid when they change. Every other non-secret setting (base URL, instance, workspace,
 * account, domain, shop, and any a descriptor adds later) locates the target.
 */
const NOT_LOCATING = new Set(['pageSize', 'apiVersion', 'userId', 'noteChannel']);

/** Header values a request can carry (RFC 9110 field-value: tab, visible ASCII, space, obs-text). */
const CARRIABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A vendor's setting values from the parsed options: trimmed, the empty ones left out. */
function settingValuesFrom(descriptor: AnyVendorDescriptor, options: OptionValues): SettingValues {
  const values: Record<string, string> = {};
  for (const setting of descriptor.settings) {
    const raw = options[settingOption(descriptor.name, setting)];
    if (typeof raw !== 'string') continue;
    const trimmed = raw.trim();
    if (trimmed !== '') values[setting.key] = trimmed;
  }
  return values;
}

function describeProblem(vendor: string, problem: SettingProblem, values: SettingValues): string {
  switch (problem.kind) {
    case 'missing':
      return listOf(problem.keys.map((key) => settingNames(vendor, key)));
    case 'conflict': {
      const settings = problem.keys.map((key) => settingOf(vendor, key));
      const names = `${listOf(settings.map((setting) => setting.env))} (${listOf(settings.map(flagName))})`;
      return settings.length === 2
        ? `${vendor}: set either ${names}, not both`
        : `${vendor}: set only one of ${names}`;
    }
    case 'not_integer':
      return `${vendor}: ${settingNames(vendor, problem.key)} must be a positive integer (got ${JSON.stringify(values[problem.key])})`;
  }
}

/**
 * Reads one vendor's settings from the parsed options (commander has already applied the
 * environment variables), checks them against the descriptor's requirements, and says exactly
 * what to set when something is missing or wrong.
 */
export function connectionSettingsFor(vendor: string, options: OptionValues): ConnectionSettings {
  const descriptor = descriptorOf(vendor);
  const values = settingValuesFrom(descriptor, options);
  const problems = checkSettings(descriptor, values);
  const missing = problems.filter((problem) => problem.kind === 'missing');
  if (missing.length > 0) {
    throw new UsageError(
      `missing ${vendor} connection settings: set ${missing.map((problem) => describeProblem(vendor, problem, values)).join(', and ')}; or pass --sandbox to try against the embedded sandbox`,
    );
  }
  if (problems.length > 0) {
    throw new UsageError(
      problems.map((problem) => describeProblem(vendor, problem, values)).join('; '),
    );
  }
  // The runtime refuses the same values at construction (ConfigurationError naming the option);
  // checked here too so that the message names the flag and environment variable to fix.
  const malformed = descriptor.settings.filter(
    (setting) =>
      setting.secret &&
      typeof values[setting.key] === 'string' &&
      !CARRIABLE.test(values[setting.key] as string),
  );
  if (malformed.length > 0) {
    throw new UsageError(
      `${vendor}: ${listOf(malformed.map((setting) => settingNames(vendor, setting.key)))} contains a control character or a character outside Latin-1, which no request can carry (check for a stray newline or a copy-paste artefact)`,
    );
  }
  return connectionOf(descriptor, values);
}

/** The connection that setting `values` (already checked) describe. */
export function connectionOf(
  descriptor: AnyVendorDescriptor,
  values: SettingValues,
): ConnectionSettings {
  const connection: ConnectionSettings = {
    vendor: descriptor.name as VendorName,
    ...(descriptor.toOptions(values) as object),
  };
  SECRETS.set(connection, secretValues(descriptor, values));
  LOCATIONS.set(connection, locationOfValues(descriptor, values));
  return connection;
}

function locationOfValues(
  descriptor: AnyVendorDescriptor,
  values: SettingValues,
): Readonly<Record<string, string | number>> {
  const location: Record<string, string | number> = {};
  for (const setting of descriptor.settings) {
    const value = values[setting.key];
    if (setting.secret || NOT_LOCATING.has(setting.key) || value === undefined || value === '')
      continue;
    location[setting.key] =
      setting.type === 'integer'
        ? Number(value)
        : typeof value === 'string'
          ? value.trim().replace(/\/+$/, '')
          : value;
  }
  return location;
}

/**
 * Where a vendor's connection would send, from the non-secret settings alone (`send-bulk --queue`
 * needs no credentials): the same as {@link locationOf} of the full connection. A missing
 * locating setting (a base URL, a workspace...) is a usage error naming it.
 */
export function locationFor(
  vendor: string,
  options: OptionValues,
): Readonly<Record<string, string | number>> {
  const descriptor = descriptorOf(vendor);
  const values = settingValuesFrom(descriptor, options);
  const secret = new Set(descriptor.settings.filter((s) => s.secret).map((s) => s.key));
  const missing = checkSettings(descriptor, values).filter(
    (problem) => problem.kind === 'missing' && problem.keys.some((key) => !secret.has(key)),
  );
  if (missing.length > 0)
    throw new UsageError(
      `missing ${vendor} connection settings: set ${missing.map((problem) => describeProblem(vendor, problem, values)).join(', and ')} (the queue keeps each target's jobs apart; no credential is needed to enqueue); or pass --sandbox`,
    );
  return locationOfValues(descriptor, values);
}

/** The non-secret settings that say where a connection sends (see {@link NOT_LOCATING}). */
export function locationOf(
  connection: ConnectionSettings,
): Readonly<Record<string, string | number>> {
  const location = LOCATIONS.get(connection);
  if (!location) throw new Error('locationOf: this connection was not built by connectionOf');
  return location;
}

/** The credential values of a connection, for scrubbing output. */
export function secretsOf(connection: ConnectionSettings): string[] {
  const secrets = SECRETS.get(connection);
  // A copy has lost them; printing with unknown credentials could leak them.
  if (!secrets) throw new Error('secretsOf: this connection was not built by connectionOf');
  return [...secrets];
}
