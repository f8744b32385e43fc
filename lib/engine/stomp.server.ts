import type { Server as HttpServer } from 'node:http';
import { DestinationMatcher } from './broker/destination.matcher.js';
import type { MessageBroker } from '../interfaces/message-broker.interface.js';
import { SimpleBroker } from './broker/simple.broker.js';
import { StompBrokerRelay } from './broker/relay/broker.relay.js';
import { MessageDispatcher } from './inbound/message.dispatcher.js';
import { SimpMessagingTemplate } from './messaging/simp-messaging.template.js';
import { StompBrokerRegistry } from './session/stomp.registry.js';
import { StompSession } from './session/stomp.session.js';
import { CLOSE_CODES, STOMP_DEFAULTS } from './options/stomp.defaults.js';
import type { ResolvedStompOptions } from '../interfaces/resolved-stomp-options.interface.js';
import { EndpointRegistrar, type EndpointLog } from './transport/endpoint.registrar.js';
import { StompEvents } from './events/stomp.events.js';
import { DestinationAuthorizer } from './security/destination.authorizer.js';
import type { DispatcherLog } from './inbound/message.dispatcher.js';

/** Where the server logs: Nest's Logger fits. */
export type StompServerLog = EndpointLog & DispatcherLog;
import type { StompConnection } from './transport/stomp.connection.js';
import type { SessionLimits } from './session/session.types.js';
import { HeartbeatWheel } from './session/heartbeat.wheel.js';

/**
 * The whole STOMP server without Nest: endpoint, sessions, dispatcher, broker and template,
 * wired once. The Nest module only creates it, attaches it to Nest's HTTP server and closes it.
 */
export class StompServer {
  readonly matcher: DestinationMatcher;
  readonly broker: MessageBroker;
  readonly registry: StompBrokerRegistry;
  readonly dispatcher: MessageDispatcher;
  readonly template: SimpMessagingTemplate;
  readonly events = new StompEvents();
  private readonly registrar: EndpointRegistrar;
  private readonly sessions = new Set<StompSession>();
  private readonly heartbeats = new HeartbeatWheel();
  /** One object for every session: a copy per session cost a hidden class and ~1 KB each. */
  private readonly sessionLimits: SessionLimits;

  constructor(readonly options: ResolvedStompOptions, log: StompServerLog) {
    this.matcher = new DestinationMatcher(options.pathSeparator);
    this.broker = options.relay
      ? new StompBrokerRelay(options.relay, this.matcher, (available) => log.warn(`Broker relay ${available ? 'connected' : 'disconnected'}`))
      : new SimpleBroker(this.matcher, options.cacheLimit, options.maxPatternSubscriptions);
    this.registry = new StompBrokerRegistry(options, this.broker);
    const authorizer = new DestinationAuthorizer(options.authorization, this.matcher, options.authorizationFailure);
    this.dispatcher = new MessageDispatcher(options, this.broker, this.registry, this.events, authorizer, log);
    this.template = new SimpMessagingTemplate(this.dispatcher);
    this.sessionLimits = {
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
    this.registrar = new EndpointRegistrar(options, (connection) => this.open(connection), log);
  }

  async attach(httpServer: HttpServer): Promise<void> {
    this.registrar.attach(httpServer);
    await this.broker.start?.();
  }

  /** Tells every session the server is going away, closes every transport and releases every timer. */
  async close(): Promise<void> {
    for (const session of [...this.sessions]) {
      if (session.isConnected) session.sendFrame('ERROR', { message: 'Server shutting down' });
      session.close('shutdown', CLOSE_CODES.goingAway, 'Server shutting down');
    }
    this.registrar.detach();
    this.heartbeats.stop();
    await this.broker.close();
    this.events.complete();
  }

  private open(connection: StompConnection): void {
    const session = new StompSession(connection, this.dispatcher, this.sessionLimits, this.registry.counters, this.heartbeats);
    this.sessions.add(session);
    connection.onClose(() => this.sessions.delete(session));
  }
}
