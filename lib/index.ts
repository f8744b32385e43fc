export { StompModule } from './stomp.module.js';
export { StompServer } from './stomp.server.js';
export { SimpMessagingTemplate, type TemplateHeaders } from './messaging/simp-messaging.template.js';
export { StompBrokerRegistry, type StompSessionView } from './session/stomp.registry.js';
export { StompCounters } from './session/stomp.counters.js';
export type { SessionSubscription } from './session/stomp.session.js';
export type { SessionCloseReason } from './session/session.types.js';
export type {
  StompModuleOptions,
  StompModuleAsyncOptions,
  StompOptionsFactory,
  StompPrincipal,
  StompConnectInfo,
} from './interfaces/stomp-module-options.interface.js';
export type { ResolvedStompOptions } from './stomp.options.js';
export type { StompRelayOptions } from './broker/relay/relay.options.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber, AckMode } from './broker/message-broker.interface.js';
export type { TransportName } from './transport/stomp.connection.js';
export type { StompFrame, StompHeaders, StompVersion } from './protocol/frame.model.js';
export { StompProtocolError, type ProtocolErrorCode } from './errors/protocol.error.js';
export { StompOptionsError } from './errors/options.error.js';
export { STOMP_DEFAULTS, STOMP_CONTEXT_TYPE, STOMP_MODULE_OPTIONS, type OverflowPolicy } from './stomp.constants.js';
export { StompEvents, type StompSessionEvent, type StompEventType, type ConnectListener } from './events/stomp.events.js';
export type { StompAuthorizationRule, AuthorizationDecision, DestinationAction } from './security/destination.authorizer.js';
export { MessageMapping, SubscribeMapping } from './handlers/message-mapping.decorator.js';
export { SendTo, SendToUser, type SendToUserOptions } from './handlers/send-to.decorator.js';
export { Payload, MessageHeader, MessageHeaders, DestinationVariable, Principal, StompSession } from './handlers/param.decorators.js';
export { isStompContext, type StompMessage, type StompContextHost } from './handlers/stomp-message.js';
export { BaseStompExceptionFilter } from './handlers/stomp-exception.filter.js';
export type { StompErrorBody, HandlerErrorMode } from './handlers/error.reporter.js';
export { StompAdapter } from './handlers/stomp.adapter.js';
export { StompGatewayClient } from './handlers/stomp-gateway.client.js';
export { StompException } from './errors/stomp.exception.js';
export { StompAsyncApi } from './asyncapi/asyncapi.service.js';
export { StompPublishes, type StompPublishesOptions } from './asyncapi/asyncapi.decorator.js';
export type { StompAsyncApiOptions } from './asyncapi/asyncapi.options.js';
export type { JsonSchema } from './asyncapi/asyncapi.document.js';
export type { StompMetricsOptions, MetricsRegistry } from './metrics/metrics.options.js';
