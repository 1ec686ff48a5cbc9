/**
 * Faults that shape a real answer: the operation runs (the message is stored), then its answer
 * drips or arrives padded to a huge size, as a hostile vendor or proxy would send it.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
beforeEach(() => sb.reset());
afterAll(() => sb.close());

function post(text: string): Promise<Response> {
  const { baseUrl, token } = sb.vendors.gameboost;
  const order = sb.seed.gameboost.accountOrders.processing;
  return fetch(`${baseUrl}/v2/account-orders/${order}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: text }),
  });
}

const stored = (text: string) =>
  sb.state
    .messages('gameboost', sb.seed.gameboost.accountOrders.processing)
    .filter((m) => m.text === text);

describe('answer faults', () => {
  it('dripMs: the message is stored, and the answer arrives one byte per interval', async () => {
    sb.faults.inject({ vendor: 'gameboost', operationId: 'sendAccountOrderMessage', dripMs: 40 });
    const started = Date.now();
    const response = await post('dripped');
    expect(response.status).toBe(200);
    expect(stored('dripped')).toHaveLength(1);
    const reader = response.body!.getReader();
    const first = await reader.read();
    const second = await reader.read();
    expect(first.value?.byteLength).toBe(1);
    expect(second.value?.byteLength).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    await reader.cancel();
  });

  it('padToBytes: the real answer, still valid JSON, at exactly that many bytes', async () => {
    sb.faults.inject({
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      padToBytes: 3 * 1024 * 1024,
    });
    const response = await post('padded');
    const text = await response.text();
    expect(response.headers.get('content-length')).toBe(String(3 * 1024 * 1024));
    expect(Buffer.byteLength(text)).toBe(3 * 1024 * 1024);
    expect(JSON.parse(text)).toMatchObject({ data: { text: 'padded' } });
    expect(stored('padded')).toHaveLength(1);
  });

  it('padToBytes with contentEncoding gzip: a gzip bomb, small on the wire, the real answer once decoded', async () => {
    const bytes = 16 * 1024 * 1024;
    const rule = {
      vendor: 'gameboost',
      operationId: 'sendAccountOrderMessage',
      padToBytes: bytes,
      contentEncoding: 'gzip',
    } as const;
    sb.faults.inject(rule);
    const response = await post('bomb');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('content-length')).toBeNull();
    const text = await response.text(); // fetch decodes gzip
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(JSON.parse(text)).toMatchObject({ data: { text: 'bomb' } });

    sb.faults.inject(rule);
    const raw = await new Promise<number>((resolve, reject) => {
      const { baseUrl, token } = sb.vendors.gameboost;
      const order = sb.seed.gameboost.accountOrders.processing;
      const req = request(`${baseUrl}/v2/account-orders/${order}/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        let wire = 0;
        res.on('data', (part: Buffer) => (wire += part.byteLength));
        res.on('end', () => resolve(wire));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ message: 'bomb on the wire' }));
    });
    expect(raw).toBeLessThan(bytes / 500);
    expect(stored('bomb')).toHaveLength(1);
  });

  it.each([
    [{ padToBytes: 10, contentEncoding: 'br' as 'gzip' }, '`contentEncoding` must be gzip'],
    [{ dripMs: 10, contentEncoding: 'gzip' as const }, '`contentEncoding` goes with `padToBytes`'],
    [{ dripMs: 0 }, '`dripMs` must be within 1..60000'],
    [{ padToBytes: -1 }, '`padToBytes` must be a positive integer'],
    [{ dripMs: 10, status: 500 }, 'no `status` or `drop` with them'],
    [{ padToBytes: 10, drop: 'after-apply' as const }, 'no `status` or `drop` with them'],
  ])('refuses %j', (rule, message) => {
    expect(() => sb.faults.inject({ vendor: 'gameboost', ...rule })).toThrow(message);
  });
});
