export { StompModule } from './nest/stomp.module.js';
export { StompServer } from './engine/stomp.server.js';
export { SimpMessagingTemplate, type TemplateHeaders } from './engine/messaging/simp-messaging.template.js';
export { StompBrokerRegistry, type StompSessionView } from './engine/session/stomp.registry.js';
export { StompCounters } from './engine/session/stomp.counters.js';
export type { SessionSubscription } from './engine/session/stomp.session.js';
export type { SessionCloseReason } from './engine/session/session.types.js';
export type {
  StompModuleOptions,
  StompModuleAsyncOptions,
  StompOptionsFactory,
  StompPrincipal,
  StompConnectInfo,
} from './interfaces/stomp-module-options.interface.js';
export type { ResolvedStompOptions } from './engine/options/stomp.options.js';
export type { StompRelayOptions } from './engine/broker/relay/relay.options.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber, AckMode } from './engine/broker/message-broker.interface.js';
export type { TransportName } from './engine/transport/stomp.connection.js';
export type { StompFrame, StompHeaders, StompVersion } from './engine/protocol/frame.model.js';
export { StompProtocolError, type ProtocolErrorCode } from './engine/errors/protocol.error.js';
export { StompOptionsError } from './engine/errors/options.error.js';
export { STOMP_DEFAULTS, STOMP_CONTEXT_TYPE, STOMP_MODULE_OPTIONS, type OverflowPolicy } from './engine/options/stomp.defaults.js';
export { StompEvents, type StompSessionEvent, type StompEventType, type ConnectListener } from './engine/events/stomp.events.js';
export type { StompAuthorizationRule, AuthorizationDecision, DestinationAction } from './engine/security/destination.authorizer.js';
export { MessageMapping, SubscribeMapping } from './nest/decorators/message-mapping.decorator.js';
export { SendTo, SendToUser, type SendToUserOptions } from './nest/decorators/send-to.decorator.js';
export { Payload, MessageHeader, MessageHeaders, DestinationVariable, Principal, StompSession } from './nest/decorators/param.decorators.js';
export { isStompContext, type StompMessage, type StompContextHost } from './nest/handlers/stomp-message.js';
export { BaseStompExceptionFilter } from './nest/errors/stomp-exception.filter.js';
export type { StompErrorBody, HandlerErrorMode } from './nest/errors/error.reporter.js';
export { StompAdapter } from './nest/gateway/stomp.adapter.js';
export { StompGatewayClient } from './nest/gateway/stomp-gateway.client.js';
export { StompException } from './engine/errors/stomp.exception.js';
