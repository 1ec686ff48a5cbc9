/** Two accounts on the sandbox (SPP and Mirakl), a facade over them, and ledger polling. */
import { createOrderMessaging, type SendRequest } from '@org/order-messaging';
import { mirakl } from '@org/order-messaging/mirakl';
import { spp } from '@org/order-messaging/spp';
import type { Sandbox } from '@org/provider-sandbox';
import type { LedgerEntry, SendQueue } from '../../src/index.js';

export type Account = 'spp-main' | 'mirakl-fr';
export const SEND_OPERATION = { 'spp-main': 'createOrderMessage', 'mirakl-fr': 'replyToThread' };
const VENDOR = { 'spp-main': 'spp', 'mirakl-fr': 'mirakl' } as const;

export function facade(sb: Sandbox) {
  const v = sb.vendors;
  return createOrderMessaging({
    connections: {
      'spp-main': spp({ baseUrl: v.spp.baseUrl, token: v.spp.token }),
      'mirakl-fr': mirakl({
        baseUrl: v.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: v.mirakl.apiKey },
      }),
    },
    retry: false,
    reconcile: { settleDelayMs: 0, maxResends: 0 },
  });
}

export function request(sb: Sandbox, account: Account, text: string): SendRequest {
  const orderId =
    account === 'spp-main'
      ? sb.seed.spp.orderWithFewMessages.number
      : sb.seed.mirakl.orderWithThread;
  return { orderId, text };
}

/** Stored copies of a text on the account's order. */
export function stored(sb: Sandbox, account: Account, text: string) {
  const orderId =
    account === 'spp-main' ? sb.seed.spp.orderWithFewMessages.id : sb.seed.mirakl.orderWithThread;
  return sb.state.messages(VENDOR[account], orderId).filter((m) => m.text === text);
}

export function posts(sb: Sandbox, account: Account) {
  return sb.state.requests.filter(
    (r) => r.vendor === VENDOR[account] && r.operationId === SEND_OPERATION[account],
  );
}

const FINAL = new Set(['sent', 'rejected', 'unknown']);

export async function settled(
  queue: SendQueue,
  keys: readonly string[],
  timeoutMs = 15_000,
): Promise<LedgerEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await Promise.all(keys.map((key) => queue.outcome(key)));
    if (entries.every((e) => e && FINAL.has(e.state))) return entries as LedgerEntry[];
    if (Date.now() > deadline) {
      throw new Error(`not settled: ${JSON.stringify(entries.map((e) => [e?.key, e?.state]))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
