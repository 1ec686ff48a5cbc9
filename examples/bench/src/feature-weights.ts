/**
 * What each feature weighs in a facade bundle: the bundle's modules (minified bytes, from esbuild's
 * metafile) summed by the feature they implement. This is the price list a smaller bundle would
 * have to choose from; per module, `largestInputs` in `size.ts` lists the heaviest.
 */

/** A feature and the bundled modules (paths as esbuild's metafile names them) that make it. */
export interface Feature {
  readonly name: string;
  readonly modules: RegExp;
}

/**
 * First match wins, so the catch-alls of each package come last. A module that matches none is
 * counted as `UNCLASSIFIED` (a new dependency): the bench's tests keep that at zero.
 */
export const FEATURES: readonly Feature[] = [
  { name: 'openapi-fetch', modules: /node_modules\/.*openapi-fetch\// },
  {
    name: 'HTML entity decoder and text folding (loaded on demand)',
    modules: /node_modules\/.*entities\/|order-messaging\/dist\/(text-fold|html-decoder)\.js$/,
  },
  { name: 'vendor client (generated tables, factory)', modules: /packages\/[^/]+-client\/dist\// },
  { name: 'vendor adapter', modules: /order-messaging\/dist\/adapters\// },
  {
    name: 'sync, audit and inbox (loaded on demand)',
    modules: /order-messaging\/dist\/sync\//,
  },
  {
    name: 'reconciliation after an ambiguous send',
    modules: /order-messaging\/dist\/reconcile(-after)?\.js$/,
  },
  {
    name: 'typed errors and their mapping',
    modules: /order-messaging\/dist\/(errors|error-mapping)\.js$/,
  },
  {
    name: 'input validation',
    modules:
      /order-messaging\/dist\/(validation|validation-text|request-checks|vendor-options|kit\/values)\.js$/,
  },
  { name: 'rate limiting', modules: /http-runtime\/dist\/rate-limit[^/]*\.js$/ },
  {
    name: 'retries and waits (Retry-After)',
    modules: /http-runtime\/dist\/(fetch-retry|retry-after|retry|fetch-wait)\.js$/,
  },
  {
    name: 'transport-failure classification',
    modules: /http-runtime\/dist\/network-error\.js$/,
  },
  {
    name: 'response body guard (size, slow bodies)',
    modules: /http-runtime\/dist\/(response-body|bytes)\.js$/,
  },
  { name: 'secret redaction', modules: /http-runtime\/dist\/redact\.js$/ },
  {
    name: 'rest of the runtime (fetch pipeline, auth, base URL, multipart, timeouts, logging)',
    modules: /http-runtime\/dist\//,
  },
  {
    name: 'rest of the facade (connections, call context, hooks, downloads, facade object)',
    modules: /order-messaging\/dist\//,
  },
];

export const UNCLASSIFIED = 'unclassified';

export interface FeatureWeight {
  readonly feature: string;
  /** Minified bytes in the bundle (before gzip). */
  readonly bytes: number;
}

/** The features of one bundle, in {@link FEATURES} order, from its metafile's inputs. */
export function weighFeatures(
  inputs: Readonly<Record<string, { readonly bytesInOutput: number }>>,
): FeatureWeight[] {
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    if (bytesInOutput === 0) continue;
    const normalized = input.replace(/\\/g, '/');
    const feature = FEATURES.find((f) => f.modules.test(normalized))?.name ?? UNCLASSIFIED;
    bytes.set(feature, (bytes.get(feature) ?? 0) + bytesInOutput);
  }
  return [...FEATURES.map((f) => f.name), UNCLASSIFIED]
    .filter((feature) => bytes.has(feature))
    .map((feature) => ({ feature, bytes: bytes.get(feature)! }));
}
