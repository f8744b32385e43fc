import type * as OtelApi from '@opentelemetry/api';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import { StompOptionsError } from '../../engine/errors/options.error.js';

type Api = typeof OtelApi;

const TRACER_NAME = 'nestjs-stomp';

/** Reads and writes W3C trace context (`traceparent`, `tracestate`) on STOMP headers. */
const headerGetter: OtelApi.TextMapGetter<StompHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};
const headerSetter: OtelApi.TextMapSetter<StompHeaders> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

/**
 * Traces across STOMP through `@opentelemetry/api` (an optional peer): a span per handler
 * invocation, its parent taken from the incoming frame's `traceparent`, and the active context
 * written onto every MESSAGE the template sends meanwhile (`@SendTo`, `@SendToUser`, pushes), so one
 * trace runs browser → handler → every subscriber. Without an SDK registered the API is a no-op.
 */
export class StompTracing {
  private constructor(private readonly api: Api) {}

  /** Loads the API, or fails at bootstrap saying what to install. */
  static async load(): Promise<StompTracing> {
    try {
      return new StompTracing(await import('@opentelemetry/api'));
    } catch {
      throw new StompOptionsError(
        "StompModule option 'tracing' needs @opentelemetry/api: npm i @opentelemetry/api (and an OpenTelemetry SDK)",
      );
    }
  }

  /** Adds the active trace context to outgoing MESSAGE headers (the template's header hook). */
  readonly inject = (headers: StompHeaders): void => {
    this.api.propagation.inject(this.api.context.active(), headers, headerSetter);
  };

  /** Runs one handler invocation in a span named after its mapping (`SEND /app/rooms/{roomId}/send`). */
  run<T>(name: string, destination: string, sessionId: string, frameHeaders: StompHeaders, work: () => Promise<T>): Promise<T> {
    const { api } = this;
    const parent = api.propagation.extract(api.ROOT_CONTEXT, frameHeaders, headerGetter);
    const attributes = { 'messaging.system': 'stomp', 'messaging.destination.name': destination, 'messaging.stomp.session': sessionId };
    return api.trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind: api.SpanKind.SERVER, attributes }, parent, async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: api.SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
