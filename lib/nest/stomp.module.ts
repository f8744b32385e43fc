import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StompHandlerExplorer } from './handlers/handler.explorer.js';
import { StompMessageHandlers, type StompHandlerDefinition } from './handlers/message.handlers.js';
import { HandlerRegistry } from './handlers/handler.registry.js';
import { StompGatewayRoutes } from './gateway/gateway.routes.js';
import { StompCore } from '../engine/stomp.core.js';
import { SimpMessagingTemplate } from '../engine/messaging/simp-messaging.template.js';
import { StompBrokerRegistry } from '../engine/session/stomp.registry.js';
import { StompEndpoint } from './stomp.endpoint.js';
import { StompEvents } from '../engine/events/stomp.events.js';
import { StompServer } from '../engine/stomp.server.js';
import { STOMP_MODULE_OPTIONS } from './stomp.tokens.js';
import { resolveStompOptions } from '../engine/options/stomp.options.js';
import { StompOptionsError } from '../engine/errors/options.error.js';
import type { StompModuleAsyncOptions, StompOptionsFactory } from './stomp-module-async-options.interface.js';
import type { StompModuleOptions } from '../interfaces/stomp-options.interface.js';
import { StompAsyncApiExplorer } from './asyncapi/asyncapi.explorer.js';
import { StompAsyncApi } from './asyncapi/asyncapi.service.js';
import { StompMetrics } from './metrics/stomp.metrics.js';
import { HandlerTimings } from './metrics/handler.timings.js';
import { StompTracing } from './tracing/stomp.tracing.js';
import type { ResolvedStompOptions } from '../interfaces/resolved-stomp-options.interface.js';
import { BOOTSTRAP_MESSAGES } from '../engine/stomp.messages.js';

const logger = new Logger('StompModule');

/** The options after defaults and checks, resolved once for every provider. */
const ResolvedOptions = Symbol('STOMP_RESOLVED_OPTIONS');

const CORE_PROVIDERS: Provider[] = [
  { provide: ResolvedOptions, useFactory: (options: StompModuleOptions) => resolveStompOptions(options), inject: [STOMP_MODULE_OPTIONS] },
  {
    provide: StompTracing,
    useFactory: (options: ResolvedStompOptions) => (options.tracing ? StompTracing.load() : null),
    inject: [ResolvedOptions],
  },
  {
    provide: StompCore,
    useFactory: (options: ResolvedStompOptions, tracing: StompTracing | null) => new StompCore(options, logger, tracing?.inject),
    inject: [ResolvedOptions, StompTracing],
  },
  { provide: HandlerRegistry, useFactory: (core: StompCore) => new HandlerRegistry(core.matcher), inject: [StompCore] },
  { provide: StompGatewayRoutes, useFactory: () => new StompGatewayRoutes() },
  { provide: HandlerTimings, useFactory: () => new HandlerTimings() },
  {
    provide: StompMessageHandlers,
    useFactory: (
      core: StompCore,
      table: HandlerRegistry<StompHandlerDefinition>,
      gateways: StompGatewayRoutes,
      tracing: StompTracing | null,
      timings: HandlerTimings,
    ) => new StompMessageHandlers(core, table, gateways, tracing, core.options.metrics.enabled ? timings : null),
    inject: [StompCore, HandlerRegistry, StompGatewayRoutes, StompTracing, HandlerTimings],
  },
  {
    provide: StompServer,
    useFactory: (core: StompCore, handlers: StompMessageHandlers) => new StompServer(core, handlers, logger),
    inject: [StompCore, StompMessageHandlers],
  },
  { provide: StompBrokerRegistry, useFactory: (core: StompCore) => core.registry, inject: [StompCore] },
  { provide: SimpMessagingTemplate, useFactory: (core: StompCore) => core.template, inject: [StompCore] },
  { provide: StompEvents, useFactory: (core: StompCore) => core.events, inject: [StompCore] },
  StompHandlerExplorer,
  StompEndpoint,
  StompAsyncApiExplorer,
  StompAsyncApi,
  StompMetrics,
];

const EXPORTS = [StompServer, StompBrokerRegistry, SimpMessagingTemplate, StompEvents, StompAsyncApi];

/**
 * Spring's `@EnableWebSocketMessageBroker` for Nest: a STOMP endpoint (SockJS + WebSocket) on the
 * app's own HTTP server, an in-memory broker, and `SimpMessagingTemplate` for server push.
 */
@Module({})
export class StompModule {
  /** Configures the module with options known up front. */
  static forRoot(options: StompModuleOptions = {}): DynamicModule {
    return {
      module: StompModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: STOMP_MODULE_OPTIONS, useValue: options }, ...CORE_PROVIDERS],
      exports: EXPORTS,
    };
  }

  /** Configures the module from other providers (ConfigService, secrets) through a factory or a class. */
  static forRootAsync(options: StompModuleAsyncOptions): DynamicModule {
    return {
      module: StompModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [...asyncOptionsProviders(options), ...CORE_PROVIDERS],
      exports: EXPORTS,
    };
  }
}

function asyncOptionsProviders(options: StompModuleAsyncOptions): Provider[] {
  const ways = [options.useFactory, options.useClass, options.useExisting].filter((w) => w !== undefined);
  if (ways.length !== 1) {
    throw new StompOptionsError(
      'StompModule.forRootAsync takes exactly one of useFactory, useClass or useExisting, e.g. ' +
        '{ imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ endpoint: config.get("STOMP_ENDPOINT") }) }',
    );
  }
  if (options.useFactory) {
    return [{ provide: STOMP_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  }
  const factoryClass = (options.useClass ?? options.useExisting)!;
  const viaFactory: Provider = {
    provide: STOMP_MODULE_OPTIONS,
    useFactory: (factory: StompOptionsFactory) => {
      if (typeof factory?.createStompOptions !== 'function') {
        throw new StompOptionsError(BOOTSTRAP_MESSAGES.notAnOptionsFactory(factoryClass.name));
      }
      return factory.createStompOptions();
    },
    inject: [factoryClass],
  };
  return options.useClass ? [viaFactory, { provide: factoryClass, useClass: factoryClass }] : [viaFactory];
}
