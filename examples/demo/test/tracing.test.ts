/**
 * The README's OpenTelemetry example, run: spans from a real SDK (in memory), the trace context
 * reaching the sandbox on the request, a 429 attempt and its retry as two spans of one trace.
 */
import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createOrderMessaging } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingHooks } from '../src/tracing.js';

let sandbox: Sandbox;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(async () => {
  sandbox = await startSandbox();
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  propagation.disable();
  await provider.shutdown();
  await sandbox.close();
});

describe('tracing hooks (OpenTelemetry)', () => {
  it('one client span per attempt, its trace context on the request, errors marked', async () => {
    const traceparents: string[] = [];
    const tapped = (request: Request, init?: RequestInit) => {
      const header = request.headers.get('traceparent');
      if (header) traceparents.push(header);
      return globalThis.fetch(request, init);
    };
    const { baseUrl, token } = sandbox.vendors.spp;
    const messaging = createOrderMessaging({
      connections: { shop: { adapter: spp({ baseUrl, token }), fetch: tapped } },
      hooks: tracingHooks(provider.getTracer('test')),
    });
    sandbox.faults.inject({
      vendor: 'spp',
      operationId: 'createOrderMessage',
      status: 429,
      retryAfter: 0,
    });
    const orderId = String(sandbox.seed.spp.orderWithoutMessages.number);
    await messaging.send('shop', { orderId, text: 'Traced through OpenTelemetry.' });

    const posts = exporter
      .getFinishedSpans()
      .filter((s) => s.attributes['http.request.method'] === 'POST');
    expect(posts.map((s) => s.attributes['http.response.status_code'])).toEqual([429, 201]);
    expect(posts.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(posts.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
    expect(posts[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(posts[1]!.attributes['order_messaging.request_id']).toEqual(expect.any(String));
    // Each attempt carried its own span's context.
    const spanIds = posts.map((s) => s.spanContext().spanId);
    for (const id of spanIds) expect(traceparents.some((t) => t.includes(id))).toBe(true);
  });
});
