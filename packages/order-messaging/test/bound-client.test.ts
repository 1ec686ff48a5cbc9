/**
 * The view of a connection's client that one facade call hands its adapter: every request goes
 * through the call's fetch and signal, however the adapter calls the method.
 */
import { createSppClient } from '@org/spp-client';
import { describe, expect, it } from 'vitest';
import { bindClient } from '../src/call-context.js';

interface Seen {
  readonly via: string;
  readonly method: string;
  readonly signal: AbortSignal | undefined;
}

function recordingFetch(via: string, seen: Seen[]): typeof globalThis.fetch {
  return (async (input: Request) => {
    seen.push({ via, method: input.method, signal: input.signal });
    return Response.json({ ok: true });
  }) as typeof globalThis.fetch;
}

describe('bindClient', () => {
  const seen: Seen[] = [];
  // Any openapi-fetch client: the facade binds every built-in one the same way.
  const client = createSppClient({
    token: 'test-token',
    baseUrl: 'http://127.0.0.1:9',
    fetch: recordingFetch('connection', seen),
  });

  it('sends every method through the call fetch, called on the view or detached', async () => {
    seen.length = 0;
    const view = bindClient(client, recordingFetch('call', seen)) as unknown as Record<
      string,
      (...args: unknown[]) => Promise<{ data?: unknown }>
    >;
    expect((await view['GET']!('/a')).data).toEqual({ ok: true });
    const { POST } = view;
    await POST!('/b', { body: {} });
    await view['request']!('put', '/c', { body: {} });
    expect(seen.map((s) => `${s.via} ${s.method}`)).toEqual(['call GET', 'call POST', 'call PUT']);
  });

  it('keeps each call to its own fetch and signal, and the client to its own', async () => {
    seen.length = 0;
    const controller = new AbortController();
    const first = bindClient(client, recordingFetch('first', seen), controller.signal);
    const second = bindClient(client, recordingFetch('second', seen));
    await (first as unknown as typeof client).GET('/x' as never);
    await (second as unknown as typeof client).GET('/x' as never);
    await client.GET('/x' as never);
    expect(seen.map((s) => s.via)).toEqual(['first', 'second', 'connection']);
    // openapi-fetch builds each Request with the call's signal: the request follows its abort.
    controller.abort();
    expect(seen.map((s) => s.signal?.aborted)).toEqual([true, false, false]);
    expect((first as unknown as typeof client).use).toBe(client.use);
  });
});
