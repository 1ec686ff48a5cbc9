/**
 * Request bodies the resilient fetch can send again without copying a stream.
 *
 * A `Request` holds its body as a single-use stream, so a retry-capable call used to
 * `request.clone()` every attempt: a tee of that stream, which `fetch` then copies once more
 * through a proxy stream. Profiles of a stubbed send put that at a quarter of the facade's CPU.
 * When the body was built from a string or a `Blob` (every body openapi-fetch serializes, and
 * every multipart body of the runtime), the value itself can be handed to each attempt as
 * `init.body`; `fetch` then builds its request from it directly and never reads the original's
 * stream.
 */

/** Body values that are immutable once given, so every attempt sends the same bytes. */
export type ReplayableBody = string | Blob;

const bodies = new WeakMap<Request, ReplayableBody>();

function isReplayable(body: unknown): body is ReplayableBody {
  return typeof body === 'string' || body instanceof Blob;
}

/** Notes the value `request` was built from, when sending that value again is the same request. */
export function rememberBody(request: Request, body: unknown): void {
  if (isReplayable(body)) bodies.set(request, body);
}

/** The value `request`'s body was built from, if it was noted and can be sent again as is. */
export function replayableBodyOf(request: Request): ReplayableBody | undefined {
  return bodies.get(request);
}

/**
 * The `Request` the vendor clients give openapi-fetch: an ordinary `Request` that also notes a
 * string or `Blob` body, so the resilient fetch can send it on every attempt without a clone.
 */
export class ReplayableRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    if (init?.body != null) rememberBody(this, init.body);
  }
}
