/**
 * The sandbox's clock: every timestamp it writes and every rate-limit window read it, so a
 * test that moves it sees orders, threads and tickets change "later" without waiting.
 */

/** Moves the sandbox's time; `sb.clock`. */
export interface SandboxClock {
  /** The sandbox's current time. */
  now(): Date;
  /** Stops time at `at` (a `Date`, ISO string or epoch milliseconds) until `advance` or `resume`. */
  set(at: Date | string | number): void;
  /** Moves time forward (or back, for a negative `ms`); a stopped clock stays stopped. */
  advance(ms: number): void;
  /** Lets time run again from where it stands. */
  resume(): void;
}

export class AdjustableClock implements SandboxClock {
  #offset = 0;
  #frozenAt: number | undefined;

  constructor(private readonly base: () => Date) {}

  now(): Date {
    return new Date(this.#frozenAt ?? this.base().getTime() + this.#offset);
  }

  set(at: Date | string | number): void {
    const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
    if (!Number.isFinite(ms)) throw new RangeError(`clock.set: not a time: ${String(at)}`);
    this.#frozenAt = ms;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock.advance: not a number: ${String(ms)}`);
    if (this.#frozenAt === undefined) this.#offset += ms;
    else this.#frozenAt += ms;
  }

  resume(): void {
    if (this.#frozenAt === undefined) return;
    this.#offset = this.#frozenAt - this.base().getTime();
    this.#frozenAt = undefined;
  }
}
