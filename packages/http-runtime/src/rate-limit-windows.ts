/**
 * The bookkeeping of the sliding-window limiter: one window per rule (per key for a keyed rule),
 * the server's holds, and when a request may go.
 */
import type { RateLimitRule, RateLimitSlot } from './rate-limit.js';

/** One sliding window: a rule's, or for a keyed rule one key's. */
export interface Window {
  readonly rule: RateLimitRule;
  /** Hold scope id: the rule name, plus the key for a keyed rule. */
  readonly id: string;
  /** Completion times inside the window, oldest first. */
  readonly done: number[];
  /** Slots handed out and not yet released. */
  inFlight: number;
}

interface RuleState {
  readonly rule: RateLimitRule;
  /** The window of an unkeyed rule. */
  readonly window: Window;
  /** Keyed rules: one window per key, dropped once empty. */
  readonly byKey: Map<string, Window>;
}

interface Hold {
  until: number;
  /** Rule names the hold covers; undefined for every request. */
  readonly scope: ReadonlySet<string> | undefined;
  readonly label: string;
}

/** What keeps a request from going, and until when. */
export interface Blocker {
  readonly at: number;
  readonly rule: string;
  readonly source: 'rule' | 'server';
}

export interface WindowBook {
  /** The windows a request counts against: one per matching rule, or none for an undefined key. */
  windowsOf(request: Request): Window[];
  /** What keeps a request counting against `windows` from going at `t`, if anything: the latest blocker. */
  blockerAt(windows: readonly Window[], t: number): Blocker | undefined;
  /**
   * Holds until `until` the requests counting against any of the windows `ids`, or every request
   * when `ids` is empty; an existing hold of the same scope is only ever extended.
   */
  hold(ids: readonly string[], until: number): void;
}

function newWindow(rule: RateLimitRule, id: string): Window {
  return { rule, id, done: [], inFlight: 0 };
}

function prune(window: Window, t: number): void {
  const { done, rule } = window;
  while (done.length > 0 && done[0]! + rule.windowMs <= t) done.shift();
}

/** The window of `key` under a keyed rule, created on first use. */
function keyedWindow(state: RuleState, key: string, now: () => number): Window {
  let window = state.byKey.get(key);
  if (!window) {
    // Sweep before adding so that a long-lived limiter keeps only the keys still in a window.
    const t = now();
    for (const [oldKey, old] of state.byKey) {
      prune(old, t);
      if (old.done.length === 0 && old.inFlight === 0) state.byKey.delete(oldKey);
    }
    window = newWindow(state.rule, `${state.rule.name}[${key}]`);
    state.byKey.set(key, window);
  }
  return window;
}

/** When a full window lets the next request in, if it is full at `t`. */
function windowOpensAt(window: Window, t: number): number | undefined {
  prune(window, t);
  const { done, rule, inFlight } = window;
  const counted = done.length + inFlight;
  if (counted < rule.limit) return undefined;
  // Slots in time order: the released ones, then those in flight (they finish at t or later).
  // The request may go once the slot `limit` places from the newest has left the window.
  const index = counted - rule.limit;
  // An in-flight slot finishes no earlier than now, so this is the earliest possible time;
  // the wait loop looks again then, and by that time the slot has a real completion time
  // or waits another window.
  const stamp = index < done.length ? done[index]! : t;
  return stamp + rule.windowMs;
}

export function windowBook(rules: readonly RateLimitRule[], now: () => number): WindowBook {
  const states: RuleState[] = rules.map((rule) => ({
    rule,
    window: newWindow(rule, rule.name),
    byKey: new Map(),
  }));
  const holds = new Map<string, Hold>();

  function windowsOf(request: Request): Window[] {
    const windows: Window[] = [];
    for (const state of states) {
      const { rule } = state;
      if (rule.match && !rule.match(request)) continue;
      if (!rule.key) {
        windows.push(state.window);
        continue;
      }
      const key = rule.key(request);
      if (key !== undefined) windows.push(keyedWindow(state, key, now));
    }
    return windows;
  }

  function blockerAt(windows: readonly Window[], t: number): Blocker | undefined {
    const names = new Set(windows.map((w) => w.id));
    let blocker: Blocker | undefined;
    const consider = (candidate: Blocker) => {
      if (candidate.at > t && (!blocker || candidate.at > blocker.at)) blocker = candidate;
    };
    for (const window of windows) {
      const at = windowOpensAt(window, t);
      if (at !== undefined) consider({ at, rule: window.id, source: 'rule' });
    }
    for (const [key, hold] of holds) {
      if (hold.until <= t) {
        holds.delete(key);
        continue;
      }
      if (!hold.scope || [...hold.scope].some((name) => names.has(name))) {
        consider({ at: hold.until, rule: hold.label, source: 'server' });
      }
    }
    return blocker;
  }

  function hold(ids: readonly string[], until: number): void {
    const key = ids.length > 0 ? ids.join('+') : '*';
    const existing = holds.get(key);
    if (existing) existing.until = Math.max(existing.until, until);
    else
      holds.set(key, {
        until,
        scope: ids.length > 0 ? new Set(ids) : undefined,
        label: key,
      });
  }

  return { windowsOf, blockerAt, hold };
}

/**
 * Counts a request against `windows` as in flight; on release its windows count it from the
 * release time.
 */
export function occupy(
  windows: readonly Window[],
  waitedMs: number,
  now: () => number,
): RateLimitSlot {
  for (const window of windows) window.inFlight += 1;
  let released = false;
  return {
    waitedMs,
    release() {
      if (released) return;
      released = true;
      const finished = now();
      for (const window of windows) {
        window.inFlight -= 1;
        window.done.push(finished);
      }
    },
  };
}

/**
 * The windows a throttled response speaks for. `X-RateLimit-Limit` names the server's bucket by
 * its size: when it equals some of the request's rules, only those are held (a per-order bucket
 * running out must not stop sends to other orders); otherwise all of them.
 */
export function heldWindows(windows: Window[], response: Response): Window[] {
  const declared = Number(response.headers.get('x-ratelimit-limit')?.trim() || Number.NaN);
  if (!Number.isInteger(declared)) return windows;
  const sameSize = windows.filter((w) => w.rule.limit === declared);
  return sameSize.length > 0 ? sameSize : windows;
}
