/**
 * The send ledger: one Redis hash per caller key, written before and after every attempt, so a job
 * BullMQ runs again (a crash, a lost lock) knows whether bytes may already have left.
 *
 *   pending → sending → sent | rejected | unknown      (sending → pending only on a proven refusal)
 *
 * Only the `pending → sending` step lets a worker post, and it is a compare-and-set in Redis: of
 * any number of workers holding the same job, one posts. Every other step is a compare-and-set
 * too; a worker whose step finds the entry changed (another holder of the job wrote first) reads
 * it again and acts on it, so a job ends only on a final state the entry holds.
 * Nothing secret is stored: the request lives in the job, credentials only in the workers' config.
 */
import type { Redis } from 'ioredis';

/**
 * Where a key's send stands: `pending` (no post has begun, or the last one was refused with proof
 * nothing was stored), `sending` (a post began and its end was not written), `sent` (stored),
 * `rejected` (refused, nothing stored) or `unknown` (cannot tell: on the review list, never
 * retried).
 */
export type LedgerState = 'pending' | 'sending' | 'sent' | 'rejected' | 'unknown';

/** A key's entry in the send ledger, as `outcome` and `reviewList` return it. */
export interface LedgerEntry {
  /** The caller's key, as given to `enqueue`. */
  readonly key: string;
  /** Where the send stands. */
  readonly state: LedgerState;
  /** The connection the key is sent through. */
  readonly connection: string;
  /** When the key was first enqueued (ISO 8601). */
  readonly enqueuedAt: string;
  /** When the last post began: the `since` of a later `findSent`. */
  readonly attemptStartedAt?: string;
  /** When the entry last changed (ISO 8601). */
  readonly updatedAt: string;
  /** The vendor's id of the stored message (`sent`). */
  readonly messageId?: string;
  /** True when the message was found by listing rather than from the post's own answer. */
  readonly reconciled?: boolean;
  /** The error as `toJSON()` gives it (`rejected`, `unknown`): kind, delivery, message, no secrets. */
  readonly error?: Readonly<Record<string, unknown>>;
  /** Why the outcome is `unknown`, for whoever reviews it. */
  readonly reason?: string;
}

/** What `status` counts: the ledger per state and per connection, and the review list's size. */
export interface LedgerStatus {
  /** Ledger entries counted. */
  readonly total: number;
  /** Entries per state. */
  readonly byState: Readonly<Record<LedgerState, number>>;
  /** Per connection (account), its counts per state. */
  readonly byConnection: Readonly<Record<string, Readonly<Record<LedgerState, number>>>>;
  /** Keys on the review list (`unknown` outcomes waiting for a person). */
  readonly review: number;
  /** True when the count stopped at the limit: the numbers are a lower bound. */
  readonly truncated: boolean;
}

// Sets fields only when the state is one of the expected ones; returns 1 when it did.
const COMPARE_AND_SET = `
local state = redis.call('HGET', KEYS[1], 'state')
local allowed = false
for _, s in ipairs(cjson.decode(ARGV[1])) do if s == state then allowed = true end end
if not allowed then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'attemptStartedAt') ~= ARGV[3] then return 0 end
local fields = cjson.decode(ARGV[2])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
return 1
`;

// Creates the entry unless it exists; returns 1 when created.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = cjson.decode(ARGV[1])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
return 1
`;

export class SendLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private entryKey(key: string): string {
    return `${this.prefix}:ledger:${key}`;
  }

  get reviewKey(): string {
    return `${this.prefix}:review`;
  }

  async create(key: string, connection: string): Promise<boolean> {
    const now = new Date().toISOString();
    const fields = { key, state: 'pending', connection, enqueuedAt: now, updatedAt: now };
    const created = await this.redis.eval(CREATE, 1, this.entryKey(key), JSON.stringify(fields));
    return created === 1;
  }

  async get(key: string): Promise<LedgerEntry | undefined> {
    const hash = await this.redis.hgetall(this.entryKey(key));
    if (!hash.state) return undefined;
    const { error, reconciled, ...rest } = hash;
    return {
      ...(rest as unknown as LedgerEntry),
      ...(error ? { error: JSON.parse(error) as Record<string, unknown> } : {}),
      ...(reconciled ? { reconciled: reconciled === 'true' } : {}),
    };
  }

  /** Moves `key` from one of `from` to `to` with `fields`; false when another writer got there first. */
  async transition(
    key: string,
    from: readonly LedgerState[],
    to: LedgerState,
    fields: Readonly<Record<string, string | boolean | object | undefined>> = {},
    /** Only on this claim (its `attemptStartedAt`): a later claim of the key is another post's. */
    claim?: string,
  ): Promise<boolean> {
    const flat: Record<string, string> = { state: to, updatedAt: new Date().toISOString() };
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      flat[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const done = await this.redis.eval(
      COMPARE_AND_SET,
      1,
      this.entryKey(key),
      JSON.stringify(from),
      JSON.stringify(flat),
      claim ?? '',
    );
    if (done === 1) {
      // A later proof (the in-flight post answering after all) takes a key off the review list.
      if (to === 'unknown') await this.redis.zadd(this.reviewKey, Date.now(), key);
      else await this.redis.zrem(this.reviewKey, key);
    }
    return done === 1;
  }

  /**
   * Counts per state and per connection, reading at most `limit` entries with SCAN (never KEYS,
   * which blocks every other client of a large Redis); `truncated` says the count stopped early.
   */
  async status(limit: number): Promise<LedgerStatus> {
    const byState: Record<LedgerState, number> = {
      pending: 0,
      sending: 0,
      sent: 0,
      rejected: 0,
      unknown: 0,
    };
    const byConnection: Record<string, Record<LedgerState, number>> = {};
    let total = 0;
    let truncated = false;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.prefix}:ledger:*`,
        'COUNT',
        500,
      );
      cursor = next;
      for (const entryKey of keys) {
        if (total >= limit) {
          truncated = true;
          break;
        }
        const [state, connection] = await this.redis.hmget(entryKey, 'state', 'connection');
        if (!state || !(state in byState)) continue;
        total += 1;
        byState[state as LedgerState] += 1;
        const perConnection = (byConnection[connection ?? ''] ??= {
          pending: 0,
          sending: 0,
          sent: 0,
          rejected: 0,
          unknown: 0,
        });
        perConnection[state as LedgerState] += 1;
      }
    } while (cursor !== '0' && !truncated);
    const review = await this.redis.zcard(this.reviewKey);
    return { total, byState, byConnection, review, truncated };
  }

  async review(): Promise<LedgerEntry[]> {
    const keys = await this.redis.zrange(this.reviewKey, 0, -1);
    const entries = await Promise.all(keys.map((key) => this.get(key)));
    return entries.filter((entry): entry is LedgerEntry => entry?.state === 'unknown');
  }
}
