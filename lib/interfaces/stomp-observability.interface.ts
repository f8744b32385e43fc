/**
 * The part of a prom-client `Registry` the module uses; typed here so that the module's types do
 * not need prom-client installed.
 */
export interface MetricsRegistry {
  registerMetric(metric: unknown): void;
  removeSingleMetric(name: string): void;
}

/** The `metrics` option: Prometheus series through prom-client (an optional peer dependency). */
export interface StompMetricsOptions {
  enabled?: boolean;
  /** A prom-client Registry (e.g. the one `@willsoto/nestjs-prometheus` serves); default prom-client's global `register`. */
  registry?: MetricsRegistry;
}

export interface ResolvedMetricsOptions {
  enabled: boolean;
  registry: MetricsRegistry | undefined;
}

/** The `asyncApi` option of `StompModule.forRoot`: the document is always built; `path` also serves it over HTTP. */
export interface StompAsyncApiOptions {
  /** HTTP path that serves the document as JSON (e.g. `/asyncapi.json`); none = only `StompAsyncApi.document()`. */
  path?: string;
  title?: string;
  version?: string;
  description?: string;
  /** `host[:port]` named in `servers` when the document is not served (the served one names the request's Host). Default `localhost`. */
  host?: string;
}

export interface ResolvedAsyncApiOptions {
  path: string | undefined;
  title: string;
  version: string;
  description: string | undefined;
  host: string;
}

/** A JSON Schema object, as AsyncAPI embeds it. */
export type JsonSchema = Record<string, unknown>;
