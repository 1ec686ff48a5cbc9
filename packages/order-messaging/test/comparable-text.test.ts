/**
 * `comparableText`: what reconciliation compares after an ambiguous send. A vendor may store the
 * text we sent HTML-escaped (named, decimal or hex entities), wrapped in markup (`<p>`, `<br>` for
 * newlines), Unicode-normalised or with its whitespace reflowed; the stored copy must still be
 * recognised, or the message is sent twice. And two texts a reader tells apart must never match,
 * or a message is taken for sent when it is not.
 */
import fc from 'fast-check';
import { encodeHTML } from 'entities';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { comparableText, createOrderMessaging } from '@org/order-messaging';
import {
  comparableText as kitComparableText,
  sentMatcher,
  type OrderMessage,
} from '@org/order-messaging/adapter-kit';
import { gameboost } from '@org/order-messaging/gameboost';
import { spp } from '@org/order-messaging/spp';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

type Escape = 'none' | 'specialchars' | 'named' | 'decimal' | 'hex';
type Normalization = 'none' | 'NFC' | 'NFD';

interface VendorTransform {
  normalization: Normalization;
  reflow: readonly string[] | null;
  escape: Escape;
  wrap: boolean;
}

/** PHP's `htmlspecialchars` (Laravel's `e()`): the five specials, `'` as `&#039;`. */
function htmlspecialchars(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );
}

/**
 * Every character as a numeric reference, except those HTML decodes to something else
 * (NUL and C1 controls: the Windows-1252 table); a vendor's encoder leaves those alone.
 */
function numeric(text: string, radix: 10 | 16): string {
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (cp === 0 || (cp >= 0x80 && cp <= 0x9f)) out += c;
    else out += radix === 16 ? `&#x${cp.toString(16)};` : `&#${cp};`;
  }
  return out;
}

function escape(text: string, how: Escape): string {
  switch (how) {
    case 'none':
      return text;
    case 'specialchars':
      return htmlspecialchars(text);
    case 'named':
      // Named where HTML has a name (`&eacute;`), else hex; NUL and C1 controls as for `numeric`.
      return text
        .split(/([\0\x80-\x9f])/)
        .map((part, i) => (i % 2 ? part : encodeHTML(part)))
        .join('');
    case 'decimal':
      return numeric(text, 10);
    case 'hex':
      return numeric(text, 16);
  }
}

/** Replaces each whitespace run by the next of `runs`, and pads both ends. */
function reflow(text: string, runs: readonly string[]): string {
  let i = 0;
  const next = () => runs[i++ % runs.length]!;
  return `${next()}${text.replace(/\s+/g, next)}${next()}`;
}

/** What the vendor stores for `text`. Markup is only ever wrapped around escaped text. */
function store(text: string, t: VendorTransform): string {
  let stored = t.normalization === 'none' ? text : text.normalize(t.normalization);
  if (t.reflow) stored = reflow(stored, t.reflow);
  stored = escape(stored, t.wrap && t.escape === 'none' ? 'specialchars' : t.escape);
  if (t.wrap) stored = `<p>${stored.replace(/\r?\n/g, '<br />\n')}</p>`;
  return stored;
}

const vendorTransform: fc.Arbitrary<VendorTransform> = fc.record({
  normalization: fc.constantFrom<Normalization>('none', 'NFC', 'NFD'),
  reflow: fc.option(
    fc.array(fc.constantFrom(' ', '  ', '\n', '\r\n', '\t', '\u00a0', ' \n '), {
      minLength: 1,
      maxLength: 4,
    }),
    { nil: null },
  ),
  escape: fc.constantFrom<Escape>('none', 'specialchars', 'named', 'decimal', 'hex'),
  wrap: fc.boolean(),
});

/**
 * Text a caller may send: any code point (lone surrogates included), plus pieces that look like
 * markup and entities, combining marks and the characters NFC/NFD map to ASCII (U+037E `;`,
 * U+212A `K`, U+1FEF `` ` ``). Not U+0338: it composes with a preceding `>` (`≯`), so a vendor that
 * both wraps and normalises a line starting with it changes the markup itself.
 */
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
  fc.constantFrom(
    '&',
    '&amp;',
    '&lt;b&gt;',
    '&#39;',
    '&eacute;',
    '&amp',
    'amp;',
    ';',
    '#',
    '<',
    '>',
    '<b>',
    '</p>',
    '<br>',
    '<li>',
    '<!-- x -->',
    '"',
    "'",
    ' ',
    '\n',
    '\t',
    '\u00a0',
    'e\u0301',
    'é',
    '\u037e',
    '\u212a',
    '\u1fef',
    '\ud800',
    '\udfff',
    '\u0080',
    'x',
  ),
);
const sentText = fc
  .array(piece, { maxLength: 12 })
  .map((pieces) => pieces.join(''))
  .filter((text) => !text.includes('\u0338'));

describe('comparableText', () => {
  it('is the one function: the facade and the adapter kit export the same', () => {
    expect(kitComparableText).toBe(comparableText);
  });

  it.each([
    ["It's fine", 'It&#039;s fine'],
    ["It's fine", 'It&#39;s fine'],
    ["It's fine", 'It&#x27;s fine'],
    ["It's fine", 'It&apos;s fine'],
    ['Café déjà vu', 'Caf&eacute; d&eacute;j&agrave; vu'],
    ['Café', 'Cafe\u0301'],
    ['a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['Hello\nworld', '<p>Hello<br>world</p>'],
    ['Hello\nworld', '<p>Hello</p><p>world</p>'],
    ['Hello\nworld', '<div>Hello</div><div>world</div>'],
    ['Steps:\n- one\n- two', '<p>Steps:</p><ul><li>- one</li><li>- two</li></ul>'],
    ['Hello  world', ' Hello\r\n\tworld \n'],
    ['"quoted"', '&quot;quoted&quot;'],
    ['5 € only', '5&nbsp;&euro;&#160;only'],
    ['Tom & Jerry', 'Tom &amp;amp; Jerry'],
  ])('%j is recognised stored as %j', (sent, stored) => {
    expect(comparableText(stored)).toBe(comparableText(sent));
  });

  it.each([
    ['ﬁle', 'file'],
    ['x²', 'x2'],
    ['Café', 'Cafe'],
    ["It's", 'Its'],
    ['a & b', 'a &amp; c'],
  ])('%j and %j stay apart', (a, b) => {
    expect(comparableText(a)).not.toBe(comparableText(b));
  });

  it('is linear on deeply nested entities', () => {
    const nested = `&${'amp;'.repeat(200_000)}`;
    const started = performance.now();
    comparableText(nested);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('property: whatever the vendor does to a text, the stored copy matches the text sent', () => {
    fc.assert(
      fc.property(sentText, vendorTransform, (text, transform) => {
        expect(comparableText(store(text, transform))).toBe(comparableText(text));
      }),
      { numRuns: RUNS },
    );
  });

  /** A visible character: a letter, digit, punctuation or symbol, never markup. */
  const visible = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
    .filter((c) => /^[\p{L}\p{N}\p{P}\p{S}]/u.test(c) && !/[&<>;]/.test(c));
  /** Plain text: no markup or entities, so what it displays is what it is. */
  const plain = fc
    .array(fc.oneof(visible, fc.constantFrom(' ', '\n', '\t', '\u00a0', '\u0301')), {
      maxLength: 10,
    })
    .map((pieces) => pieces.join(''));

  it('property: two texts that differ as displayed text never match, however either is stored', () => {
    fc.assert(
      fc.property(
        plain,
        visible,
        visible,
        plain,
        vendorTransform,
        (prefix, c1, c2, suffix, transform) => {
          const sent = `${prefix}${c1}${suffix}`;
          const other = `${prefix}${c2}${suffix}`;
          // Different characters, not two spellings of the same one (`é` and `e` + U+0301).
          fc.pre(sent.normalize('NFC') !== other.normalize('NFC'));
          expect(comparableText(store(other, transform))).not.toBe(comparableText(sent));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('sentMatcher', () => {
  const stored = (text: string): OrderMessage => ({
    vendor: 'spp',
    connection: 'spp',
    raw: {},
    id: '1',
    orderId: 'o-1',
    text,
    author: { kind: 'staff' },
    sentAt: new Date('2026-01-02T00:00:00Z'),
    attachments: [],
    internal: false,
  });
  const probe = {
    request: { orderId: 'o-1', text: 'Caf\u00e9 <ok>' },
    notBefore: new Date('2026-01-01T00:00:00Z'),
  };

  it('matches a text stored exactly as sent without folding, and folds the sent text once', () => {
    const folded: string[] = [];
    const counting = (text: string) => {
      folded.push(text);
      return comparableText(text);
    };
    const matches = sentMatcher(counting, probe);
    expect(matches(stored('Caf\u00e9 <ok>'))).toBe(true);
    expect(folded).toEqual([]);
    expect(matches(stored('Caf&eacute; &lt;ok&gt;'))).toBe(true);
    expect(matches(stored('Caf&eacute; &lt;ok&gt;'))).toBe(true);
    expect(matches(stored('Cafe <ok>'))).toBe(false);
    expect(folded.filter((text) => text === probe.request.text)).toHaveLength(1);
  });
});

describe('an ambiguous send the vendor stored HTML-escaped (sandbox)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimits: { gameboost: { chat: { limit: 1000 } } } });
  });
  afterAll(() => sb.close());
  beforeEach(() => sb.reset());

  const TEXT = 'It\'s <fine> & "déjà vu"\nsecond line';
  const STORED =
    '<p>It&#039;s &lt;fine&gt; &amp; &quot;d&eacute;j&agrave; vu&quot;<br />second line</p>';

  /** Rewrites the message the sandbox just stored as the vendor's HTML, before any listing. */
  function escapeStored(vendor: 'spp' | 'gameboost'): number {
    let rewritten = 0;
    if (vendor === 'spp') {
      const state = sb.state.raw('spp') as { messages: { message: string }[] };
      for (const m of state.messages.filter((m) => m.message === TEXT)) {
        m.message = STORED;
        rewritten++;
      }
    } else {
      const state = sb.state.raw('gameboost') as {
        orders: Map<string, { messages: { text: string }[] }>;
      };
      for (const order of state.orders.values()) {
        for (const m of order.messages.filter((m) => m.text === TEXT)) {
          m.text = STORED;
          rewritten++;
        }
      }
    }
    return rewritten;
  }

  it.each([
    ['spp', 'createOrderMessage'],
    ['gameboost', 'sendAccountOrderMessage'],
  ] as const)(
    '%s: answer lost after the message was stored escaped: found by listing, not sent again',
    async (vendor, operationId) => {
      sb.faults.inject({ vendor, operationId, drop: 'after-apply' });
      let rewritten = 0;
      const escapingFetch = async (request: Request): Promise<Response> => {
        try {
          return await fetch(request);
        } finally {
          if (request.method === 'POST') rewritten += escapeStored(vendor);
        }
      };
      const v = sb.vendors;
      const messaging = createOrderMessaging({
        connections: {
          spp: spp({ baseUrl: v.spp.baseUrl, token: v.spp.token }),
          gameboost: {
            adapter: gameboost({ baseUrl: v.gameboost.baseUrl, token: v.gameboost.token }),
            rateLimits: { chat: { limit: 1000, windowMs: 60_000 } },
          },
        },
        retry: false,
        fetch: escapingFetch,
        reconcile: { settleDelayMs: 0 },
      });
      const orderId =
        vendor === 'spp'
          ? sb.seed.spp.orderWithFewMessages.number
          : sb.seed.gameboost.accountOrders.processing;

      const result = await messaging.send(vendor, { orderId, text: TEXT });

      expect(rewritten).toBe(1);
      expect(result).toMatchObject({ reconciled: true, attempts: 1 });
      const posts = sb.state.requests.filter(
        (r) => r.vendor === vendor && r.operationId === operationId,
      );
      expect(posts).toHaveLength(1);
      const storedOrderId = vendor === 'spp' ? sb.seed.spp.orderWithFewMessages.id : orderId;
      expect(
        sb.state.messages(vendor, storedOrderId).filter((m) => m.text === STORED),
      ).toHaveLength(1);
    },
  );
});
