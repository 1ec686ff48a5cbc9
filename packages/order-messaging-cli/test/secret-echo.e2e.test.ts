/**
 * A vendor whose error body echoes the credential back, as the `Basic` header it says it got
 * (`Basic base64(user:token)`), base64url-encoded and percent-encoded: the built CLI's stdout and
 * stderr, with and without `--json`, debug logs on, hold neither the token nor any of those forms.
 * The fake tokens hold `+`, `/`, `=`, `?` and `>`, so their base64 and base64url forms differ; the
 * sandbox answers with the scripted fault before it would refuse them.
 */
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { assertBuilt, cleanEnv, runCli, sandboxEnv } from './helpers.js';

type Vendor = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';

const VENDORS: readonly {
  readonly vendor: Vendor;
  readonly tokenEnv: string;
  readonly token: string;
  readonly order: (sb: Sandbox) => string;
}[] = [
  {
    vendor: 'mirakl',
    tokenEnv: 'MIRAKL_API_KEY',
    token: 'FAKE+mirakl/LEAKCANARY=?>',
    order: (sb) => sb.seed.mirakl.orderWithThread,
  },
  {
    vendor: 'spp',
    tokenEnv: 'SPP_TOKEN',
    token: 'FAKE+spp/LEAKCANARY=?>',
    order: (sb) => sb.seed.spp.orderWithFewMessages.number,
  },
  {
    vendor: 'omnidesk',
    tokenEnv: 'OMNIDESK_API_KEY',
    token: 'FAKE+omnidesk/LEAKCANARY=??>',
    order: (sb) => String(sb.seed.omnidesk.ticketWithMessages),
  },
  {
    vendor: 'gameboost',
    tokenEnv: 'GAMEBOOST_TOKEN',
    token: 'FAKE+gameboost/LEAKCANARY=?>',
    order: (sb) => String(sb.seed.gameboost.accountOrders.processing),
  },
];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A 401 body as a vendor that echoes what it received writes it. */
function echoBody(token: string) {
  return {
    message: `Invalid credentials: Authorization: Basic ${b64(`user:${token}`)} (as sent: ${b64url(`user:${token}`)}, key ${b64url(token)})`,
    status: 'error',
    errors: {
      authorization: [`Basic ${b64url(`user:${token}`)}`, `Bearer ${b64url(token)}`],
      received: [b64(token), `apiKey=${encodeURIComponent(token)}`],
    },
    request_id: 'req-echo-basic',
  };
}

/** The forms the token must not show up in. */
function leakForms(token: string): string[] {
  const pair = `user:${token}`;
  return [
    token,
    encodeURIComponent(token),
    b64(pair).replace(/=+$/, ''),
    b64url(pair),
    b64(token).replace(/=+$/, ''),
    b64url(token),
  ];
}

/** Whether a base64 run in the text decodes, at any of its alignments, to text holding the token. */
function leaksBase64(text: string, token: string): boolean {
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let start = 0; start < 4; start++) {
      if (Buffer.from(run.slice(start), 'base64').toString('utf8').includes(token)) return true;
    }
  }
  return false;
}

let sandbox: Sandbox;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ host: '127.0.0.1' });
});
afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox?.close());

describe.each(VENDORS)('$vendor: an error body echoing the credential', (v) => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
  ] as const)(
    'send (%s output): neither stdout nor stderr holds the token in any form',
    async (_mode, extra) => {
      // Every request of the vendor, the send and any check after it.
      sandbox.faults.inject({
        vendor: v.vendor,
        status: 401,
        body: echoBody(v.token),
        times: Number.POSITIVE_INFINITY,
      });
      const env = cleanEnv({
        ...sandboxEnv(sandbox),
        [v.tokenEnv]: v.token,
        ORDER_MESSAGING_LOG: 'debug',
      });
      const args = [
        'send',
        '--vendor',
        v.vendor,
        '--order',
        v.order(sandbox),
        '--text',
        'echo this message',
      ];
      const result = await runCli([...args, ...extra], env);

      expect(result.code, result.stderr).not.toBe(EXIT_CODES.ok);
      // The vendor's answer did reach the output, scrubbed.
      expect(`${result.stdout}\n${result.stderr}`).toContain('Invalid credentials');
      expect(b64(`user:${v.token}`)).not.toBe(b64url(`user:${v.token}`));
      for (const [stream, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ] as const) {
        for (const form of leakForms(v.token)) {
          expect(text.includes(form), `${stream} holds the token as ${form}`).toBe(false);
        }
        expect(leaksBase64(text, v.token), `${stream} holds the token base64-encoded`).toBe(false);
      }
    },
  );
});
