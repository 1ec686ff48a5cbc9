import { UsageError } from './exit-codes.js';
import { VENDOR_SETTINGS, type VendorName, type VendorSetting } from './vendors.js';

/** Connection settings of one vendor, as the facade's adapter factories take them. */
export type ConnectionSettings =
  | {
      vendor: 'mirakl';
      baseUrl?: string;
      instance?: string;
      auth: { type: 'apiKey'; apiKey: string } | { type: 'bearer'; token: string };
      shopId?: number;
    }
  | { vendor: 'spp'; baseUrl?: string; workspaceUrl?: string; token: string }
  | { vendor: 'omnidesk'; baseUrl?: string; account?: string; apiKey: string }
  | { vendor: 'gameboost'; baseUrl?: string; token: string };

type OptionValues = Readonly<Record<string, unknown>>;

function value(options: OptionValues, option: string): string | undefined {
  const raw = options[option];
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function names(vendor: VendorName, option: string): string {
  const entry = VENDOR_SETTINGS[vendor].find(
    (candidate: VendorSetting) => candidate.option === option,
  )!;
  return `${entry.env} (or ${entry.flag.split(' ')[0]})`;
}

function missing(vendor: VendorName, what: string[]): UsageError {
  return new UsageError(
    `missing ${vendor} connection settings: set ${what.join(', and ')}; or pass --sandbox to try against the embedded sandbox`,
  );
}

/**
 * Reads one vendor's settings from the parsed options (commander has already
 * applied the environment variables), and says exactly what to set when
 * something is missing.
 */
export function connectionSettingsFor(
  vendor: VendorName,
  options: OptionValues,
): ConnectionSettings {
  switch (vendor) {
    case 'mirakl': {
      const baseUrl = value(options, 'miraklBaseUrl');
      const instance = value(options, 'miraklInstance');
      const apiKey = value(options, 'miraklApiKey');
      const token = value(options, 'miraklToken');
      const shopIdText = value(options, 'miraklShopId');
      const lacking: string[] = [];
      if (!baseUrl && !instance)
        lacking.push(`${names(vendor, 'miraklBaseUrl')} or ${names(vendor, 'miraklInstance')}`);
      if (!apiKey && !token)
        lacking.push(`${names(vendor, 'miraklApiKey')} or ${names(vendor, 'miraklToken')}`);
      if (lacking.length > 0) throw missing(vendor, lacking);
      if (apiKey && token) {
        throw new UsageError('mirakl: set either MIRAKL_API_KEY or MIRAKL_TOKEN, not both');
      }
      let shopId: number | undefined;
      if (shopIdText !== undefined) {
        shopId = Number(shopIdText);
        if (!Number.isSafeInteger(shopId) || shopId <= 0) {
          throw new UsageError(
            `mirakl: ${names(vendor, 'miraklShopId')} must be a positive integer (got ${JSON.stringify(shopIdText)})`,
          );
        }
      }
      return {
        vendor,
        ...(baseUrl ? { baseUrl } : { instance: instance! }),
        auth: apiKey ? { type: 'apiKey', apiKey } : { type: 'bearer', token: token! },
        ...(shopId !== undefined ? { shopId } : {}),
      };
    }
    case 'spp': {
      const baseUrl = value(options, 'sppBaseUrl');
      const workspaceUrl = value(options, 'sppWorkspaceUrl');
      const token = value(options, 'sppToken');
      const lacking: string[] = [];
      if (!baseUrl && !workspaceUrl)
        lacking.push(`${names(vendor, 'sppWorkspaceUrl')} or ${names(vendor, 'sppBaseUrl')}`);
      if (!token) lacking.push(names(vendor, 'sppToken'));
      if (lacking.length > 0) throw missing(vendor, lacking);
      return {
        vendor,
        ...(baseUrl ? { baseUrl } : { workspaceUrl: workspaceUrl! }),
        token: token!,
      };
    }
    case 'omnidesk': {
      const baseUrl = value(options, 'omnideskBaseUrl');
      const account = value(options, 'omnideskAccount');
      const apiKey = value(options, 'omnideskApiKey');
      const lacking: string[] = [];
      if (!baseUrl && !account)
        lacking.push(`${names(vendor, 'omnideskAccount')} or ${names(vendor, 'omnideskBaseUrl')}`);
      if (!apiKey) lacking.push(names(vendor, 'omnideskApiKey'));
      if (lacking.length > 0) throw missing(vendor, lacking);
      return { vendor, ...(baseUrl ? { baseUrl } : { account: account! }), apiKey: apiKey! };
    }
    case 'gameboost': {
      const baseUrl = value(options, 'gameboostBaseUrl');
      const token = value(options, 'gameboostToken');
      if (!token) throw missing(vendor, [names(vendor, 'gameboostToken')]);
      return { vendor, ...(baseUrl ? { baseUrl } : {}), token };
    }
  }
}

/** The credential values of a connection, for scrubbing output. */
export function secretsOf(settings: ConnectionSettings): string[] {
  switch (settings.vendor) {
    case 'mirakl':
      return [settings.auth.type === 'apiKey' ? settings.auth.apiKey : settings.auth.token];
    case 'spp':
    case 'gameboost':
      return [settings.token];
    case 'omnidesk':
      return [settings.apiKey];
  }
}
