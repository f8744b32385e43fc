import { STOMP_DEFAULTS, type OverflowPolicy } from './stomp.constants.js';
import type { StompModuleOptions } from './interfaces/stomp-module-options.interface.js';
import type { StompAuthorizationRule } from './security/destination.authorizer.js';
import type { ResolvedRelayOptions } from './broker/relay/relay.options.js';
import { rejectUnknownOptions } from './stomp-options.names.js';
import {
  authorizationRules, bool, endpointPath, fn, heartbeat, oneOf, optionalString, origins, positiveInt, prefixes, relayOptions,
} from './stomp-options.validators.js';
import type { HandlerErrorMode } from './handlers/error.reporter.js';
import { resolveAsyncApiOptions, type ResolvedAsyncApiOptions } from './asyncapi/asyncapi.options.js';
import { resolveMetricsOptions, type ResolvedMetricsOptions } from './metrics/metrics.options.js';

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
}

/** Applies defaults and checks every option; throws a StompOptionsError that says what to write. */
export function resolveStompOptions(options: StompModuleOptions = {}): ResolvedStompOptions {
  rejectUnknownOptions(options);
  const d = STOMP_DEFAULTS;
  const messageSizeLimit = positiveInt(options, 'messageSizeLimit', d.messageSizeLimit);
  return {
    endpoint: endpointPath(options.endpoint ?? d.endpoint),
    appPrefixes: prefixes(options.appPrefix, 'appPrefix'),
    brokerPrefixes: prefixes(options.brokerPrefixes, 'brokerPrefixes'),
    userDestinationPrefix: prefixes(options.userDestinationPrefix ?? d.userDestinationPrefix, 'userDestinationPrefix')[0],
    pathSeparator: oneOf(options, 'pathSeparator', ['/', '.'] as const, d.pathSeparator),
    sockJs: bool(options, 'sockJs', true),
    webSocketEnabled: bool(options, 'webSocketEnabled', true),
    sessionCookieNeeded: bool(options, 'sessionCookieNeeded', false),
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
    relay: relayOptions(options.relay),
    authorizationFailure: oneOf(options, 'authorizationFailure', ['error', 'report'] as const, 'error'),
    handlerErrors: oneOf(options, 'handlerErrors', ['report', 'fatal'] as const, 'report'),
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
  };
}
