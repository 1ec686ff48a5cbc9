/**
 * The scrubber removes a secret's base64 and base64url encodings too: alone, padded or not, as a
 * `Basic` credential's user or password, and anywhere inside a longer encoded string. The
 * encodings are computed here with `Buffer`, and leaks are searched by decoding every base64 run
 * of the output at every alignment, so the test does not share the scrubber's algorithm.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactRequestUrl, redactUrl, scrubSecrets, scrubValue } from '../src/redact.js';
import { scrubbingLogger, type Logger } from '../src/index.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const unpadded = (text: string) => b64(text).replace(/=+$/, '');

const SECRETS = [
  'tok_live_9f8e7d6c5b4a', // 20 bytes
  'FAKE+key/LEAKCANARY=7d1c9a3b', // base64-looking, with `+`, `/`, `=`
  'abcdefgh', // the minimum length
  'clé-secrète-ünïcødé', // multi-byte UTF-8
];

/** Every encoding of the secret a vendor may echo, named. */
function encodings(secret: string): Record<string, string> {
  const forms: Record<string, string> = {
    'base64(secret)': b64(secret),
    'base64(secret) unpadded': unpadded(secret),
    'base64url(secret)': b64url(secret),
    'base64(":" + secret)': b64(`:${secret}`),
    'base64url(":" + secret)': b64url(`:${secret}`),
    'base64(secret + ":")': b64(`${secret}:`),
    'base64url(secret + ":")': b64url(`${secret}:`),
  };
  // As the password after users of each length modulo 3, and as the user before a password.
  for (const user of ['u', 'us', 'usr', 'merchant-42']) {
    forms[`base64("${user}:" + secret)`] = b64(`${user}:${secret}`);
    forms[`base64url("${user}:" + secret)`] = b64url(`${user}:${secret}`);
    forms[`base64(secret + ":${user}")`] = b64(`${secret}:${user}`);
  }
  return forms;
}

/** Whether any base64 run in the text decodes, at any of its alignments, to text holding the secret. */
function leaksBase64(text: string, secret: string): boolean {
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{4,}/g)) {
    for (let start = 0; start < 4; start++) {
      const decoded = Buffer.from(run.slice(start), 'base64').toString('utf8');
      if (decoded.includes(secret)) return true;
    }
  }
  return false;
}

describe('base64 forms of a secret', () => {
  describe.each(SECRETS)('%s', (secret) => {
    it.each(Object.entries(encodings(secret)))('%s is replaced in a string', (_name, encoded) => {
      // The oracle itself finds the unscrubbed encoding.
      expect(leaksBase64(`x ${encoded} y`, secret)).toBe(true);
      for (const text of [
        encoded,
        `Authorization: Basic ${encoded}`,
        `{"echo":"${encoded}","next":"ok"}`,
        `refused ${encoded}, then ${encoded}.`,
      ]) {
        const clean = scrubSecrets(text, [secret]);
        expect(clean).toContain(REDACTED);
        expect(clean).not.toContain(encoded);
        expect(leaksBase64(clean, secret), clean).toBe(false);
      }
    });

    it('every form is replaced inside nested values', () => {
      const forms = Object.values(encodings(secret));
      const value = {
        message: `bad credential Basic ${forms[0]}`,
        detail: { echoes: forms.map((form) => ({ seen: `got ${form}` })), count: forms.length },
        list: [[`${forms[3]}`], null, 7, true],
      };
      const clean = scrubValue(value, [secret]);
      const text = JSON.stringify(clean);
      for (const form of forms) expect(text).not.toContain(form);
      expect(leaksBase64(text, secret)).toBe(false);
      expect(clean.detail.count).toBe(forms.length);
      expect(clean.list.slice(1)).toEqual([null, 7, true]);
      expect(clean.detail.echoes).toHaveLength(forms.length);
    });

    it('a scrubbing logger writes none of the forms', () => {
      const lines: string[] = [];
      const sink: Logger = {
        debug: (message, fields) => lines.push(`${message} ${inspect(fields, { depth: 10 })}`),
        info: (message, fields) => lines.push(`${message} ${inspect(fields, { depth: 10 })}`),
        warn: (message, fields) => lines.push(`${message} ${inspect(fields, { depth: 10 })}`),
        error: (message, fields) => lines.push(`${message} ${inspect(fields, { depth: 10 })}`),
      };
      const logger = scrubbingLogger(sink, [secret]);
      for (const form of Object.values(encodings(secret))) {
        logger.error(`vendor said Basic ${form}`, { body: { echo: [form] } });
      }
      const text = lines.join('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const form of Object.values(encodings(secret))) expect(text).not.toContain(form);
      expect(leaksBase64(text, secret)).toBe(false);
    });
  });

  it('leaves unrelated text, and other base64, untouched', () => {
    const secret = 'tok_live_9f8e7d6c5b4a';
    const texts = [
      'The order 1234 was shipped; contact support@example.com.',
      `Basic ${b64('someone:else-entirely')}`,
      `data:image/png;base64,${Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('base64')}`,
      b64('tok_live_9f8e7d6c5b4b'), // differs in the last byte only: not the secret
      'dG9rX2xpdmVf', // base64 of a prefix of the secret
    ];
    for (const text of texts) expect(scrubSecrets(text, [secret])).toBe(text);
    const value = { a: texts, b: { c: texts[1] } };
    expect(scrubValue(value, [secret])).toEqual(value);
  });

  it('a short secret does not blank random text', () => {
    // Raw short secrets (4+ characters) are still removed; their base64 forms are not searched,
    // since a few base64 characters turn up by chance in any encoded blob.
    const secret = 'abc123x';
    expect(scrubSecrets(`key ${secret}`, [secret])).toBe(`key ${REDACTED}`);
    const blob = Array.from({ length: 64 }, (_, i) =>
      b64(`${'#'.repeat(i % 3)}${secret}${'-'.repeat(i % 5)}${i}`),
    ).join(' ');
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)).toString(
      'base64',
    );
    for (const text of [blob, random, 'YWJjMTIzeA Basic YWJj abc12']) {
      expect(scrubSecrets(text, [secret])).toBe(text);
    }
  });
});

describe('redactRequestUrl', () => {
  const urls = [
    'https://shop.test/api/orders/1/messages',
    'https://shop.test/api/threads/t1/message?shop_id=2001',
    'https://shop.test/api/threads?shop_id=2001&monkey=1&keys=2&token_type=x',
    'https://shop.test/api/x?apiKey=s3cret',
    'https://shop.test/api/x?APIKEY=s3cret&b=1',
    'https://shop.test/api/x?a=1&key',
    'https://shop.test/api/x?a=1&access_token=t#frag',
    'https://shop.test/api/x?%61piKey=s3cret',
    'https://shop.test/api/x?api%5Fkey=s3cret',
    'https://shop.test/api/x?q=a+b&token=t',
    'https://shop.test/api/x?email=a@b.test',
    'https://shop.test/api/x#token=t',
  ];
  // (A Request cannot carry user info: `new Request` refuses such a URL.)
  it.each(urls)('gives what redactUrl gives for %s', (url) => {
    const request = new Request(url);
    expect(redactRequestUrl(request)).toBe(redactUrl(request.url));
  });

  it('gives each URL its own answer when the same and other URLs come in turn', () => {
    const first = 'https://shop.test/api/x?apiKey=first-key&b=1';
    const second = 'https://shop.test/api/x?apiKey=second-key&b=2';
    for (const url of [first, first, second, first, second, second]) {
      expect(redactRequestUrl(new Request(url))).toBe(redactUrl(url));
    }
  });

  it('never returns a credential, whatever the case or encoding of its name', () => {
    for (const url of urls.filter((u) => /s3cret|token=t/.test(u) && !u.includes('#token'))) {
      const redacted = redactRequestUrl(new Request(url));
      expect(redacted, url).not.toMatch(/s3cret|token=t\b/);
    }
  });
});

describe('escaped forms of a secret', () => {
  const secret = 'FAKE+key/LEAKCANARY=7d1c9a3b';
  const each = (map: (char: string) => string) =>
    [...secret].map((char) => (/[A-Za-z0-9]/.test(char) ? char : map(char))).join('');
  const code = (char: string) => char.codePointAt(0)!;
  const NAMED: Record<string, string> = { '+': '&plus;', '/': '&sol;', '=': '&equals;' };
  const forms = {
    'HTML hex, as mustache escapes / and =': secret
      .replace(/\//g, '&#x2F;')
      .replace(/=/g, '&#x3D;'),
    'HTML decimal, every symbol': each((char) => `&#${code(char)};`),
    'HTML hex, upper case and zero-padded': each(
      (char) => `&#X00${code(char).toString(16).toUpperCase()};`,
    ),
    'HTML named references': each((char) => NAMED[char]!),
    'JSON backslash, as PHP json_encode escapes /': secret.replace(/\//g, '\\/'),
    'JSON \\u escapes': each((char) => `\\u${code(char).toString(16).padStart(4, '0')}`),
  };

  it.each(Object.entries(forms))(
    '%s is removed from text and from nested values',
    (_name, form) => {
      const text = `<p>upstream refused token ${form}</p>`;
      expect(scrubSecrets(text, [secret])).toBe(`<p>upstream refused token ${REDACTED}</p>`);
      const scrubbed = JSON.stringify(
        scrubValue({ detail: [text], [form]: ['invalid'] }, [secret]),
      );
      expect(scrubbed).not.toContain(form);
      expect(scrubbed).not.toContain('LEAKCANARY');
    },
  );

  it('leaves text that only shares the letters alone', () => {
    const texts = ['FAKE key LEAKCANARY 7d1c9a3b', 'FAKE&plus;key&sol;LEAKCANARY&equals;7d1c9a3c'];
    for (const text of texts) expect(scrubSecrets(text, [secret])).toBe(text);
  });

  it('a key of an object is scrubbed like a value', () => {
    const value = { errors: { [secret]: ['is not a known field'] } };
    expect(scrubValue(value, [secret])).toEqual({
      errors: { [REDACTED]: ['is not a known field'] },
    });
  });
});
