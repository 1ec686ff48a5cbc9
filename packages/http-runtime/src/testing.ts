/**
 * Test helpers for code built on the vendor clients: a `fetch` that records
 * every request and answers from a script, without any network.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  /** The request, cloned before the client could consume it; read its body at will. */
  readonly request: Request;
  text(): Promise<string>;
  json(): Promise<unknown>;
  formData(): Promise<FormData>;
}

export type Responder = (request: Request) => Response | Promise<Response>;

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
    fetch,
    requests,
    last(): RecordedRequest {
      const last = requests.at(-1);
      if (!last) throw new Error('no request was sent');
      return last;
    },
  };
}
