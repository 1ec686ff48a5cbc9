/**
 * Settings that would quietly switch a guard off are refused before anything is sent: the
 * facade's `reconcile` when it is created (a `NaN` `maxResends` never stops resending, a `NaN`
 * `clockSkewMs` never finds the stored message), a call's settings as a typed ValidationError
 * naming the setting (a timeout past the timer's range fires after 1 ms, a string adds to a time).
 */
import { jsonResponse } from '@org/http-runtime/testing';
import {
  ConfigurationError,
  createOrderMessaging,
  isOrderMessagingError,
  ValidationError,
} from '@org/order-messaging';
import { describe, expect, it } from 'vitest';
import { adapterFor, recordedFacade, sendRequestFor, sendScript } from './helpers.js';

function creationError(reconcile: unknown): unknown {
  try {
    createOrderMessaging({
      connections: { spp: adapterFor('spp') },
      reconcile: reconcile as never,
    });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('reconcile settings are checked when the facade is created', () => {
  it.each([
    ['maxResends', Number.NaN],
    ['maxResends', -1],
    ['maxResends', 1.5],
    ['maxResends', '1'],
    ['maxResends', Number.POSITIVE_INFINITY],
    ['clockSkewMs', Number.NaN],
    ['clockSkewMs', -5],
    ['settleDelayMs', Number.POSITIVE_INFINITY],
    ['settleDelayMs', 2 ** 31],
  ])('reconcile.%s = %s is refused, naming the setting', (key, value) => {
    const error = creationError({ [key]: value });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`reconcile.${key}`);
  });

  it('refuses a setting that does not exist (a typo would leave the default in force)', () => {
    const error = creationError({ maxResend: 1 });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('reconcile.maxResend is not a setting');
  });

  it('refuses a reconcile that is not an object', () => {
    expect(creationError(3)).toBeInstanceOf(ConfigurationError);
  });

  it('keeps the default for an explicit undefined, so resending stays off', async () => {
    expect(creationError({ maxResends: undefined, clockSkewMs: undefined })).toBeUndefined();
    let posts = 0;
    const { messaging, recorder } = recordedFacade(
      sendScript('spp', () => {
        posts += 1;
        return jsonResponse(502, { message: 'bad gateway' });
      }),
      { reconcile: { maxResends: undefined } },
    );
    const error = await messaging.send('spp', sendRequestFor('spp')).catch((e: unknown) => e);
    expect(isOrderMessagingError(error) && error.delivery).toBe('unknown');
    expect(posts).toBe(1);
    expect(recorder.requests.length).toBeGreaterThan(0);
  });
});

describe("a call's settings are checked before the network", () => {
  it.each([
    ['timeoutMs', 0],
    ['timeoutMs', Number.POSITIVE_INFINITY],
    ['timeoutMs', 2 ** 31],
    ['totalTimeoutMs', '100'],
    ['totalTimeoutMs', Number.NaN],
    ['maxResponseBytes', -1],
    ['maxRateLimitWaitMs', -1],
    ['signal', 'x'],
    ['signal', {}],
  ])('settings.%s = %s: a ValidationError naming it, no request', async (key, value) => {
    const { messaging, recorder } = recordedFacade();
    const error = await messaging
      .send('spp', sendRequestFor('spp'), { [key]: value } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(`settings.${key}`);
    expect((error as ValidationError).delivery).toBe('not_sent');
    expect(recorder.requests).toHaveLength(0);
  });

  it('a listing refuses them at its first iteration, typed', async () => {
    const { messaging, recorder } = recordedFacade();
    const error = await messaging
      .listAll('spp', { orderId: sendRequestFor('spp').orderId }, { timeoutMs: -1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('settings.timeoutMs');
    expect(recorder.requests).toHaveLength(0);
  });

  it('settings that are not an object are refused', async () => {
    const { messaging } = recordedFacade();
    const error = await messaging
      .send('spp', sendRequestFor('spp'), 'fast' as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('settings');
  });
});
