import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  GameBoostWebhookError,
  isValidGameBoostSignature,
  signGameBoostWebhook,
  verifyGameBoostSignature,
  type GameBoostWebhookErrorCode,
} from '@org/gameboost-client/webhooks';

interface Vector {
  name: string;
  secret: string;
  body: string;
  signature: string;
}
const vectorFile = JSON.parse(
  readFileSync(
    new URL('../../provider-sandbox/webhook-vectors/gameboost.json', import.meta.url),
    'utf8',
  ),
) as { documentationExample: { signature: string }; vectors: Vector[] };
const vectors = vectorFile.vectors;
const [report, , phpEncoded] = vectors as [Vector, Vector, Vector];

function codeOf(run: () => void): GameBoostWebhookErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GameBoostWebhookError);
    return (error as GameBoostWebhookError).code;
  }
}

describe('verifyGameBoostSignature', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('accepts the test vector: %s', (_, v) => {
    expect(signGameBoostWebhook(v.secret, v.body)).toBe(v.signature);
    expect(() =>
      verifyGameBoostSignature({ body: v.body, signature: v.signature, secrets: v.secret }),
    ).not.toThrow();
    // The bytes, not the string, are what is signed.
    const bytes = new TextEncoder().encode(v.body);
    expect(
      isValidGameBoostSignature({ body: bytes, signature: v.signature, secrets: [v.secret] }),
    ).toBe(true);
  });

  it("treats the docs' example signature as well-formed; it cannot match, as no secret or body is published", () => {
    const { signature } = vectorFile.documentationExample;
    expect(
      codeOf(() =>
        verifyGameBoostSignature({ body: report.body, signature, secrets: report.secret }),
      ),
    ).toBe('signature_mismatch');
  });

  it('rejects a re-serialised body (JSON.parse then JSON.stringify, other spacing, other key order)', () => {
    for (const v of [report, phpEncoded]) {
      const parsed = JSON.parse(v.body) as { event: string; payload: object };
      const reserialised = [
        JSON.stringify(parsed),
        JSON.stringify(parsed, null, 2),
        JSON.stringify({ payload: parsed.payload, event: parsed.event }),
      ].filter((body) => body !== v.body);
      expect(reserialised.length).toBeGreaterThanOrEqual(2);
      for (const body of reserialised) {
        expect(
          codeOf(() =>
            verifyGameBoostSignature({ body, signature: v.signature, secrets: v.secret }),
          ),
        ).toBe('signature_mismatch');
      }
    }
  });

  it('rejects a wrong secret, a truncated or non-hex signature, no signature and an empty body', () => {
    const check = (
      overrides: Partial<{ body: string; signature: string | undefined; secrets: string }>,
    ) =>
      codeOf(() =>
        verifyGameBoostSignature({
          body: report.body,
          signature: report.signature,
          secrets: report.secret,
          ...overrides,
        }),
      );
    expect(check({ secrets: `${report.secret}x` })).toBe('signature_mismatch');
    expect(check({ signature: report.signature.slice(0, 63) })).toBe('malformed_signature');
    expect(check({ signature: report.signature.slice(0, 32) })).toBe('malformed_signature');
    expect(check({ signature: `${report.signature}00` })).toBe('malformed_signature');
    expect(check({ signature: `${report.signature.slice(0, 63)}g` })).toBe('malformed_signature');
    expect(check({ signature: `sha256=${report.signature}` })).toBe('malformed_signature');
    expect(check({ signature: undefined })).toBe('missing_signature');
    expect(check({ signature: '' })).toBe('missing_signature');
    expect(check({ body: '' })).toBe('empty_body');
    // Upper-case hex is the same bytes.
    expect(check({ signature: report.signature.toUpperCase() })).toBeUndefined();
  });

  it('accepts every secret of a rotation, and only those', () => {
    const previous = report.secret;
    const current = 'whsec_rotated_new_one';
    const newlySigned = signGameBoostWebhook(current, report.body);
    for (const signature of [report.signature, newlySigned]) {
      expect(
        isValidGameBoostSignature({ body: report.body, signature, secrets: [current, previous] }),
      ).toBe(true);
    }
    expect(
      isValidGameBoostSignature({
        body: report.body,
        signature: report.signature,
        secrets: [current],
      }),
    ).toBe(false);
    expect(
      codeOf(() =>
        verifyGameBoostSignature({ body: report.body, signature: newlySigned, secrets: [] }),
      ),
    ).toBe('misconfigured');
    expect(
      codeOf(() =>
        verifyGameBoostSignature({ body: report.body, signature: newlySigned, secrets: [''] }),
      ),
    ).toBe('misconfigured');
  });

  it('puts neither the secret nor the signature in messages, toJSON or inspect', () => {
    let thrown: GameBoostWebhookError | undefined;
    try {
      verifyGameBoostSignature({
        body: report.body,
        signature: 'ab'.repeat(32),
        secrets: [report.secret, 'other'],
      });
    } catch (error) {
      thrown = error as GameBoostWebhookError;
    }
    expect(thrown?.status).toBe(401);
    const rendered = [
      thrown!.message,
      JSON.stringify(thrown),
      inspect(thrown),
      String(thrown),
    ].join('\n');
    for (const secretOrSignature of [report.secret, 'other', 'ab'.repeat(32), report.signature]) {
      expect(rendered).not.toContain(secretOrSignature);
    }
    expect(thrown!.toJSON()).toEqual({
      name: 'GameBoostWebhookError',
      code: 'signature_mismatch',
      status: 401,
      message: thrown!.message,
    });
  });
});
