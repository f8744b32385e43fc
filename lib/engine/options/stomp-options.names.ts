import { StompOptionsError } from '../errors/options.error.js';

/** Every option name `forRoot` takes. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'endpoint',
  'appPrefix',
  'brokerPrefixes',
  'userDestinationPrefix',
  'pathSeparator',
  'sockJs',
  'webSocketEnabled',
  'streamBytesLimit',
  'httpMessageCacheSize',
  'sockJsHeartbeatTime',
  'disconnectDelay',
  'clientLibraryUrl',
  'messageSizeLimit',
  'sendBufferSizeLimit',
  'sendTimeLimit',
  'overflowPolicy',
  'maxHeaders',
  'maxHeaderLineLength',
  'maxSubscriptionsPerSession',
  'connectTimeout',
  'heartbeat',
  'allowedOrigins',
  'httpSendBytesLimit',
  'cacheLimit',
  'authenticate',
  'authorization',
  'authorizationFailure',
  'relay',
  'sessionCookieNeeded',
  'handlerErrors',
  'errorDestination',
  // Session limits (heart-beat floor, transactions, inbound backlog).
  'heartbeatMinInterval',
  'maxTransactionsPerSession',
  'maxFramesPerTransaction',
  'transactionBytesLimit',
  'inboundBacklogBytesLimit',
  'inboundBacklogFramesLimit',
  'maxPatternSegments',
  'maxPatternWildcards',
  'maxPatternSubscriptions',
  'asyncApi',
  'metrics',
  'tracing',
  // Point-to-point queues.
  'queues',
  'queueMessagesLimit',
  'queueBytesLimit',
  'queueTotalBytesLimit',
  'queueDeliveryLimit',
  'queueDeadLetterDestination',
  'conflate',
  'history',
  'historyBytesLimit',
]);

/** Spring configuration names users bring along, and the option that does the same here. */
const SPRING_NAMES: Readonly<Record<string, string>> = {
  enableSimpleBroker: 'brokerPrefixes',
  simpleBroker: 'brokerPrefixes',
  applicationDestinationPrefixes: 'appPrefix',
  setApplicationDestinationPrefixes: 'appPrefix',
  addEndpoint: 'endpoint',
  allowedOriginPatterns: 'allowedOrigins',
  setAllowedOriginPatterns: 'allowedOrigins',
  enableStompBrokerRelay: 'relay',
  heartbeatValue: 'heartbeat',
  setHeartbeatValue: 'heartbeat',
  heartbeatTime: 'sockJsHeartbeatTime',
  setHeartbeatTime: 'sockJsHeartbeatTime',
  timeToFirstMessage: 'connectTimeout',
  setTimeToFirstMessage: 'connectTimeout',
};

/** `setStreamBytesLimit` → `streambyteslimit`: Spring setters name our options. */
function springless(key: string): string {
  return key.replace(/^set(?=[A-Z])/, '').toLowerCase();
}

/** Throws for a name `forRoot` does not know, suggesting the one that was meant (typos, case, Spring's names). */
export function rejectUnknownOptions(options: object): void {
  if (typeof options !== 'object' || options === null) {
    throw new StompOptionsError('StompModule options must be an object, e.g. StompModule.forRoot({ endpoint: "/stomp" })');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const hint = SPRING_NAMES[key] ?? [...KNOWN_OPTIONS].find((known) => editDistance(known.toLowerCase(), springless(key)) <= 2);
      throw new StompOptionsError(
        `Unknown StompModule option '${key}'` + (hint ? `: did you mean '${hint}'?` : `; known options: ${[...KNOWN_OPTIONS].join(', ')}`),
      );
    }
  }
}

/** Levenshtein distance, for "did you mean" on misspelt option names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
