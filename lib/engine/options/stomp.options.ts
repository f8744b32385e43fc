import { STOMP_DEFAULTS } from './stomp.defaults.js';
import type { StompModuleOptions } from '../../interfaces/stomp-options.interface.js';
import { rejectUnknownOptions } from './stomp-options.names.js';
import { deadLetterDestination, queuePatterns } from '../broker/queue/queue.options.js';
import { conflationRules } from './conflation.options.js';
import {
  authorizationRules,
  bool,
  endpointPath,
  fn,
  heartbeat,
  historyRules,
  oneOf,
  optionalString,
  origins,
  positiveInt,
  prefixes,
  relayOptions,
} from './stomp-options.validators.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import { resolveAsyncApiOptions, resolveMetricsOptions } from './observability.options.js';

/** Applies defaults and checks every option; throws a StompOptionsError that says what to write. */
export function resolveStompOptions(options: StompModuleOptions = {}): ResolvedStompOptions {
  rejectUnknownOptions(options);
  const d = STOMP_DEFAULTS;
  const messageSizeLimit = positiveInt(options, 'messageSizeLimit', d.messageSizeLimit);
  const brokerPrefixes = prefixes(options.brokerPrefixes, 'brokerPrefixes');
  const queueBytesLimit = positiveInt(options, 'queueBytesLimit', Math.max(d.queueBytesLimit, messageSizeLimit));
  const relay = relayOptions(options.relay);
  return {
    endpoint: endpointPath(options.endpoint ?? d.endpoint),
    appPrefixes: prefixes(options.appPrefix, 'appPrefix'),
    brokerPrefixes,
    userDestinationPrefix: prefixes(options.userDestinationPrefix ?? d.userDestinationPrefix, 'userDestinationPrefix')[0],
    pathSeparator: oneOf(options, 'pathSeparator', ['/', '.'] as const, d.pathSeparator),
    sockJs: bool(options, 'sockJs', d.sockJs),
    webSocketEnabled: bool(options, 'webSocketEnabled', d.webSocketEnabled),
    sessionCookieNeeded: bool(options, 'sessionCookieNeeded', d.sessionCookieNeeded),
    streamBytesLimit: positiveInt(options, 'streamBytesLimit', d.streamBytesLimit),
    httpMessageCacheSize: positiveInt(options, 'httpMessageCacheSize', d.httpMessageCacheSize),
    sockJsHeartbeatTime: positiveInt(options, 'sockJsHeartbeatTime', d.sockJsHeartbeatTime),
    disconnectDelay: positiveInt(options, 'disconnectDelay', d.disconnectDelay),
    clientLibraryUrl: optionalString(options, 'clientLibraryUrl'),
    messageSizeLimit,
    sendBufferSizeLimit: positiveInt(options, 'sendBufferSizeLimit', d.sendBufferSizeLimit),
    sendTimeLimit: positiveInt(options, 'sendTimeLimit', d.sendTimeLimit),
    overflowPolicy: oneOf(options, 'overflowPolicy', ['terminate', 'drop-oldest'] as const, d.overflowPolicy),
    maxHeaders: positiveInt(options, 'maxHeaders', d.maxHeaders),
    maxHeaderLineLength: positiveInt(options, 'maxHeaderLineLength', d.maxHeaderLineLength),
    maxSubscriptionsPerSession: positiveInt(options, 'maxSubscriptionsPerSession', d.maxSubscriptionsPerSession),
    maxPatternSegments: positiveInt(options, 'maxPatternSegments', d.maxPatternSegments),
    maxPatternWildcards: positiveInt(options, 'maxPatternWildcards', d.maxPatternWildcards),
    maxPatternSubscriptions: positiveInt(options, 'maxPatternSubscriptions', d.maxPatternSubscriptions),
    connectTimeout: positiveInt(options, 'connectTimeout', d.connectTimeout),
    heartbeat: heartbeat(options.heartbeat ?? d.heartbeat),
    allowedOrigins: origins(options.allowedOrigins),
    httpSendBytesLimit: positiveInt(options, 'httpSendBytesLimit', messageSizeLimit * d.httpSendBytesLimitFactor),
    cacheLimit: positiveInt(options, 'cacheLimit', d.cacheLimit),
    authenticate: fn(options, 'authenticate'),
    authorization: authorizationRules(options.authorization),
    relay,
    authorizationFailure: oneOf(options, 'authorizationFailure', ['error', 'report'] as const, d.authorizationFailure),
    handlerErrors: oneOf(options, 'handlerErrors', ['report', 'fatal'] as const, d.handlerErrors),
    errorDestination: prefixes(options.errorDestination ?? d.errorDestination, 'errorDestination')[0].replace(/\/$/, ''),
    heartbeatMinInterval: positiveInt(options, 'heartbeatMinInterval', d.heartbeatMinInterval),
    maxTransactionsPerSession: positiveInt(options, 'maxTransactionsPerSession', d.maxTransactionsPerSession),
    maxFramesPerTransaction: positiveInt(options, 'maxFramesPerTransaction', d.maxFramesPerTransaction),
    // One largest frame always fits, whatever messageSizeLimit is.
    transactionBytesLimit: positiveInt(options, 'transactionBytesLimit', Math.max(d.transactionBytesLimit, messageSizeLimit)),
    inboundBacklogBytesLimit: positiveInt(options, 'inboundBacklogBytesLimit', Math.max(d.inboundBacklogBytesLimit, messageSizeLimit)),
    inboundBacklogFramesLimit: positiveInt(options, 'inboundBacklogFramesLimit', d.inboundBacklogFramesLimit),
    asyncApi: resolveAsyncApiOptions(options.asyncApi),
    metrics: resolveMetricsOptions(options.metrics),
    tracing: bool(options, 'tracing', d.tracing),
    conflate: conflationRules(options.conflate),
    queues: queuePatterns(options.queues, brokerPrefixes),
    queueMessagesLimit: positiveInt(options, 'queueMessagesLimit', d.queueMessagesLimit),
    queueBytesLimit,
    // One fullest queue always fits.
    queueTotalBytesLimit: positiveInt(options, 'queueTotalBytesLimit', Math.max(d.queueTotalBytesLimit, queueBytesLimit)),
    queueDeliveryLimit: positiveInt(options, 'queueDeliveryLimit', d.queueDeliveryLimit),
    queueDeadLetterDestination: deadLetterDestination(options.queueDeadLetterDestination, brokerPrefixes),
    history: historyRules(options.history),
    historyBytesLimit: positiveInt(options, 'historyBytesLimit', d.historyBytesLimit),
  };
}
