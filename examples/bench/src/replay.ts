/**
 * A stubbed `fetch` for the per-call overhead benchmark: answers from responses recorded off the
 * sandbox, so each tier parses the same realistic bodies, with no I/O at all.
 *
 * Like the real `fetch`, it builds a `Request` from its arguments whatever they are (the fetch
 * standard copies even a `Request` argument), so no tier skips work the real one would do. It does
 * not read the request body: that is the network's part, the same for every tier, and left out
 * so that what is measured is the code in front of `fetch`.
 */
import { createOrderMessaging } from '@org/order-messaging';
import type { FetchLike, VendorPlan } from './plans.js';

export interface RecordedResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** Responses by `METHOD /path`, in the order one `send` received them. */
export type Recording = ReadonlyMap<string, readonly RecordedResponse[]>;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'date',
  'transfer-encoding',
  'content-length',
]);

function keyOf(request: Request): string {
  return `${request.method} ${new URL(request.url).pathname}`;
}

/** Sends `text` once through the facade against a live sandbox and keeps every answer. */
export async function recordSend(plan: VendorPlan, text: string): Promise<Recording> {
  const recording = new Map<string, RecordedResponse[]>();
  const recordingFetch: FetchLike = async (request) => {
    const response = await fetch(request);
    const body = await response.text();
    const headers = [...response.headers].filter(([name]) => !HOP_BY_HOP.has(name));
    const list = recording.get(keyOf(request)) ?? [];
    list.push({ status: response.status, headers, body });
    recording.set(keyOf(request), list);
    return new Response(body, { status: response.status, headers });
  };
  const messaging = createOrderMessaging({
    connections: { [plan.vendor]: plan.connection({ fetch: recordingFetch, rateLimits: false }) },
  });
  await messaging.send(plan.vendor, { orderId: plan.orderId, text });
  return recording;
}

export type StubFetch = ((
  input: Request | string | URL,
  init?: RequestInit,
) => Promise<Response>) & {
  readonly calls: () => number;
};

/**
 * Replays a recording. A path answered several times in one send gets its answers in turn, so use
 * one stub per benchmark task. Requests the recorded send made and a later one skips (Mirakl's
 * M11, once the thread is known) are simply not asked for.
 */
export function replayFetch(recording: Recording): StubFetch {
  const turns = new Map<string, number>();
  let calls = 0;
  const stub = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const key = keyOf(request);
    const answers = recording.get(key);
    if (!answers || answers.length === 0) throw new Error(`replay: nothing recorded for ${key}`);
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    calls += 1;
    const answer = answers[turn % answers.length]!;
    return new Response(answer.body, {
      status: answer.status,
      headers: answer.headers as [string, string][],
    });
  };
  return Object.assign(stub, { calls: () => calls });
}
