import { StompOptionsError } from '../errors/options.error.js';
import type {
  ResolvedAsyncApiOptions,
  ResolvedMetricsOptions,
  StompAsyncApiOptions,
  StompMetricsOptions,
} from '../../interfaces/stomp-observability.interface.js';

const text = (value: unknown, name: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new StompOptionsError(`StompModule option 'asyncApi.${name}' must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
};

export function resolveAsyncApiOptions(value: StompAsyncApiOptions | undefined): ResolvedAsyncApiOptions {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new StompOptionsError(
      `StompModule option 'asyncApi' takes an object such as { path: '/asyncapi.json' }, got ${JSON.stringify(value)}`,
    );
  }
  const path = text(value?.path, 'path');
  if (path !== undefined && (!path.startsWith('/') || /[\s?#]/.test(path))) {
    throw new StompOptionsError(`StompModule option 'asyncApi.path' must be a path such as '/asyncapi.json', got ${JSON.stringify(path)}`);
  }
  return {
    path,
    title: text(value?.title, 'title') ?? 'STOMP API',
    version: text(value?.version, 'version') ?? '1.0.0',
    description: text(value?.description, 'description'),
    host: text(value?.host, 'host') ?? 'localhost',
  };
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
