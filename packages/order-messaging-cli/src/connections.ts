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
  return connection;
}

/** The credential values of a connection, for scrubbing output. */
export function secretsOf(connection: ConnectionSettings): string[] {
  const secrets = SECRETS.get(connection);
  // A copy has lost them; printing with unknown credentials could leak them.
  if (!secrets) throw new Error('secretsOf: this connection was not built by connectionOf');
  return [...secrets];
}
