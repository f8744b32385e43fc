import type { Server as HttpServer } from 'node:http';
import type { MessageBroker } from '../interfaces/message-broker.interface.js';
import type { ResolvedStompOptions } from '../interfaces/resolved-stomp-options.interface.js';
import type { DestinationMatcher } from './broker/destination.matcher.js';
import type { StompEvents } from './events/stomp.events.js';
import type { ApplicationDestinations } from './inbound/application.port.js';
import { InboundRouter, type InboundLog } from './inbound/inbound.router.js';
import type { SimpMessagingTemplate } from './messaging/simp-messaging.template.js';
import { STOMP_DEFAULTS } from './options/stomp.defaults.js';
import { HeartbeatWheel } from './session/heartbeat.wheel.js';
import type { SessionLimits } from './session/session.types.js';
import type { StompBrokerRegistry } from './session/stomp.registry.js';
import { StompSession } from './session/stomp.session.js';
import type { StompCore, StompCoreLog } from './stomp.core.js';
import { EndpointRegistrar, type EndpointLog } from './transport/endpoint.registrar.js';
import type { StompConnection } from './transport/stomp.connection.js';

/** Where the server logs: Nest's Logger fits. */
export type StompServerLog = EndpointLog & InboundLog & StompCoreLog;

/**
 * The whole STOMP server without Nest: endpoint, sessions and the inbound router over a core
 * (broker, outbound path, template). The Nest module only creates it, attaches it to Nest's HTTP
 * server and closes it.
 */
export class StompServer {
  private readonly router: InboundRouter;
  private readonly registrar: EndpointRegistrar;
  /** Every open transport's session, connected or not, for shutdown. */
  private readonly sessions = new Map<StompConnection, StompSession>();
  /** One close listener for every connection. */
  private readonly forget = (_reason: unknown, connection: StompConnection): void => void this.sessions.delete(connection);
  private readonly heartbeats = new HeartbeatWheel();
  /** One object for every session: a copy per session cost a hidden class and ~1 KB each. */
  private readonly sessionLimits: SessionLimits;

  constructor(
    readonly core: StompCore,
    application: ApplicationDestinations | undefined,
    log: StompServerLog,
  ) {
    const { options } = core;
    this.router = new InboundRouter({ ...core, options, application, log });
    this.sessionLimits = sessionLimitsOf(options);
    this.registrar = new EndpointRegistrar(options, (connection) => this.open(connection), log);
  }

  get options(): ResolvedStompOptions {
    return this.core.options;
  }

  get broker(): MessageBroker {
    return this.core.broker;
  }

  get matcher(): DestinationMatcher {
    return this.core.matcher;
  }

  get registry(): StompBrokerRegistry {
    return this.core.registry;
  }

  get template(): SimpMessagingTemplate {
    return this.core.template;
  }

  get events(): StompEvents {
    return this.core.events;
  }

  async attach(httpServer: HttpServer): Promise<void> {
    this.registrar.attach(httpServer);
    await this.core.broker.start?.();
  }

  /** Tells every session the server is going away, closes every transport and releases every timer. */
  async close(): Promise<void> {
    this.core.outbound.shutdown(this.sessions.values());
    this.registrar.detach();
    this.heartbeats.stop();
    await this.core.broker.close();
    this.core.events.complete();
  }

  private open(connection: StompConnection): void {
    const session = new StompSession(connection, this.router, this.sessionLimits, this.core.registry.counters, this.heartbeats);
    const backlog = this.core.registry.sendBacklog;
    if (backlog !== undefined) connection.observeBacklog?.(backlog);
    this.sessions.set(connection, session);
    connection.onClose(this.forget);
  }
}

function sessionLimitsOf(options: ResolvedStompOptions): SessionLimits {
  return {
    messageSizeLimit: options.messageSizeLimit,
    maxHeaders: options.maxHeaders,
    maxHeaderLineLength: options.maxHeaderLineLength,
    maxSubscriptionsPerSession: options.maxSubscriptionsPerSession,
    connectTimeout: options.connectTimeout,
    heartbeat: options.heartbeat,
    heartbeatMinInterval: options.heartbeatMinInterval,
    heartbeatGraceFactor: STOMP_DEFAULTS.heartbeatGraceFactor,
    maxTransactionsPerSession: options.maxTransactionsPerSession,
    maxFramesPerTransaction: options.maxFramesPerTransaction,
    transactionBytesLimit: options.transactionBytesLimit,
    inboundBacklogBytesLimit: options.inboundBacklogBytesLimit,
    inboundBacklogFramesLimit: options.inboundBacklogFramesLimit,
  };
}
