/**
 * Canary credentials for the fault matrix: each cell's connection holds recognisable fake
 * secrets instead of the sandbox's, the cell's fetch swaps them for the real ones on the way out
 * (so the sandbox still authenticates), and whatever the caller could see (the error in every
 * printed form, the result, every log line) is searched for the canaries, raw or encoded.
 */
import { inspect } from 'node:util';
import type { Logger } from '@org/order-messaging';
import type { AnyVendorDescriptor, SettingValues } from '@org/order-messaging/vendors';

/** A canary and the sandbox secret it stands for. */
export interface Swap {
  readonly canary: string;
  readonly real: string;
}

/**
 * The settings with every secret replaced by a canary. The canaries hold `+`, `/` and `=` as
 * base64 keys do, so their percent-encoded and base64 forms all differ from the raw one.
 */
export function withCanaries(
  descriptor: AnyVendorDescriptor,
  settings: SettingValues,
  cell: number,
): { readonly settings: SettingValues; readonly swaps: readonly Swap[] } {
  const swaps: Swap[] = [];
  const replaced: Record<string, SettingValues[string]> = { ...settings };
  for (const setting of descriptor.settings) {
    const real = settings[setting.key];
    if (!setting.secret || typeof real !== 'string') continue;
    const canary = `CANARY+${descriptor.name}/${setting.key}=${cell}x7f3a9c`;
    replaced[setting.key] = canary;
    swaps.push({ canary, real });
  }
  return { settings: replaced, swaps };
}

function swapped(value: string, swaps: readonly Swap[]): string {
  let out = value;
  for (const { canary, real } of swaps) {
    out = out
      .replaceAll(canary, real)
      .replaceAll(encodeURIComponent(canary), encodeURIComponent(real));
  }
  const basic = /^Basic\s+(\S+)$/i.exec(out);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const inner = swapped(decoded, swaps);
    if (inner !== decoded) out = `Basic ${Buffer.from(inner, 'utf8').toString('base64')}`;
  }
  return out;
}

/** The request as the vendor must get it: canaries in its URL and headers swapped for the secrets. */
export async function toVendor(request: Request, swaps: readonly Swap[]): Promise<Request> {
  const url = swapped(request.url, swaps);
  const headers = new Headers();
  let changed = url !== request.url;
  for (const [name, value] of request.headers) {
    const next = swapped(value, swaps);
    changed ||= next !== value;
    headers.set(name, next);
  }
  if (!changed) return request;
  const body = request.body ? await request.arrayBuffer() : undefined;
  return new Request(url, {
    method: request.method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: request.signal,
    redirect: request.redirect,
  });
}

export function capturingLogger(): { readonly logger: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${inspect(fields ?? {}, { depth: 10 })}`);
  return {
    logger: {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
    },
    lines,
  };
}

/** The places an outcome's text can reach a log, a bug tracker or a screen. */
export function outcomeViews(
  outcome: { readonly error?: unknown; readonly result?: unknown },
  lines: readonly string[],
): Record<string, string> {
  const { error, result } = outcome;
  const views: Record<string, string> = {};
  if (error !== undefined) {
    views['String(err)'] = String(error);
    views['JSON.stringify(err)'] = JSON.stringify(error) ?? '';
    views['util.inspect(err)'] = inspect(error, { depth: 10 });
    if (error instanceof Error) {
      views.message = error.message;
      views.stack = error.stack ?? '';
    }
  }
  if (result !== undefined) views.result = JSON.stringify(result) ?? '';
  lines.forEach((line, index) => (views[`log line ${index + 1}`] = line));
  return views;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Raw, percent-encoded, JSON-escaped, base64 and base64url (alone or in a `Basic` pair). */
function leakForms(secret: string): string[] {
  const pairs = [secret, `:${secret}`, `${secret}:`, `user:${secret}`];
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    ...pairs.flatMap((text) => [b64(text).replace(/=+$/, ''), b64url(text)]),
  ];
}

/** Whether a base64 run in the text decodes, at any of its alignments, to text holding the secret. */
function leaksBase64(text: string, secret: string): boolean {
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let start = 0; start < 4; start++) {
      if (Buffer.from(run.slice(start), 'base64').toString('utf8').includes(secret)) return true;
    }
  }
  return false;
}

/** Where (by view name) a canary showed up; empty when nowhere. */
export function leaksOf(views: Record<string, string>, swaps: readonly Swap[]): string[] {
  const where: string[] = [];
  for (const [view, text] of Object.entries(views)) {
    for (const { canary } of swaps) {
      if (leakForms(canary).some((form) => text.includes(form)) || leaksBase64(text, canary)) {
        where.push(view);
      }
    }
  }
  return where;
}
