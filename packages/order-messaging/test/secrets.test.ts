import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsonResponse } from '@org/http-runtime/testing';
import type { Logger } from '@org/order-messaging';
import {
  adapterFor,
  ORDER,
  recordedFacade,
  SECRETS,
  sendRequestFor,
  sendScript,
  VENDORS,
  type Vendor,
} from './helpers.js';

const ALL_SECRETS = Object.values(SECRETS);

function expectNoSecret(text: string): void {
  for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
}

function printed(value: unknown): string {
  return `${inspect(value, { depth: 10, showHidden: true, getters: true })}\n${JSON.stringify(value) ?? ''}\n${String(value)}`;
}

function recordingLogger() {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  return { logger, lines };
}

const okSend: Record<Vendor, unknown> = {
  mirakl: { message_id: 'm-1', thread_id: 'thread-1' },
  spp: {
    id: 9,
    user_id: 1,
    created_at: '2024-01-01T00:00:00+00:00',
    message: 'x',
    staff_only: false,
    files: [],
    order: { id: 1 },
    ticket: null,
  },
  omnidesk: { type: 'result', message: 'Message has been sent.' },
  gameboost: {
    data: { id: 'g-1', type: 'user_message', text: 'x', sent_at: 1731000000, sender: { id: 1001 } },
  },
};

describe('secrets never leave the credential', () => {
  it('the facade, its connections and adapters print without credentials', () => {
    const { messaging } = recordedFacade();
    expectNoSecret(printed(messaging));
    expect(inspect(messaging)).toContain('mirakl (mirakl)');
    for (const vendor of VENDORS) {
      const adapter = adapterFor(vendor);
      expectNoSecret(printed(adapter));
      expectNoSecret(printed(messaging.connections));
      expectNoSecret(printed(messaging.capabilities(vendor)));
      expectNoSecret(inspect(messaging.raw(vendor), { depth: 5 }));
    }
  });

  it.each(VENDORS)('%s: results and logs of a send carry no credential', async (vendor) => {
    const { logger, lines } = recordingLogger();
    const { messaging, recorder } = recordedFacade(
      sendScript(vendor, () =>
        jsonResponse(vendor === 'spp' || vendor === 'mirakl' ? 201 : 200, okSend[vendor]),
      ),
      { logger },
    );
    const result = await messaging.send(vendor, sendRequestFor(vendor));
    // The credential did go out on the wire...
    const wire = recorder.requests
      .map((r) => `${r.url} ${[...r.headers.values()].join(' ')}`)
      .join('\n');
    expect(wire).toContain(SECRETS[vendor]);
    // ...and nowhere else.
    expectNoSecret(printed(result));
    expectNoSecret(lines.join('\n'));
    expect(lines.length).toBeGreaterThan(0);
  });

  it.each(VENDORS)(
    '%s: a vendor that echoes the credential back does not leak it through the error',
    async (vendor) => {
      const echo = {
        message: `Invalid credential ${SECRETS[vendor]}`,
        status: 'error',
        detail: { Authorization: `Bearer ${SECRETS[vendor]}` },
      };
      const { logger, lines } = recordingLogger();
      const { messaging } = recordedFacade(() => jsonResponse(401, echo), { logger });
      const error = await messaging.send(vendor, sendRequestFor(vendor)).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'authentication' });
      expectNoSecret(printed(error));
      expectNoSecret((error as Error).message);
      expectNoSecret((error as Error).stack ?? '');
      expect(JSON.stringify((error as { body: unknown }).body)).toContain('[REDACTED]');
      expectNoSecret(lines.join('\n'));
    },
  );

  it('Omnidesk puts its key in the query string; transport errors and results never show it', async () => {
    const failing = () => {
      const cause = Object.assign(
        new Error(
          `read ECONNRESET https://acme.omnidesk.com/api/v2/ticket/12345?apiKey=${SECRETS.omnidesk}`,
        ),
        { code: 'ECONNRESET' },
      );
      throw new TypeError('fetch failed', { cause });
    };
    const { logger, lines } = recordingLogger();
    const { messaging } = recordedFacade(failing, { logger });
    const error = await messaging
      .listAll('omnidesk', { orderId: ORDER.omnidesk })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network' });
    expectNoSecret(printed(error));
    expectNoSecret(inspect((error as Error).cause));
    expectNoSecret(lines.join('\n'));
  });
});
