import { StompOptionsError } from '../errors/options.error.js';

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

export function resolveMetricsOptions(value: StompMetricsOptions | undefined): ResolvedMetricsOptions {
  if (value === undefined) return { enabled: false, registry: undefined };
  if (typeof value !== 'object' || value === null) {
    throw new StompOptionsError(`StompModule option 'metrics' takes an object such as { enabled: true }, got ${JSON.stringify(value)}`);
  }
  if (value.enabled !== undefined && typeof value.enabled !== 'boolean') {
    throw new StompOptionsError(`StompModule option 'metrics.enabled' must be true or false, got ${JSON.stringify(value.enabled)}`);
  }
  const registry = value.registry;
  if (registry !== undefined && (typeof registry?.registerMetric !== 'function' || typeof registry.removeSingleMetric !== 'function')) {
    throw new StompOptionsError(`StompModule option 'metrics.registry' must be a prom-client Registry (new Registry() or register)`);
  }
  return { enabled: value.enabled ?? true, registry };
}
