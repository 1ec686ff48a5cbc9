/**
 * Benchmark 6: what a send costs as the order's history grows. For every registered vendor and
 * every history size (1, 100, 1,000 messages already on the order, filled with the sandbox's
 * `simulate.populate`), one fresh facade sends a few messages to the order; the sandbox's request
 * log counts the requests of each send and a wrapping fetch counts the response bytes it read.
 *
 * Counts and sizes only, never timings: the figures are the same on every machine, so CI holds
 * them (`sendCostGrowth` and `requestsPerSend` in budgets.json, checked by check-budgets.ts).
 * The sandbox runs in this process: nothing here is timed, so its CPU time does not matter.
 */
import { createOrderMessaging, type ConnectionEntry } from '@org/order-messaging';
import { VENDORS, type AnyVendorDescriptor } from '@org/order-messaging/vendors';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { VENDOR_NAMES, type Vendor } from './plans.js';

export interface HistoryOptions {
  /** Messages on the order before the sends. */
  readonly sizes: readonly number[];
  /** Sends per order, by one facade: the first finds where the order's messages go. */
  readonly sends: number;
}

export const HISTORY_OPTIONS: HistoryOptions = { sizes: [1, 100, 1000], sends: 5 };
/**
 * CI's check: the two ends of the range, which are what the budgets compare, with as many sends
 * as the full run (the growth of a vendor whose reads grow counts its own sends too).
 */
export const QUICK_HISTORY_OPTIONS: HistoryOptions = { sizes: [1, 1000], sends: 5 };

export interface HistoryRow {
  readonly vendor: Vendor;
  /** Messages on the order before the first send. */
  readonly history: number;
  /** Requests of each send, in order. */
  readonly requests: readonly number[];
  /** Response body bytes each send read. */
  readonly responseBytes: readonly number[];
  /** Operation ids (the sandbox's, from the vendor's spec) of the first and the last send. */
  readonly firstOperations: readonly string[];
  readonly lastOperations: readonly string[];
  /** Sends that failed (none expected); their requests still count. */
  readonly failedSends: number;
}

export interface HistoryVendorSummary {
  readonly vendor: Vendor;
  /** Requests of the first send to an order, and of each send after it. */
  readonly requestsPerSend: { readonly first: number; readonly then: number };
  /**
   * Totals over all sends with the largest history ÷ with the smallest: 1 = the cost of a send
   * does not depend on the order's history.
   */
  readonly growth: { readonly requests: number; readonly bytes: number };
}

export interface HistoryResult {
  readonly rows: readonly HistoryRow[];
  readonly vendors: readonly HistoryVendorSummary[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The facade's connection to the sandbox's fake, counting the response bytes it reads. */
function countingConnection(
  descriptor: AnyVendorDescriptor,
  sandbox: Sandbox,
  counter: { bytes: number },
): ConnectionEntry {
  const access = (sandbox.vendors as unknown as Record<string, Record<string, unknown>>)[
    descriptor.name
  ];
  if (!access) throw new Error(`the sandbox has no fake of ${descriptor.title}`);
  const options = descriptor.toOptions(descriptor.sandbox.settings(access)) as object;
  return {
    adapter: descriptor.createAdapter(options),
    rateLimits: false,
    retry: false,
    fetch: async (request) => {
      const response = await fetch(request);
      counter.bytes += (await response.clone().arrayBuffer()).byteLength;
      return response;
    },
  };
}

async function measureOne(
  sandbox: Sandbox,
  descriptor: AnyVendorDescriptor,
  history: number,
  sends: number,
): Promise<HistoryRow> {
  sandbox.reset();
  const [orderId] = sandbox.simulate.populate({
    vendor: descriptor.name,
    orders: 1,
    messagesPerOrder: history,
  });
  if (orderId === undefined) throw new Error(`${descriptor.name}: populate made no order`);
  const counter = { bytes: 0 };
  const messaging = createOrderMessaging({
    connections: { [descriptor.name]: countingConnection(descriptor, sandbox, counter) },
  });
  const requests: number[] = [];
  const responseBytes: number[] = [];
  const operations: string[][] = [];
  let failedSends = 0;
  for (let n = 0; n < sends; n++) {
    const logBefore = sandbox.state.requests.length;
    const bytesBefore = counter.bytes;
    try {
      await messaging.send(descriptor.name, {
        orderId,
        text: `History bench: message ${n + 1} after ${history}.`,
      });
    } catch {
      failedSends += 1;
    }
    const log = sandbox.state.requests.slice(logBefore);
    requests.push(log.length);
    responseBytes.push(counter.bytes - bytesBefore);
    operations.push(log.map((entry) => entry.operationId ?? `${entry.method} ${entry.path}`));
  }
  return {
    vendor: descriptor.name as Vendor,
    history,
    requests,
    responseBytes,
    firstOperations: operations[0] ?? [],
    lastOperations: operations.at(-1) ?? [],
    failedSends,
  };
}

/** Requests per send (first, then) and growth from the smallest to the largest history, per vendor. */
export function summarize(rows: readonly HistoryRow[]): HistoryVendorSummary[] {
  return VENDOR_NAMES.flatMap((vendor) => {
    const own = rows.filter((row) => row.vendor === vendor).sort((a, b) => a.history - b.history);
    const smallest = own[0];
    const largest = own.at(-1);
    if (!smallest || !largest) return [];
    return [
      {
        vendor,
        // The most any history needed: a budget holds for every order, not the average one.
        requestsPerSend: {
          first: Math.max(0, ...own.map((row) => row.requests[0] ?? 0)),
          then: Math.max(0, ...own.flatMap((row) => row.requests.slice(1))),
        },
        growth: {
          requests: sum(largest.requests) / sum(smallest.requests),
          bytes: sum(largest.responseBytes) / sum(smallest.responseBytes),
        },
      },
    ];
  });
}

export async function runHistoryBench(
  options: HistoryOptions,
  log: (line: string) => void = () => {},
): Promise<HistoryResult> {
  const sandbox = await startSandbox({ rateLimits: false, validateResponses: false });
  const rows: HistoryRow[] = [];
  try {
    for (const descriptor of VENDORS as readonly AnyVendorDescriptor[]) {
      for (const history of options.sizes) {
        const row = await measureOne(sandbox, descriptor, history, options.sends);
        rows.push(row);
        log(
          `history ${row.vendor} ${history}: requests ${row.requests.join(' ')}, bytes ${row.responseBytes.join(' ')}` +
            (row.failedSends > 0 ? `, ${row.failedSends} failed` : ''),
        );
      }
    }
  } finally {
    await sandbox.close();
  }
  return { rows, vendors: summarize(rows) };
}
