import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { StompServer } from '../stomp.server.js';
import { StompOptionsError } from '../errors/options.error.js';
import type { MetricsRegistry } from './metrics.options.js';
import { registerStompMetrics } from './metrics.collectors.js';
import type * as PromClient from 'prom-client';

/** Puts the stomp_* series on a prom-client registry when the `metrics` option enables them. */
@Injectable()
export class StompMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('StompModule');
  private registered: { registry: MetricsRegistry; names: string[] } | undefined;

  constructor(@Inject(StompServer) private readonly server: StompServer) {}

  async onModuleInit(): Promise<void> {
    const { enabled, registry } = this.server.options.metrics;
    if (!enabled) return;
    const client = await loadPromClient();
    const target = (registry ?? client.register) as PromClient.Registry;
    this.registered = { registry: target, names: registerStompMetrics(client, target, this.server.registry) };
    this.logger.log(`Prometheus metrics: ${this.registered.names.join(', ')}`);
  }

  /** A second app in the same process (tests, hot reload) registers the same names again. */
  onModuleDestroy(): void {
    const registered = this.registered;
    this.registered = undefined;
    for (const name of registered?.names ?? []) registered!.registry.removeSingleMetric(name);
  }
}

async function loadPromClient(): Promise<typeof PromClient> {
  try {
    const loaded = await import('prom-client');
    // prom-client is CommonJS: under some loaders its exports sit on `default`.
    return ((loaded as { default?: unknown }).default ?? loaded) as typeof PromClient;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' && (error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new StompOptionsError("StompModule option 'metrics' is enabled but prom-client is not installed: npm install prom-client (or leave metrics off)");
  }
}
