/**
 * Scripted faults: "the next N requests to this vendor (and operation) answer like this".
 * Rules are consumed in the order they were injected.
 */

export type FaultBodyKind = 'json' | 'html' | 'malformed-json' | 'empty';

/**
 * A scripted fault: which requests it hits (`vendor`, `operationId`) and what happens instead of,
 * or on top of, the normal answer (a status, a drop, latency, a slow or padded body).
 */
export interface FaultRule {
  /** Vendor name (`mirakl`, `spp`, `omnidesk`, `gameboost`). */
  readonly vendor: string;
  /** Only requests to this operation; every request of the vendor when left out. */
  readonly operationId?: string;
  /** How many matching requests the rule affects (default 1; `Infinity` for all). */
  readonly times?: number;
  /** Answer with this status instead of running the operation. */
  readonly status?: number;
  /** Extra headers on the faulty answer. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sets `Retry-After`: seconds, or a `Date` sent as an HTTP date. */
  readonly retryAfter?: number | Date;
  /** Body of the faulty answer: a string as is, an object as JSON. Default: the vendor's error body for `status`. */
  readonly body?: string | object;
  /**
   * `json` (default): the vendor's JSON (`body` or its error envelope);
   * `html`: an HTML error page as a proxy sends it; `malformed-json`: a truncated
   * JSON document labelled `application/json`; `empty`: no body at all.
   */
  readonly bodyKind?: FaultBodyKind;
  /** Delay before the request is handled (alone: a slow but correct answer). */
  readonly latencyMs?: number;
  /**
   * Close the connection without answering: `before-apply` leaves the state as it
   * was; `after-apply` runs the operation (the message IS stored) and then closes,
   * the ambiguous case a client must handle without duplicating.
   */
  readonly drop?: 'before-apply' | 'after-apply';
  /**
   * Run the operation (the message IS stored), then send its real answer slowly: one byte every
   * `dripMs` milliseconds, for as long as the client keeps the connection open.
   */
  readonly dripMs?: number;
  /**
   * Run the operation, then send its real answer padded with leading whitespace (still valid
   * JSON) to this many bytes, streamed: a huge answer a client must stop reading.
   */
  readonly padToBytes?: number;
  /**
   * With `padToBytes`: the padded answer gzip-compressed (`Content-Encoding: gzip`, no
   * `Content-Length`), compressed as it streams: a gzip bomb (whitespace compresses about 1000:1)
   * that costs the sandbox only what the client reads before it gives up.
   */
  readonly contentEncoding?: 'gzip';
}

/** Rules that shape the answer of an operation that ran, rather than replace it. */
export function shapesAnswer(rule: FaultRule): boolean {
  return rule.dripMs !== undefined || rule.padToBytes !== undefined;
}

export interface ActiveFault {
  readonly id: number;
  readonly rule: FaultRule;
  remaining: number;
}

/** `sandbox.faults`: add and remove fault rules while the sandbox runs (`reset()` clears them). */
export interface FaultController {
  /** Adds a rule; returns its id. */
  inject(rule: FaultRule): number;
  /** Removes one rule (by id) or all. */
  clear(id?: number): void;
  /** Rules not used up yet. */
  pending(): readonly { id: number; rule: FaultRule; remaining: number }[];
}

export class FaultBook implements FaultController {
  #rules: ActiveFault[] = [];
  #nextId = 1;

  constructor(
    private readonly isKnown: (vendor: string, operationId?: string) => string | undefined,
  ) {}

  inject(rule: FaultRule): number {
    const problem = this.isKnown(rule.vendor, rule.operationId) ?? checkRule(rule);
    if (problem) throw new TypeError(`Invalid fault rule: ${problem}`);
    const id = this.#nextId++;
    this.#rules.push({ id, rule: { ...rule }, remaining: rule.times ?? 1 });
    return id;
  }

  clear(id?: number): void {
    this.#rules = id === undefined ? [] : this.#rules.filter((r) => r.id !== id);
  }

  pending(): readonly { id: number; rule: FaultRule; remaining: number }[] {
    return this.#rules.map((r) => ({ id: r.id, rule: r.rule, remaining: r.remaining }));
  }

  /** The first rule that matches, used up by one. */
  take(vendor: string, operationId: string | undefined): FaultRule | undefined {
    const index = this.#rules.findIndex(
      (r) =>
        r.rule.vendor === vendor &&
        (r.rule.operationId === undefined || r.rule.operationId === operationId),
    );
    if (index < 0) return undefined;
    const active = this.#rules[index]!;
    active.remaining -= 1;
    if (active.remaining <= 0) this.#rules.splice(index, 1);
    return active.rule;
  }
}

function checkRule(rule: FaultRule): string | undefined {
  if (rule.times !== undefined && !(rule.times >= 1)) return '`times` must be at least 1';
  if (
    rule.status !== undefined &&
    !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)
  ) {
    return '`status` must be an HTTP status code';
  }
  if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0 && rule.latencyMs <= 120_000))
    return '`latencyMs` must be within 0..120000';
  if (rule.drop !== undefined && rule.status !== undefined)
    return '`drop` and `status` exclude each other';
  if (rule.dripMs !== undefined && !(rule.dripMs >= 1 && rule.dripMs <= 60_000))
    return '`dripMs` must be within 1..60000';
  if (
    rule.padToBytes !== undefined &&
    !(Number.isSafeInteger(rule.padToBytes) && rule.padToBytes > 0 && rule.padToBytes <= 2 ** 32)
  ) {
    return '`padToBytes` must be a positive integer up to 4 GiB';
  }
  if (rule.contentEncoding !== undefined && rule.contentEncoding !== 'gzip')
    return '`contentEncoding` must be gzip';
  if (rule.contentEncoding !== undefined && rule.padToBytes === undefined)
    return '`contentEncoding` goes with `padToBytes`';
  if (shapesAnswer(rule) && (rule.status !== undefined || rule.drop !== undefined))
    return '`dripMs` and `padToBytes` shape the real answer: no `status` or `drop` with them';
  if (
    rule.drop === undefined &&
    rule.status === undefined &&
    rule.latencyMs === undefined &&
    !shapesAnswer(rule)
  ) {
    return 'a rule needs `status`, `drop`, `latencyMs`, `dripMs` or `padToBytes`';
  }
  if (
    rule.bodyKind !== undefined &&
    !['json', 'html', 'malformed-json', 'empty'].includes(rule.bodyKind)
  ) {
    return '`bodyKind` must be json, html, malformed-json or empty';
  }
  return undefined;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

/** The page a reverse proxy shows when the application behind it fails. */
export function htmlErrorPage(status: number): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}

/** Retry-After as the vendor would send it: integer seconds, or an IMF-fixdate. */
export function retryAfterValue(value: number | Date): string {
  return value instanceof Date ? value.toUTCString() : String(Math.max(0, Math.ceil(value)));
}
