import { describe, expect, it } from 'vitest';
import { FEATURES, UNCLASSIFIED, weighFeatures } from '../src/feature-weights.js';
import { bundleInputs, missingFiles, sizeChecks } from '../src/size.js';

const feature = (fragment: string) => FEATURES.find((f) => f.name.includes(fragment))!.name;

describe('weighFeatures', () => {
  it('sums modules by the first feature that claims them, the catch-alls last', () => {
    const weights = weighFeatures({
      '../../node_modules/.pnpm/openapi-fetch@0.17.0/node_modules/openapi-fetch/dist/index.mjs': {
        bytesInOutput: 100,
      },
      '../../packages/http-runtime/dist/rate-limit.js': { bytesInOutput: 10 },
      '../../packages/http-runtime/dist/rate-limit-windows.js': { bytesInOutput: 5 },
      '../../packages/http-runtime/dist/fetch-send.js': { bytesInOutput: 7 },
      '../../packages/order-messaging/dist/adapters/spp/changes.js': { bytesInOutput: 3 },
      'C:\\repo\\packages\\order-messaging\\dist\\sync\\scan.js': { bytesInOutput: 4 },
      '../../packages/order-messaging/dist/hooks.js': { bytesInOutput: 0 },
    });
    expect(weights).toEqual([
      { feature: 'openapi-fetch', bytes: 100 },
      { feature: feature('vendor adapter'), bytes: 3 },
      { feature: feature('sync, audit'), bytes: 4 },
      { feature: feature('rate limiting'), bytes: 15 },
      { feature: feature('rest of the runtime'), bytes: 7 },
    ]);
  });

  it('names what no feature claims, last', () => {
    expect(weighFeatures({ 'node_modules/left-pad/index.js': { bytesInOutput: 9 } })).toEqual([
      { feature: UNCLASSIFIED, bytes: 9 },
    ]);
  });
});

// Needs the built packages (the README's test command builds first).
describe('the facade bundles', () => {
  const checks = sizeChecks().filter((check) => check.name.startsWith('facade + '));

  it('has one bundle per vendor to weigh', () => {
    expect(checks.length).toBe(4);
    for (const check of checks) expect(missingFiles(check)).toEqual([]);
  });

  it.each(checks.map((check) => [check.name, check] as const))(
    '%s: every module belongs to a named feature',
    async (_name, check) => {
      const weights = weighFeatures(await bundleInputs(check));
      expect(weights.find((w) => w.feature === UNCLASSIFIED)).toBeUndefined();
      // The specific features still match the built file names (a rename would move them into a
      // catch-all and the table would understate them).
      for (const name of [
        'openapi-fetch',
        feature('entity decoder'),
        feature('vendor client'),
        feature('vendor adapter'),
        feature('sync, audit'),
        feature('typed errors'),
        feature('input validation'),
        feature('rate limiting'),
        feature('retries'),
        feature('transport-failure'),
        feature('body guard'),
        feature('secret redaction'),
      ]) {
        expect(weights.find((w) => w.feature === name)?.bytes ?? 0, name).toBeGreaterThan(0);
      }
    },
  );
});
