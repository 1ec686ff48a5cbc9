/**
 * Faults that shape a real answer: the operation runs (the message is stored), then its answer
 * drips or arrives padded to a huge size, as a hostile vendor or proxy would send it.
 */
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

  it.each([
    [{ dripMs: 0 }, '`dripMs` must be within 1..60000'],
    [{ padToBytes: -1 }, '`padToBytes` must be a positive integer'],
    [{ dripMs: 10, status: 500 }, 'no `status` or `drop` with them'],
    [{ padToBytes: 10, drop: 'after-apply' as const }, 'no `status` or `drop` with them'],
  ])('refuses %j', (rule, message) => {
    expect(() => sb.faults.inject({ vendor: 'gameboost', ...rule })).toThrow(message);
  });
});
