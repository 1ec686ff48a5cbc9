/**
 * Property-based tests of the facade's inputs against the sandbox: whatever a caller passes
 * (unicode, empty and huge text, hostile order ids, attachment counts and sizes, audiences,
 * the internal flag, vendor options, values of the wrong type):
 * - every rejection is an `OrderMessagingError` (no TypeError, URIError... escapes);
 * - nothing the vendor's spec forbids reaches the sandbox (it answers 400/422 to such requests,
 *   or routes them nowhere), and ids stay inside the path segment they belong to;
 * - a send that succeeds is stored exactly once;
 * - an ambiguous send (answer lost after the message was stored) is reconciled whatever the text.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import {
  comparableText,
  createOrderMessaging,
  ERROR_KINDS,
  OrderMessagingError,
  type SendRequest,
} from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { mirakl, miraklCapabilities } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';
import { invalidRequestsIn } from './support/fault-matrix/index.js';

type Vendor = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';
const VENDORS: readonly Vendor[] = ['mirakl', 'spp', 'omnidesk', 'gameboost'];
/** Modest by default; `PROPERTY_RUNS=1000 npx vitest run ...` for a longer hunt. */
const RUNS_PER_VENDOR = Number(process.env.PROPERTY_RUNS ?? 60);
const AMBIGUOUS_RUNS_PER_VENDOR = Math.ceil(RUNS_PER_VENDOR / 2.5);

/** The operation storing a message on the orders of `orderOf` (Mirakl: no thread yet, so OR43). */
const SEND_OPERATION: Record<Vendor, string> = {
  mirakl: 'createOrderThread',
  spp: 'createOrderMessage',
  omnidesk: 'createMessage',
  gameboost: 'sendAccountOrderMessage',
};

/** Where each vendor puts the order id in a path; the segment must decode to the caller's id. */
const ORDER_IN_PATH: Record<Vendor, RegExp> = {
  mirakl: /^\/api\/orders\/([^/]+)\/threads$/,
  spp: /^\/api\/order_messages\/([^/]+)$/,
  omnidesk: /^\/ticket\/([^/]+)$/,
  gameboost: /^\/v2\/(?:account|item|currency)-orders\/([^/]+)(?:\/messages)?$/,
};

const MIRAKL_MAX_MESSAGE_BYTES = (miraklCapabilities.attachments as { maxTotalBytes: number })
  .maxTotalBytes;

let sb: Sandbox;
let messaging: ReturnType<typeof facade>;

function facade() {
  const v = sb.vendors;
  return createOrderMessaging({
    connections: {
      mirakl: mirakl({
        baseUrl: v.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: v.mirakl.apiKey },
      }),
      spp: spp({ baseUrl: v.spp.baseUrl, token: v.spp.token }),
      omnidesk: omnidesk({ baseUrl: v.omnidesk.baseUrl, apiKey: v.omnidesk.apiKey }),
      gameboost: {
        adapter: gameboost({ baseUrl: v.gameboost.baseUrl, token: v.gameboost.token }),
        rateLimits: { chat: { limit: 100_000, windowMs: 60_000 } },
      },
    },
    retry: false,
    timeoutMs: 10_000,
    reconcile: { settleDelayMs: 0 },
  });
}

beforeAll(async () => {
  sb = await startSandbox({
    rateLimits: {
      gameboost: {
        chat: { limit: 100_000 },
        writesSameResource: { limit: 100_000 },
        writesSameResourceHourly: { limit: 100_000 },
      },
    },
  });
  messaging = facade();
});
afterAll(() => sb?.close());

// ---------------------------------------------------------------- arbitraries

let sharedBytes: Uint8Array | undefined;
/** Views into one zero-filled buffer: a 30 MB attachment costs no new allocation per run. */
function bytesOf(size: number): Uint8Array {
  if (!sharedBytes || sharedBytes.byteLength < size) sharedBytes = new Uint8Array(size);
  const view = sharedBytes.subarray(0, size);
  // A counterexample prints `bytes(31457279)`, not thirty million zeros.
  Object.defineProperty(view, fc.toStringMethod, { value: () => `bytes(${size})` });
  return view;
}

const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));
const anyCodeUnit = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
);
const unicode = (maxLength: number, minLength = 0) =>
  fc.string({ unit: anyCodeUnit, minLength, maxLength });
const whitespaceUnit = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\u0085',
);

const textArb = fc.oneof(
  { weight: 6, arbitrary: unicode(80) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: whitespaceUnit, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit: whitespaceUnit, maxLength: 3 }),
        unicode(7),
        fc.string({ unit: whitespaceUnit, maxLength: 3 }),
      )
      .map(([before, core, after]) => before + core + after),
  },
  {
    // around GameBoost's 10 000 code points, with astral characters counted once
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(9_999, 10_000, 10_001), fc.constantFrom('x', 'é', '😀', '👩‍👩‍👧'))
      .map(([count, unit]) => unit.repeat(count)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_002, max: 300_000 }).map((n) => 'y'.repeat(n)) },
);

const HOSTILE_IDS = [
  '',
  ' ',
  '.',
  '..',
  '../',
  '../x',
  '/',
  'a/b',
  '?',
  '?x=1',
  '#',
  '#top',
  '%',
  '%zz',
  '%2e%2e',
  '%2F',
  '../../admin?x=1#y',
  ' 42',
  '42 ',
  '4\n2',
  '0',
  '007',
  '\u00a0',
  '9007199254740991',
  '9007199254740993',
  '99999999999999999999',
] as const;

function orderIdArb(seeded: readonly string[]) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...seeded) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_IDS) },
    { weight: 3, arbitrary: unicode(20) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 2_000_000_000 }).map(String) },
    { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String) },
    { weight: 1, arbitrary: fc.integer({ min: 250, max: 400 }).map((n) => '7'.repeat(n)) },
    { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
  );
}

const sizeArb = fc.oneof(
  { weight: 40, arbitrary: fc.nat(2048) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      MIRAKL_MAX_MESSAGE_BYTES - 64,
      MIRAKL_MAX_MESSAGE_BYTES - 1,
      MIRAKL_MAX_MESSAGE_BYTES,
      MIRAKL_MAX_MESSAGE_BYTES + 1,
    ),
  },
);

const attachmentArb = (size: fc.Arbitrary<number>) =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .record({
          filename: fc.oneof(
            fc.constantFrom('label.pdf', 'a b.txt', '../../etc/passwd', 'ünïcødé.png', '', '  '),
            unicode(30),
          ),
          size,
          contentType: fc.option(fc.constantFrom('application/pdf', 'text/plain', 'image/png'), {
            nil: undefined,
          }),
        })
        .map(({ filename, size: bytes, contentType }) => ({
          filename,
          data: bytesOf(bytes),
          ...(contentType ? { contentType } : {}),
        })),
    },
    { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
  );

const attachmentsArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.array(attachmentArb(sizeArb), { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 48, max: 52 })
      .chain((n) => fc.array(attachmentArb(fc.nat(64)), { minLength: n, maxLength: n })),
  },
  { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
);

const audienceArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('customer', 'seller', 'operator') },
        { weight: 1, arbitrary: fc.string() },
        { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
      ),
      { maxLength: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
);

const internalArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.anything({ withBigInt: true }) },
);

/** An optional field: mostly absent, else a value of `arbitrary`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, weight = 1) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight, arbitrary });

const VENDOR_OPTION_KEYS = new Set(['subject', 'threadId', 'channel', 'orderKind']);

/**
 * Drops the fields left undefined, as a caller writing an object literal would, and puts the
 * vendor options under `vendorOptions[owner]` (the connection's vendor, or another one).
 */
function compact(fields: Record<string, unknown>, owner?: string): SendRequest {
  const out: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === 'optionsOwner') continue;
    if (owner !== undefined && VENDOR_OPTION_KEYS.has(key)) options[key] = value;
    else out[key] = value;
  }
  if (owner !== undefined && Object.keys(options).length > 0) {
    out['vendorOptions'] = { [owner]: options };
  }
  return out as unknown as SendRequest;
}

/**
 * Requests a caller of this vendor would plausibly write: only fields the vendor honours, with
 * arbitrary values (text, ids, sizes, counts) so that many runs reach the sandbox.
 */
function plausibleRequestArb(vendor: Vendor) {
  const seed = sb.seed;
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => sometimes(arbitrary, 3);
  const validAttachments = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.array(attachmentArb(sizeArb).filter(isAttachment), { maxLength: 3 }),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 48, max: 52 })
        .chain((n) =>
          fc.array(attachmentArb(fc.nat(64)).filter(isAttachment), { minLength: n, maxLength: n }),
        ),
    },
  );
  const id = (...seeded: string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...seeded) },
      { weight: 2, arbitrary: orderIdArb(seeded) },
    );
  switch (vendor) {
    case 'mirakl':
      return fc
        .record({
          // No thread yet (nothing counts against the 50 attachments per order), and one with a thread.
          orderId: id(seed.mirakl.orderWithoutThread, seed.mirakl.orderWithThread),
          text: textArb,
          audience: optional(fc.subarray(['customer', 'seller', 'operator'] as const)),
          attachments: optional(validAttachments),
          subject: optional(unicode(40, 1)),
          threadId: sometimes(fc.oneof(fc.constant(seed.mirakl.threadId), unicode(12))),
        })
        .map((fields) => compact(fields, vendor));
    case 'spp':
      return fc
        .record({
          orderId: id(seed.spp.orderWithFewMessages.number, seed.spp.orderWithFewMessages.id),
          text: textArb,
          internal: optional(fc.boolean()),
          attachments: optional(validAttachments),
        })
        .map((fields) => compact(fields, vendor));
    case 'omnidesk':
      return fc
        .record({
          orderId: id(
            String(seed.omnidesk.ticketWithMessages),
            String(seed.omnidesk.ticketWithOneMessage),
          ),
          text: textArb,
          internal: optional(fc.boolean()),
          channel: sometimes(
            fc.oneof(fc.constantFrom('1', '3', 'calllog', 'contactform'), unicode(4)),
          ),
        })
        .map((fields) => compact(fields, vendor));
    case 'gameboost':
      // Only orders in processing: the others are refused by a business rule, not by the spec.
      return fc
        .record({
          order: fc.constantFrom(
            { orderId: seed.gameboost.accountOrders.processing, orderKind: 'account' as const },
            { orderId: seed.gameboost.itemOrders.processing, orderKind: 'item' as const },
            { orderId: seed.gameboost.currencyOrders.processing, orderKind: 'currency' as const },
          ),
          otherId: sometimes(orderIdArb([seed.gameboost.accountOrders.processing])),
          text: textArb,
          audience: optional(fc.constant(['customer' as const])),
        })
        .map(({ order, otherId, text, audience }) =>
          compact(
            {
              orderId: otherId ?? order.orderId,
              orderKind:
                order.orderKind === 'account' && otherId === undefined
                  ? undefined
                  : order.orderKind,
              text,
              audience,
            },
            vendor,
          ),
        );
  }
}

function isAttachment(value: unknown): value is { filename: string; data: Uint8Array } {
  return typeof value === 'object' && value !== null && 'data' in value && 'filename' in value;
}

/** Anything a JavaScript caller could pass: every field, of any type, for any vendor. */
function wildRequestArb(vendor: Vendor) {
  const own = (v: Vendor) => (v === vendor ? 3 : 1);
  return fc.oneof(
    {
      weight: 40,
      arbitrary: fc
        .record({
          orderId: orderIdArb([orderOf(vendor)]),
          text: fc.oneof(
            { weight: 12, arbitrary: textArb },
            { weight: 1, arbitrary: fc.anything() },
          ),
          audience: audienceArb,
          internal: internalArb,
          attachments: attachmentsArb,
          subject: sometimes(fc.oneof(unicode(40), fc.anything()), own('mirakl')),
          threadId: sometimes(
            fc.oneof(fc.constantFrom(...HOSTILE_IDS), unicode(12)),
            own('mirakl'),
          ),
          channel: sometimes(
            fc.oneof(fc.constantFrom('1', '0', 'email', '', '1 '), unicode(4), fc.anything()),
            own('omnidesk'),
          ),
          orderKind: sometimes(
            fc.oneof(fc.constantFrom('account', 'item', 'currency', 'gift'), fc.anything()),
            own('gameboost') * 2,
          ),
          // Mostly the connection's own vendor; sometimes options meant for another one.
          optionsOwner: fc.oneof(
            { weight: 6, arbitrary: fc.constant(vendor) },
            { weight: 1, arbitrary: fc.constantFrom(...VENDORS) },
          ),
        })
        .map((fields) => compact(fields, fields.optionsOwner)),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'text', 42) as fc.Arbitrary<never> },
  );
}

function requestArb(vendor: Vendor): fc.Arbitrary<SendRequest> {
  return fc.oneof(
    { weight: 2, arbitrary: plausibleRequestArb(vendor) },
    { weight: 1, arbitrary: wildRequestArb(vendor) },
  );
}

// ---------------------------------------------------------------- checks

function storedMatching(vendor: Vendor, text: string): number {
  const wanted = comparableText(text);
  return sb.state.messages(vendor).filter((m) => comparableText(m.text) === wanted).length;
}

/** Mirakl keeps at most 50 attachments per order: a state the caller must know, not a spec rule. */
function overOrderAttachmentLimit(vendor: Vendor, request: SendRequest): boolean {
  if (vendor !== 'mirakl' || !request || !Array.isArray(request.attachments)) return false;
  const existing = sb.state
    .messages('mirakl', request.orderId)
    .reduce((sum, m) => sum + (m.attachments?.length ?? 0), 0);
  return existing + request.attachments.length > 50;
}

/** How the runs of a property ended, so a property that never reaches the vendor fails. */
interface Tally {
  sent: number;
  refusedUpFront: number;
  refusedByVendor: number;
}

async function sendAndCheck(vendor: Vendor, request: SendRequest, tally: Tally): Promise<void> {
  sb.reset();
  fc.pre(!overOrderAttachmentLimit(vendor, request));
  const text = request && typeof request === 'object' ? request.text : undefined;
  const before = typeof text === 'string' ? storedMatching(vendor, text) : 0;

  let error: unknown;
  let sent = false;
  try {
    await messaging.send(vendor, request);
    sent = true;
  } catch (caught) {
    error = caught;
  }
  const log = sb.state.requests.filter((entry) => entry.vendor === vendor);

  if (!sent) {
    // No untyped exception: a typed error with a known kind and delivery.
    expect(error).toBeInstanceOf(OrderMessagingError);
    const typed = error as OrderMessagingError;
    if (log.length === 0) tally.refusedUpFront += 1;
    else tally.refusedByVendor += 1;
    expect(ERROR_KINDS).toContain(typed.kind);
    expect(['not_sent', 'rejected', 'unknown']).toContain(typed.delivery);
    expect(typed.message).not.toBe('');
    if (typed.kind === 'validation' && typed.delivery === 'not_sent') {
      expect(log, 'validated before the network: nothing sent').toEqual([]);
    }
    // Nothing here is ambiguous: no fault was injected.
    expect(typed.delivery).not.toBe('unknown');
  } else {
    tally.sent += 1;
    // Stored exactly once.
    expect(storedMatching(vendor, text as string) - before).toBe(1);
  }

  // Nothing the spec forbids reached the sandbox, and nothing fell off its route.
  expect(invalidRequestsIn(log)).toEqual([]);
  for (const entry of log) {
    const match = ORDER_IN_PATH[vendor].exec(entry.path);
    if (match) expect(decodeURIComponent(match[1]!), entry.path).toBe(request.orderId);
  }
}

describe.each(VENDORS)('%s: arbitrary inputs', (vendor) => {
  it('reject with typed errors only, and never send the sandbox a request its spec forbids', async () => {
    const examples: SendRequest[] = [
      // lone surrogates cannot be percent-encoded
      { orderId: '\ud800', text: 'hello there' },
      { orderId: '9007199254740993', text: 'hello there' },
      { orderId: String(orderOf(vendor)), text: 'hello there', audience: [1n as never] },
      {
        orderId: String(orderOf(vendor)),
        text: 'hello there',
        vendorOptions: { [vendor]: { orderKind: 7n as never } },
      },
      {
        orderId: String(orderOf(vendor)),
        text: 'hi there',
        attachments: [{ filename: 'big.bin', data: bytesOf(MIRAKL_MAX_MESSAGE_BYTES - 1) }],
      },
      // an order the vendor does not know: refused by the vendor (404), not by the facade
      { orderId: '123456789', text: 'hello there' },
      null as never,
      'text' as never,
    ];
    // Mirakl's 30 MB per message counts the text as well.
    if (vendor === 'mirakl') {
      examples.push({
        orderId: orderOf(vendor),
        text: 'é'.repeat(MIRAKL_MAX_MESSAGE_BYTES / 2 + 1),
      });
    }
    const tally: Tally = { sent: 0, refusedUpFront: 0, refusedByVendor: 0 };
    await fc.assert(
      fc.asyncProperty(requestArb(vendor), (request) => sendAndCheck(vendor, request, tally)),
      { numRuns: RUNS_PER_VENDOR, examples: examples.map((e) => [e]) },
    );
    expect(sb.responseViolations).toEqual([]);
    // The inputs reach every branch: sent, refused by validation, refused by the vendor (404).
    expect(tally.sent, JSON.stringify(tally)).toBeGreaterThanOrEqual(3);
    expect(tally.refusedUpFront, JSON.stringify(tally)).toBeGreaterThanOrEqual(5);
    expect(tally.refusedByVendor, JSON.stringify(tally)).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

function orderOf(vendor: Vendor): string {
  switch (vendor) {
    case 'mirakl':
      return sb.seed.mirakl.orderWithoutThread;
    case 'spp':
      return sb.seed.spp.orderWithFewMessages.number;
    case 'omnidesk':
      return String(sb.seed.omnidesk.ticketWithMessages);
    case 'gameboost':
      return sb.seed.gameboost.accountOrders.processing;
  }
}

describe('arbitrary connection names', () => {
  it('are refused with a ValidationError before anything is sent', async () => {
    const known = new Set<unknown>(VENDORS);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), unicode(12), fc.anything({ withBigInt: true })),
        async (name) => {
          fc.pre(!known.has(name));
          sb.reset();
          const error = await messaging
            .send(name as Vendor, { orderId: '1', text: 'hello there' })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(OrderMessagingError);
          expect(error).toMatchObject({
            kind: 'validation',
            field: 'connection',
            delivery: 'not_sent',
          });
          const listing = await messaging
            .listAll(name as Vendor, { orderId: '1' })
            .catch((e: unknown) => e);
          expect(listing).toMatchObject({ kind: 'validation', field: 'connection' });
          expect(sb.state.requests).toEqual([]);
        },
      ),
      { numRuns: 50, examples: [[10n], ['spp ']] },
    );
  });
});

describe.each(VENDORS)('%s: ambiguous sends', (vendor) => {
  it('an answer lost after the message was stored is reconciled, whatever the text', async () => {
    const examples = ['\ud83d hello', 'line one\nline two', '<b>bold</b> &amp; more', '  padded  '];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: unicode(60, 5) },
          { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 5, maxLength: 40 }) },
          {
            weight: 1,
            arbitrary: fc
              .array(
                fc.constantFrom(
                  '<p>',
                  '</p>',
                  '<br>',
                  '&amp;',
                  '&lt;',
                  '\n',
                  ' ',
                  'word',
                  '<',
                  '>',
                ),
                {
                  minLength: 3,
                  maxLength: 12,
                },
              )
              .map((parts) => `msg ${parts.join('')}`),
          },
        ),
        async (text) => {
          sb.reset();
          const request = { orderId: orderOf(vendor), text };
          const before = storedMatching(vendor, text);
          sb.faults.inject({ vendor, operationId: SEND_OPERATION[vendor], drop: 'after-apply' });
          const outcome = await messaging.send(vendor, request).then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) {
            // Only input the facade refuses up front may fail, and then nothing was posted.
            expect(outcome.error).toMatchObject({ kind: 'validation', delivery: 'not_sent' });
            sb.faults.clear();
            fc.pre(false);
            return;
          }
          expect(outcome.result.reconciled).toBe(true);
          expect(outcome.result.attempts).toBe(1);
          expect(storedMatching(vendor, text) - before).toBe(1);
        },
      ),
      { numRuns: AMBIGUOUS_RUNS_PER_VENDOR, examples: examples.map((e) => [e]) },
    );
  });
});
