/** What the chaos coordinator tells its worker processes, and the figures a run ends with. */
import type { SettingValues } from '@org/order-messaging/vendors';

/** One account: a sandbox vendor reached with its public test credentials. */
export interface ChaosAccount {
  /** The connection name (also the BullMQ queue's). */
  readonly name: string;
  /** The registered vendor it is an account of. */
  readonly vendor: string;
  /** Setting values that reach the vendor's fake (the descriptor's `sandbox.settings`). */
  readonly settings: SettingValues;
  /** Jobs started per second across every worker: the server's limit ÷ requests per send. */
  readonly jobsPerSecond: number;
  /** Requests per second the account allows, shared by every worker (retries and reads too). */
  readonly requestsPerSecond: number;
}

/** Passed to each worker process as JSON in `CHAOS_WORKER_CONFIG`. */
export interface ChaosWorkerConfig {
  readonly redis: string;
  readonly prefix: string;
  readonly accounts: readonly ChaosAccount[];
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

export interface ChaosOptions {
  /** Messages enqueued over every account (default 5,000). */
  readonly messages?: number;
  /** Worker processes running at once (default 4). */
  readonly workers?: number;
  /** Workers SIGKILLed mid-run, each replaced by a new process (default 2). */
  readonly kills?: number;
  /** Requests per second the sandbox allows each account (default 50). */
  readonly limitPerSecond?: number;
  /** One fault (429, 503, connection dropped after storing) per this many requests to a vendor (default 100). */
  readonly faultEveryRequests?: number;
  /** Jobs in flight per account in each worker process (default 4). */
  readonly concurrency?: number;
  /** A worker's job lock (default 5 s): how long a killed worker's jobs wait for another one. */
  readonly lockDurationMs?: number;
  /** The run stops here, settled or not (default 10 min). */
  readonly maxDurationMs?: number;
  /** Orders per account the messages are spread over (default 100). */
  readonly ordersPerAccount?: number;
  /** Called about once a second with a progress line. */
  readonly onProgress?: (line: string) => void;
}

export interface ChaosAccountFigures {
  readonly name: string;
  readonly requestsPerSend: number;
  readonly jobsPerSecond: number;
  readonly messages: number;
  /**
   * Delivered per second until this account's last key settled ÷ what its limit allows: its
   * goodput while it had work (an account done early cannot lend its limit to another).
   */
  readonly goodput: number;
}

/** Every key's ledger outcome against what the vendors stored. */
export interface ChaosVerdict {
  /** Keys whose message the vendor stored (once or more). */
  readonly delivered: number;
  /** Keys the vendor does not have and the ledger does not flag (`rejected`, `unknown`). */
  readonly lost: number;
  /** Extra stored copies, over every key. */
  readonly duplicated: number;
  /** Keys the ledger says `unknown` (on the review list), and how many of them are stored. */
  readonly unknown: number;
  readonly unknownStored: number;
  readonly rejected: number;
  /** Ledger answers the vendor contradicts: `sent` but absent, `rejected` but stored, wrong id. */
  readonly misreported: number;
  /** Keys still `pending`/`sending` when the run stopped (a bug, or `maxDurationMs` too short). */
  readonly unsettled: number;
}

export interface ChaosFigures extends ChaosVerdict {
  readonly messages: number;
  readonly accounts: readonly ChaosAccountFigures[];
  readonly workersKilled: number;
  readonly faultsInjected: number;
  /** Requests the sandbox answered, and how many of them it refused for its limits (429). */
  readonly requests: number;
  readonly throttled: number;
  readonly elapsedMs: number;
  /** Messages per second the accounts' limits allow together. */
  readonly combinedLimitPerSecond: number;
  /** Delivered per second ÷ the combined limit. */
  readonly goodput: number;
}
