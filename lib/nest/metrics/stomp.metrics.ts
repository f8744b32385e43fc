import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { StompServer } from '../../engine/stomp.server.js';
import { StompOptionsError } from '../../engine/errors/options.error.js';
import { attachStompMetrics } from './metrics.collectors.js';
import { HandlerTimings } from './handler.timings.js';
import type * as PromClient from 'prom-client';

/** Puts the stomp_* series on a prom-client registry when the `metrics` option enables them. */
@Injectable()
export class StompMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('StompModule');
  private detach: (() => void) | undefined;

  constructor(
    @Inject(StompServer) private readonly server: StompServer,
    @Inject(HandlerTimings) private readonly timings: HandlerTimings,
  ) {}

  async onModuleInit(): Promise<void> {
    const { enabled, registry } = this.server.options.metrics;
    if (!enabled) return;
    const client = await loadPromClient();
    const target = (registry ?? client.register) as PromClient.Registry;
    this.detach = attachStompMetrics(client, target, this.server.registry, this.timings);
    this.logger.log('Prometheus metrics: stomp_* series registered');
  }

  /** The last app on a registry removes the series, so one started later (tests, hot reload) registers them again. */
  onModuleDestroy(): void {
    this.detach?.();
    this.detach = undefined;
  }
}

async function loadPromClient(): Promise<typeof PromClient> {
  try {
    const loaded = await import('prom-client');
    // prom-client is CommonJS: under some loaders its exports sit on `default`.
    return ((loaded as { default?: unknown }).default ?? loaded) as typeof PromClient;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' && (error as { code?: string }).code !== 'MODULE_NOT_FOUND')
      throw error;
    throw new StompOptionsError(
      "StompModule option 'metrics' is enabled but prom-client is not installed: npm install prom-client (or leave metrics off)",
    );
  }
}
