import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StompHandlerExplorer } from './handlers/handler.explorer.js';
import { StompMessageHandlers } from './handlers/message.handlers.js';
import { SimpMessagingTemplate } from './messaging/simp-messaging.template.js';
import { StompBrokerRegistry } from './session/stomp.registry.js';
import { StompEndpoint } from './stomp.endpoint.js';
import { StompEvents } from './events/stomp.events.js';
import { StompServer } from './stomp.server.js';
import { STOMP_MODULE_OPTIONS } from './stomp.constants.js';
import { resolveStompOptions } from './stomp.options.js';
import { StompOptionsError } from './errors/options.error.js';
import { StompAsyncApiExplorer } from './asyncapi/asyncapi.explorer.js';
import { StompAsyncApi } from './asyncapi/asyncapi.service.js';
import { StompMetrics } from './metrics/stomp.metrics.js';
import type {
  StompModuleAsyncOptions,
  StompModuleOptions,
  StompOptionsFactory,
} from './interfaces/stomp-module-options.interface.js';

const logger = new Logger('StompModule');

const CORE_PROVIDERS: Provider[] = [
  {
    provide: StompServer,
    useFactory: (options: StompModuleOptions) => new StompServer(resolveStompOptions(options), logger),
    inject: [STOMP_MODULE_OPTIONS],
  },
  { provide: StompBrokerRegistry, useFactory: (server: StompServer) => server.registry, inject: [StompServer] },
  { provide: SimpMessagingTemplate, useFactory: (server: StompServer) => server.template, inject: [StompServer] },
  { provide: StompEvents, useFactory: (server: StompServer) => server.events, inject: [StompServer] },
  { provide: StompMessageHandlers, useFactory: (server: StompServer) => new StompMessageHandlers(server), inject: [StompServer] },
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
        throw new StompOptionsError(`${factoryClass.name} must implement StompOptionsFactory: add a createStompOptions() method`);
      }
      return factory.createStompOptions();
    },
    inject: [factoryClass],
  };
  return options.useClass ? [viaFactory, { provide: factoryClass, useClass: factoryClass }] : [viaFactory];
}
