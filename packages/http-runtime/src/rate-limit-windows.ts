/**
 * The bookkeeping of the sliding-window limiter: one window per rule (per key for a keyed rule),
 * the server's holds, and when a request may go.
 */
import { LEARNED_RULE_NAME } from './rate-limit-learning.js';
import type { RateLimitRule, RateLimitSlot, RateLimitSource } from './rate-limit.js';

/** One sliding window: a rule's, or for a keyed rule one key's. */
export interface Window {
  readonly rule: RateLimitRule;
  /** Hold scope id: the rule name, plus the key for a keyed rule. */
  readonly id: string;
  /** `learned` for the window of the rule learned from 429s. */
  readonly source: Exclude<RateLimitSource, 'server'>;
  /** Completion times inside the window, oldest first. */
  readonly done: number[];
  /** Slots handed out and not yet released. */
  inFlight: number;
  /** Requests that found the limiter full, in the order they first waited. */
  readonly waiters: Waiter[];
}

/**
 * A request waiting for a slot. Those blocked by a window queue in it: a request counts the ones
 * ahead of it as if they held slots, so each sleeps until its own turn rather than all of them
 * waking at every slot that frees and racing for it (which also let the unlucky ones starve).
 */
export interface Waiter {
  /** The window that kept it out last time it looked; undefined for a server hold. */
  blockedBy: Window | undefined;
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
  readonly source: RateLimitSource;
  /** The full window, when that is what blocks. */
  readonly window: Window | undefined;
}

export interface WindowBook {
  /** The windows of the declared rules a request counts against: one per matching rule, none for an undefined key. */
  declaredWindowsOf(request: Request): Window[];
  /** The declared windows, or when there are none the learned rule's window, if one was learned. */
  windowsOf(request: Request): Window[];
  /**
   * What keeps a request counting against `windows` from going at `t`, if anything: the latest
   * blocker. A `waiter` already queued counts only the waiters ahead of it; a new request, all.
   */
  blockerAt(windows: readonly Window[], t: number, waiter?: Waiter): Blocker | undefined;
  /**
   * Holds until `until` the requests counting against any of the windows `ids`, or every request
   * when `ids` is empty; an existing hold of the same scope is only ever extended.
   */
  hold(ids: readonly string[], until: number): void;
}

function newWindow(rule: RateLimitRule, id: string): Window {
  return { rule, id, source: 'rule', done: [], inFlight: 0, waiters: [] };
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
      if (old.done.length === 0 && old.inFlight === 0 && old.waiters.length === 0) {
        state.byKey.delete(oldKey);
      }
    }
    window = newWindow(state.rule, `${state.rule.name}[${key}]`);
    state.byKey.set(key, window);
  }
  return window;
}

/** The waiters queued ahead of `waiter` that this same window keeps out (all of them for a newcomer). */
function waitersAhead(window: Window, waiter: Waiter | undefined): number {
  let ahead = 0;
  for (const other of window.waiters) {
    if (other === waiter) break;
    if (other.blockedBy === window) ahead++;
  }
  return ahead;
}

/**
 * The earliest time slot `index` of `window` can have finished, its slots in time order: the
 * released ones (their completion times), those in flight (now at the earliest), then the waiters
 * ahead, each of which goes no earlier than now and no earlier than one window after the slot
 * `limit` places before it has finished.
 */
function earliestFinish(window: Window, index: number, t: number): number {
  const { done, rule, inFlight } = window;
  const taken = done.length + inFlight;
  let rounds = 0;
  let slot = index;
  for (; slot >= taken; slot -= rule.limit) rounds++;
  let finish = slot < 0 ? Number.NEGATIVE_INFINITY : slot < done.length ? done[slot]! : t;
  for (let round = 0; round < rounds; round++) finish = Math.max(t, finish + rule.windowMs);
  return finish;
}

/**
 * When a full window lets the next request in, if it is full at `t`, counting `ahead` waiters
 * that go first. Never later than the truth: the wait loop looks again then.
 */
function windowOpensAt(window: Window, t: number, ahead: number): number | undefined {
  prune(window, t);
  const { done, rule, inFlight } = window;
  const counted = done.length + inFlight + ahead;
  if (counted < rule.limit) return undefined;
  // The request may go once the slot `limit` places before its own has left the window.
  return earliestFinish(window, counted - rule.limit, t) + rule.windowMs;
}

/**
 * `learnedRule` is asked at each look-up: the learned rule changes as 429s arrive, and its one
 * window keeps counting across the changes.
 */
export function windowBook(
  rules: readonly RateLimitRule[],
  now: () => number,
  learnedRule: (t: number) => RateLimitRule | undefined,
): WindowBook {
  const states: RuleState[] = rules.map((rule) => ({
    rule,
    window: newWindow(rule, rule.name),
    byKey: new Map(),
  }));
  const holds = new Map<string, Hold>();
  // One window for the learned rule's whole life: slots in flight keep counting in it when the
  // rule's limit changes.
  let learnedWindow: { -readonly [K in keyof Window]: Window[K] } | undefined;

  function windowsOf(request: Request): Window[] {
    const declared = declaredWindowsOf(request);
    if (declared.length > 0) return declared;
    const rule = learnedRule(now());
    if (!rule) return declared;
    learnedWindow ??= {
      rule,
      id: LEARNED_RULE_NAME,
      source: 'learned',
      done: [],
      inFlight: 0,
      waiters: [],
    };
    learnedWindow.rule = rule;
    return [learnedWindow];
  }

  function declaredWindowsOf(request: Request): Window[] {
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

  function blockerAt(windows: readonly Window[], t: number, waiter?: Waiter): Blocker | undefined {
    // No rule covers the request and no server hold is on: the usual case, nothing to build.
    if (windows.length === 0 && holds.size === 0) return undefined;
    const names = new Set(windows.map((w) => w.id));
    let blocker: Blocker | undefined;
    // On a tie a keyed window wins: it names the order (or other resource) that is full.
    const consider = (candidate: Blocker) => {
      if (candidate.at <= t) return;
      const keyed = (b: Blocker) => b.window?.rule.key !== undefined;
      if (
        !blocker ||
        candidate.at > blocker.at ||
        (candidate.at === blocker.at && keyed(candidate) && !keyed(blocker))
      ) {
        blocker = candidate;
      }
    };
    for (const window of windows) {
      const at = windowOpensAt(window, t, waitersAhead(window, waiter));
      if (at !== undefined) consider({ at, rule: window.id, source: window.source, window });
    }
    for (const [key, hold] of holds) {
      if (hold.until <= t) {
        holds.delete(key);
        continue;
      }
      if (!hold.scope) {
        consider({ at: hold.until, rule: hold.label, source: 'server', window: undefined });
        continue;
      }
      // Named by the windows this request shares with the throttled one: a hold from another
      // order's 429 that covers the global chat bucket names `chat`, never the other order.
      const shared = [...hold.scope].filter((name) => names.has(name));
      if (shared.length > 0) {
        consider({ at: hold.until, rule: shared.join('+'), source: 'server', window: undefined });
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

  return { declaredWindowsOf, windowsOf, blockerAt, hold };
}

/** Queues `waiter` in each of `windows` it is not queued in yet. */
export function enqueue(waiter: Waiter, windows: readonly Window[], queuedIn: Set<Window>): void {
  for (const window of windows) {
    if (queuedIn.has(window)) continue;
    window.waiters.push(waiter);
    queuedIn.add(window);
  }
}

/** Takes `waiter` out of every queue: it got its slot, or gave up. */
export function dequeue(waiter: Waiter, queuedIn: Set<Window>): void {
  for (const window of queuedIn) {
    const index = window.waiters.indexOf(waiter);
    if (index >= 0) window.waiters.splice(index, 1);
  }
  queuedIn.clear();
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
  const declared = declaredLimitOf(response);
  if (declared === undefined) return windows;
  const sameSize = windows.filter((w) => w.rule.limit === declared);
  return sameSize.length > 0 ? sameSize : windows;
}

/** `X-RateLimit-Limit`, when it is a usable limit. */
export function declaredLimitOf(response: Response): number | undefined {
  const declared = Number(response.headers.get('x-ratelimit-limit')?.trim() || Number.NaN);
  return Number.isInteger(declared) && declared >= 1 ? declared : undefined;
}
