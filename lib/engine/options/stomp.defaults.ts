import type { HandlerErrorMode } from '../../interfaces/stomp-error.interface.js';
import type { OverflowPolicy } from '../../interfaces/stomp-options.interface.js';
import type { ResolvedRelayOptions } from '../../interfaces/stomp-relay-options.interface.js';

/**
 * Every default in one table. Where Spring has the same setting, its default is used
 * (Spring Framework 6, `WebSocketTransportRegistration` and `SockJsServiceRegistration`); the rest are our own explicit limits.
 */
export const STOMP_DEFAULTS = {
  endpoint: '/stomp',
  sockJs: true,
  webSocketEnabled: true,
  sessionCookieNeeded: false,
  /** OpenTelemetry spans and `traceparent` propagation (needs @opentelemetry/api). */
  tracing: false,
  /** A denied frame is an ERROR and a close (Spring); `report` goes to the error destination instead. */
  authorizationFailure: 'error' as 'error' | 'report',
  handlerErrors: 'report' as HandlerErrorMode,
  userDestinationPrefix: '/user/',
  pathSeparator: '/',
  /** Spring `setStreamBytesLimit`. */
  streamBytesLimit: 128 * 1024,
  /** Spring `setHttpMessageCacheSize`. */
  httpMessageCacheSize: 100,
  /** Spring SockJS `setHeartbeatTime`. */
  sockJsHeartbeatTime: 25_000,
  /** Spring SockJS `setDisconnectDelay`. */
  disconnectDelay: 5_000,
  /** Spring `setMessageSizeLimit`: the largest STOMP frame a client may send. */
  messageSizeLimit: 64 * 1024,
  /** Spring `setSendBufferSizeLimit`. */
  sendBufferSizeLimit: 512 * 1024,
  /** Spring `setSendTimeLimit`. */
  sendTimeLimit: 10_000,
  overflowPolicy: 'terminate' as OverflowPolicy,
  maxHeaders: 64,
  maxHeaderLineLength: 8 * 1024,
  maxSubscriptionsPerSession: 1_000,
  /** Client pattern subscriptions: segments of one pattern, and `*`, `?`, `{` in one segment. */
  maxPatternSegments: 32,
  maxPatternWildcards: 8,
  /** Pattern subscriptions held by the in-memory broker, all sessions together. */
  maxPatternSubscriptions: 10_000,
  maxTransactionsPerSession: 16,
  maxFramesPerTransaction: 1_000,
  /** Bytes all open transactions of one session may hold together (as much as one slow client's send buffer). */
  transactionBytesLimit: 512 * 1024,
  /** Bytes of frames one session may hold waiting behind a busy (async) handler; at least one largest frame. */
  inboundBacklogBytesLimit: 1024 * 1024,
  /** Frames one session may hold waiting behind a busy (async) handler. */
  inboundBacklogFramesLimit: 1_000,
  /** Time a transport may stay open without a CONNECT frame. */
  connectTimeout: 10_000,
  /** STOMP heart-beat the server offers in CONNECTED (send, receive), as Spring's simple broker with a scheduler. */
  heartbeat: [10_000, 10_000] as [number, number],
  /** Shortest heart-beat period offered when a client asks for shorter ones (RabbitMQ follows the client too). */
  heartbeatMinInterval: 1_000,
  /** A client is dropped after this many missed heart-beat periods (RabbitMQ and @stomp/stompjs: 2; Spring's simple broker: 3). */
  heartbeatGraceFactor: 2,
  /** Cap on the body of one SockJS xhr_send/jsonp_send request: four STOMP frames of the largest size, JSON-escaped. */
  httpSendBytesLimitFactor: 4,
  /** Resolved-destination cache of the subscription registry (Spring `setCacheLimit`). */
  cacheLimit: 1024,
  errorDestination: '/queue/errors',
  /** Point-to-point queues: what one queue holds (waiting and unacknowledged together), and all queues together. */
  queueMessagesLimit: 10_000,
  queueBytesLimit: 8 * 1024 * 1024,
  queueTotalBytesLimit: 64 * 1024 * 1024,
  /** As RabbitMQ's quorum queues since 4.0: a message delivered this often without an ACK is a poison message. */
  queueDeliveryLimit: 20,
  /** Bytes the history of all destinations holds together (each message counted as in history.store.ts). */
  historyBytesLimit: 64 * 1024 * 1024,
} as const;

/** Close codes sent to a transport when the server ends a session. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  policyViolation: 1008,
  /** Spring `CloseStatus.SESSION_NOT_RELIABLE`: the client could not keep up. */
  sessionNotReliable: 4500,
} as const;

/** Relay defaults: Spring `StompBrokerRelayMessageHandler`'s, and RabbitMQ's STOMP port. */
export const RELAY_DEFAULTS: ResolvedRelayOptions = {
  host: '127.0.0.1',
  port: 61613,
  login: 'guest',
  passcode: 'guest',
  virtualHost: '/',
  heartbeat: [10_000, 10_000],
  reconnectDelay: 5_000,
  maxReconnectDelay: 30_000,
  queueExpiresMs: 3_600_000,
};
