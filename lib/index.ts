export { StompModule } from './stomp.module.js';
export { StompServer } from './stomp.server.js';
export { SimpMessagingTemplate, type TemplateHeaders } from './messaging/simp-messaging.template.js';
export { StompBrokerRegistry, type StompSessionView } from './session/stomp.registry.js';
export { StompCounters } from './session/stomp.counters.js';
export type { StompSession, SessionSubscription } from './session/stomp.session.js';
export type { SessionCloseReason } from './session/session.types.js';
export type {
  StompModuleOptions,
  StompModuleAsyncOptions,
  StompOptionsFactory,
  StompPrincipal,
  StompConnectInfo,
} from './interfaces/stomp-module-options.interface.js';
export type { ResolvedStompOptions } from './stomp.options.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber, AckMode } from './broker/message-broker.interface.js';
export type { TransportName } from './transport/stomp.connection.js';
export type { StompFrame, StompHeaders, StompVersion } from './protocol/frame.model.js';
export { StompProtocolError, type ProtocolErrorCode } from './errors/protocol.error.js';
export { StompOptionsError } from './errors/options.error.js';
export { STOMP_DEFAULTS, STOMP_CONTEXT_TYPE, type OverflowPolicy } from './stomp.constants.js';
export { StompEvents, type StompSessionEvent, type StompEventType, type ConnectListener } from './events/stomp.events.js';
export type { StompAuthorizationRule, AuthorizationDecision, DestinationAction } from './security/destination.authorizer.js';
