/**
 * Test helpers for code built on the vendor clients: a `fetch` that records
 * every request and answers from a script, without any network.
 */

export interface RecordedRequest {
  /** The request method, upper case as `Request` normalises it (`GET`, `POST`). */
  readonly method: string;
  /** The full request URL, query included (credentials placed in the query are visible here). */
  readonly url: URL;
  /** The request headers as sent, `Authorization` and `User-Agent` included. */
  readonly headers: Headers;
  /** The request, cloned before the client could consume it; read its body at will. */
  readonly request: Request;
  /** The body as text; may be read any number of times. */
  text(): Promise<string>;
  /** The body parsed as JSON; rejects when it is not JSON. */
  json(): Promise<unknown>;
  /**
   * The body parsed as multipart or URL-encoded form data, to check the parts a multipart operation
   * sent.
   */
  formData(): Promise<FormData>;
}

/**
 * Answers one recorded request: a `Response`, or a promise of one (throw or reject to simulate a
 * network failure).
 */
export type Responder = (request: Request) => Response | Promise<Response>;

/**
 * A `Response` with `body` as JSON (`Content-Type: application/json` plus `headers`); an
 * `undefined` body gives an empty one.
 *
 * @example
 * ```ts
 * const { fetch } = recordingFetch(() => jsonResponse(429, { message: 'slow down' }, { 'Retry-After': '1' }));
 * ```
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * A `fetch` for the vendor clients' `fetch` option that records every request and answers with
 * `responder` (default: 200 `{}`), without any network.
 *
 * Returns `fetch` (pass it to the client), `requests` (every request so far, oldest first) and
 * `last()`, which throws when nothing was sent.
 *
 * @example
 * ```ts
 * import { createSppClient } from '@org/spp-client';
 * import { jsonResponse, recordingFetch } from '@org/http-runtime/testing';
 *
 * const recorder = recordingFetch(() => jsonResponse(201, { data: { id: 1 } }));
 * const client = createSppClient({ workspaceUrl: 'acme.spp.co', token: 't', fetch: recorder.fetch });
 * await client.POST('/api/order_messages/{order}', {
 *   params: { path: { order: 'E4A269FC' } },
 *   body: { message: 'Hello' },
 * });
 * recorder.last().headers.get('authorization'); // 'Bearer t'
 * ```
 */
export function recordingFetch(responder: Responder = () => jsonResponse(200, {})) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request =
      input instanceof Request && init === undefined ? input : new Request(input, init);
    const copy = request.clone();
    requests.push({
      method: copy.method,
      url: new URL(copy.url),
      headers: copy.headers,
      request: copy,
      text: () => copy.clone().text(),
      json: () => copy.clone().json(),
      formData: () => copy.clone().formData(),
    });
    return responder(request);
  };
  return {
    /** The recording `fetch`, to pass as the client's `fetch` option. */
    fetch,
    /** Every request received so far, oldest first. */
    requests,
    /** The latest request; throws `Error('no request was sent')` when there is none. */
    last(): RecordedRequest {
      const last = requests.at(-1);
      if (!last) throw new Error('no request was sent');
      return last;
    },
  };
}
