export { StompModule } from './nest/stomp.module.js';
export { StompServer } from './engine/stomp.server.js';
export { SimpMessagingTemplate } from './engine/messaging/simp-messaging.template.js';
export { type TemplateHeaders } from './interfaces/stomp-template.interface.js';
export { StompBrokerRegistry } from './engine/session/stomp.registry.js';
export { type StompSessionView } from './interfaces/stomp-session.interface.js';
export { StompCounters } from './engine/session/stomp.counters.js';
export type { SessionSubscription } from './interfaces/stomp-session.interface.js';
export type { SessionCloseReason } from './interfaces/stomp-session.interface.js';
export type { StompModuleOptions, StompHistoryRule } from './interfaces/stomp-options.interface.js';
export type { StompPrincipal, StompConnectInfo } from './interfaces/stomp-principal.interface.js';
export type { StompModuleAsyncOptions, StompOptionsFactory } from './nest/stomp-module-async-options.interface.js';
export type { ResolvedStompOptions } from './interfaces/resolved-stomp-options.interface.js';
export type { StompRelayOptions } from './interfaces/stomp-relay-options.interface.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber } from './interfaces/message-broker.interface.js';
export type { AckMode } from './interfaces/stomp-session.interface.js';
export type { TransportName } from './interfaces/stomp-session.interface.js';
export type { StompFrame, StompHeaders, StompVersion } from './interfaces/stomp-frame.interface.js';
export { StompProtocolError } from './engine/errors/protocol.error.js';
export type { ProtocolErrorCode } from './interfaces/stomp-error.interface.js';
export { StompOptionsError } from './engine/errors/options.error.js';
export { STOMP_DEFAULTS } from './engine/options/stomp.defaults.js';
export { STOMP_CONTEXT_TYPE, STOMP_MODULE_OPTIONS } from './nest/stomp.tokens.js';
export { type OverflowPolicy } from './interfaces/stomp-options.interface.js';
export { StompEvents } from './engine/events/stomp.events.js';
export {
  type StompSessionEvent,
  type StompBrokerEvent,
  type StompEvent,
  type StompEventType,
  type ConnectListener,
} from './interfaces/stomp-events.interface.js';
export type { StompAuthorizationRule, AuthorizationDecision, DestinationAction } from './interfaces/stomp-authorization.interface.js';
export { MessageMapping, SubscribeMapping } from './nest/decorators/message-mapping.decorator.js';
export { SendTo, SendToUser, type SendToUserOptions } from './nest/decorators/send-to.decorator.js';
export {
  Payload,
  MessageHeader,
  MessageHeaders,
  DestinationVariable,
  Principal,
  StompSession,
} from './nest/decorators/param.decorators.js';
export { isStompContext, type StompMessage, type StompContextHost } from './nest/handlers/stomp-message.js';
export { BaseStompExceptionFilter } from './nest/errors/stomp-exception.filter.js';
export type { StompErrorBody, HandlerErrorMode } from './interfaces/stomp-error.interface.js';
export type { StompQueueView, StompQueueTotals, StompHistoryTotals } from './interfaces/stomp-queue.interface.js';
export { StompAdapter } from './nest/gateway/stomp.adapter.js';
export { StompGatewayClient } from './nest/gateway/stomp-gateway.client.js';
export { StompException } from './engine/errors/stomp.exception.js';
export { StompAsyncApi } from './nest/asyncapi/asyncapi.service.js';
export { StompPublishes, type StompPublishesOptions } from './nest/asyncapi/asyncapi.decorator.js';
export type { StompAsyncApiOptions, StompMetricsOptions, MetricsRegistry, JsonSchema } from './interfaces/stomp-observability.interface.js';
