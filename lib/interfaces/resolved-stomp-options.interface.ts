import type { ResolvedAsyncApiOptions, ResolvedMetricsOptions } from './stomp-observability.interface.js';
import type { OverflowPolicy, StompConflationRule, StompHistoryRule, StompModuleOptions } from './stomp-options.interface.js';
import type { StompAuthorizationRule } from './stomp-authorization.interface.js';
import type { ResolvedRelayOptions } from './stomp-relay-options.interface.js';
import type { HandlerErrorMode } from './stomp-error.interface.js';

/** The options after defaults, normalisation and validation: what the running module uses. */
export interface ResolvedStompOptions {
  endpoint: string;
  /** Application prefixes, each ending with `/`. */
  appPrefixes: string[];
  /** Broker prefixes, each ending with `/`; empty = the broker takes every other destination. */
  brokerPrefixes: string[];
  userDestinationPrefix: string;
  pathSeparator: '/' | '.';
  sockJs: boolean;
  webSocketEnabled: boolean;
  streamBytesLimit: number;
  httpMessageCacheSize: number;
  sockJsHeartbeatTime: number;
  disconnectDelay: number;
  clientLibraryUrl: string | undefined;
  messageSizeLimit: number;
  sendBufferSizeLimit: number;
  sendTimeLimit: number;
  overflowPolicy: OverflowPolicy;
  maxHeaders: number;
  maxHeaderLineLength: number;
  maxSubscriptionsPerSession: number;
  maxPatternSegments: number;
  maxPatternWildcards: number;
  maxPatternSubscriptions: number;
  connectTimeout: number;
  heartbeat: [number, number];
  allowedOrigins: string[] | undefined;
  httpSendBytesLimit: number;
  cacheLimit: number;
  authenticate: StompModuleOptions['authenticate'];
  authorization: StompAuthorizationRule[];
  handlerErrors: HandlerErrorMode;
  /** Where handler errors go, under the user prefix: `/queue/errors` → clients subscribe to `/user/queue/errors`. */
  errorDestination: string;
  relay: ResolvedRelayOptions | undefined;
  authorizationFailure: 'error' | 'report';
  sessionCookieNeeded: boolean;
  heartbeatMinInterval: number;
  maxTransactionsPerSession: number;
  maxFramesPerTransaction: number;
  transactionBytesLimit: number;
  inboundBacklogBytesLimit: number;
  inboundBacklogFramesLimit: number;
  asyncApi: ResolvedAsyncApiOptions;
  metrics: ResolvedMetricsOptions;
  tracing: boolean;
  /** Point-to-point queue patterns; empty = every broker destination broadcasts. */
  queues: string[];
  conflate: StompConflationRule[];
  queueMessagesLimit: number;
  queueBytesLimit: number;
  queueTotalBytesLimit: number;
  queueDeliveryLimit: number;
  queueDeadLetterDestination?: string;
  history: StompHistoryRule[];
  historyBytesLimit: number;
}
