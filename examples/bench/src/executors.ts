/**
 * The same planned request, made four ways. Every executor sends the same bytes (headers aside:
 * the vendor clients add a User-Agent) and parses the JSON answer, so the tiers differ only in
 * the code between the caller and the socket.
 */
import createClient from 'openapi-fetch';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { AnyOpenApiClient, FetchLike, FormValue, PlannedCall, VendorPlan } from './plans.js';

/** A fixed boundary: the raw tiers write multipart by hand, as a hand-written integration would. */
const BOUNDARY = '----bench-3f9c2a71d4e8';

export interface EncodedBody {
  readonly body: string;
  readonly contentType: string;
}

export function encodeMultipart(fields: Readonly<Record<string, FormValue>>): EncodedBody {
  let body = '';
  for (const [name, value] of Object.entries(fields)) {
    const json = typeof value === 'object';
    body +=
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n` +
      (json ? 'Content-Type: application/json\r\n' : '') +
      `\r\n${json ? JSON.stringify(value) : String(value)}\r\n`;
  }
  return {
    body: `${body}--${BOUNDARY}--\r\n`,
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  };
}

export function expandPath(
  template: string,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined)
      throw new Error(`no value for path parameter {${name}} of ${template}`);
    return encodeURIComponent(String(value));
  });
}

function urlOf(plan: VendorPlan, call: PlannedCall): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...call.query, ...plan.query }))
    query.append(name, String(value));
  const search = query.toString();
  return `${plan.baseUrl}${expandPath(call.path, call.pathParams)}${search ? `?${search}` : ''}`;
}

function bodyOf(call: PlannedCall): EncodedBody | undefined {
  if (call.json !== undefined)
    return { body: JSON.stringify(call.json), contentType: 'application/json' };
  if (call.multipart) return encodeMultipart(call.multipart);
  return undefined;
}

function failed(call: PlannedCall, status: number): Error {
  return new Error(`${call.method} ${call.path}: HTTP ${status}`);
}

export type RawFetch = (input: string, init: RequestInit) => Promise<Response>;

/** `fetch(url, init)` by hand: the floor every fetch-based SDK stands on. */
export async function rawFetchCall(
  fetchImpl: RawFetch,
  plan: VendorPlan,
  call: PlannedCall,
): Promise<unknown> {
  const encoded = bodyOf(call);
  const headers: Record<string, string> = { Accept: 'application/json', ...plan.headers };
  if (encoded) headers['Content-Type'] = encoded.contentType;
  const response = await fetchImpl(urlOf(plan, call), {
    method: call.method,
    headers,
    ...(encoded ? { body: encoded.body } : {}),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw failed(call, response.status);
  }
  return response.json();
}

/** `undici.request`: no WHATWG Request/Response objects at all; the floor of Node HTTP clients. */
export async function undiciCall(
  dispatcher: Dispatcher,
  plan: VendorPlan,
  call: PlannedCall,
): Promise<unknown> {
  const encoded = bodyOf(call);
  const headers: Record<string, string> = { accept: 'application/json', ...plan.headers };
  if (encoded) headers['content-type'] = encoded.contentType;
  const response = await undiciRequest(urlOf(plan, call), {
    method: call.method,
    headers,
    dispatcher,
    ...(encoded ? { body: encoded.body } : {}),
  });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    throw failed(call, response.statusCode);
  }
  return response.body.json();
}

/** A bare openapi-fetch client on the vendor's base URL with its credentials as default headers. */
export function bareClient(plan: VendorPlan, fetch?: FetchLike): AnyOpenApiClient {
  return createClient({
    baseUrl: plan.baseUrl,
    headers: { Accept: 'application/json', ...plan.headers },
    ...(fetch ? { fetch } : {}),
  }) as unknown as AnyOpenApiClient;
}

/** Bare openapi-fetch: the user passes the query credentials and lays out multipart bodies themselves. */
export async function bareCall(
  client: AnyOpenApiClient,
  plan: VendorPlan,
  call: PlannedCall,
): Promise<unknown> {
  const init: Record<string, unknown> = {
    params: { path: call.pathParams ?? {}, query: { ...call.query, ...plan.query } },
  };
  if (call.json !== undefined) init.body = call.json;
  if (call.multipart) {
    const encoded = encodeMultipart(call.multipart);
    init.body = call.multipart;
    init.bodySerializer = () => encoded.body;
    init.headers = { 'Content-Type': encoded.contentType };
  }
  const { data, error, response } = await client[call.method](call.path, init);
  if (error !== undefined || !response.ok) throw failed(call, response.status);
  return data;
}

/** The vendor client: credentials, defaults and multipart layout come from the package. */
export async function clientCall(client: AnyOpenApiClient, call: PlannedCall): Promise<unknown> {
  const init: Record<string, unknown> = {
    params: { path: call.pathParams ?? {}, ...(call.query ? { query: call.query } : {}) },
  };
  if (call.json !== undefined) init.body = call.json;
  if (call.multipart) init.body = call.multipart;
  const { data, error, response } = await client[call.method](call.path, init);
  if (error !== undefined || !response.ok) throw failed(call, response.status);
  return data;
}
