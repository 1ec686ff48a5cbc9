/**
 * OpenTelemetry tracing for order messaging: a client span per HTTP attempt, its trace context
 * sent on the request (`traceparent`), status and the vendor's request id recorded. The same
 * code as the facade README's "Request hooks" example; `test/tracing.test.ts` runs it.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { RequestHooks } from '@org/order-messaging';

/** Hooks that trace every attempt with `tracer`; give them as `hooks` to the facade or a connection. */
export function tracingHooks(tracer: Tracer = trace.getTracer('order-messaging')): RequestHooks {
  const spans = new Map<string, Span>();
  const finish = (id: string) => {
    const span = spans.get(id);
    spans.delete(id);
    return span;
  };
  return {
    onRequest(e) {
      const span = tracer.startSpan(`${e.method} ${e.operation}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': e.method,
          'url.full': e.url,
          'http.request.resend_count': e.attempt - 1,
          'order_messaging.connection': e.connection,
          'order_messaging.vendor': e.vendor,
        },
      });
      spans.set(e.id, span);
      propagation.inject(trace.setSpan(context.active(), span), e, {
        set: (event, key, value) => event.setHeader(key, value),
      });
    },
    onResponse(e) {
      const span = finish(e.id);
      span?.setAttribute('http.response.status_code', e.status);
      if (e.requestId) span?.setAttribute('order_messaging.request_id', e.requestId);
      if (e.status >= 400) span?.setStatus({ code: SpanStatusCode.ERROR });
      span?.end();
    },
    onError(e) {
      const span = finish(e.id);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (e.error as Error).message });
      span?.end();
    },
  };
}
