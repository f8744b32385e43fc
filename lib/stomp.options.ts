import { STOMP_DEFAULTS, type OverflowPolicy } from './stomp.constants.js';
import { StompOptionsError } from './errors/options.error.js';
import type { StompModuleOptions } from './interfaces/stomp-module-options.interface.js';
import type { StompAuthorizationRule } from './security/destination.authorizer.js';
import { RELAY_DEFAULTS, type ResolvedRelayOptions, type StompRelayOptions } from './broker/relay/relay.options.js';
import type { HandlerErrorMode } from './handlers/error.reporter.js';

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
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'endpoint', 'appPrefix', 'brokerPrefixes', 'userDestinationPrefix', 'pathSeparator', 'sockJs',
  'webSocketEnabled', 'streamBytesLimit', 'httpMessageCacheSize', 'sockJsHeartbeatTime', 'disconnectDelay',
  'clientLibraryUrl', 'messageSizeLimit', 'sendBufferSizeLimit', 'sendTimeLimit', 'overflowPolicy',
  'maxHeaders', 'maxHeaderLineLength', 'maxSubscriptionsPerSession', 'connectTimeout', 'heartbeat',
  'allowedOrigins', 'httpSendBytesLimit', 'cacheLimit', 'authenticate', 'authorization', 'authorizationFailure', 'relay', 'sessionCookieNeeded',
  'handlerErrors', 'errorDestination',
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
  };
}

function rejectUnknownOptions(options: object): void {
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

function endpointPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) {
    throw new StompOptionsError(`StompModule option 'endpoint' must be a path such as '/stomp', got ${JSON.stringify(value)}`);
  }
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') {
    throw new StompOptionsError(`StompModule option 'endpoint' cannot be '/': give the endpoint its own path such as '/stomp'`);
  }
  return trimmed;
}

function prefixes(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item !== 'string' || !item.startsWith('/') || item.length < 2) {
      throw new StompOptionsError(`StompModule option '${name}' takes destination prefixes such as '/topic', got ${JSON.stringify(item)}`);
    }
    // Spring appends the trailing slash too, so '/topic' does not also claim '/topics'.
    return item.endsWith('/') ? item : `${item}/`;
  });
}

function positiveInt<K extends keyof StompModuleOptions>(options: StompModuleOptions, name: K, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StompOptionsError(`StompModule option '${name}' must be a positive whole number, got ${JSON.stringify(value)} (default ${fallback})`);
  }
  return value;
}

function bool(options: StompModuleOptions, name: 'sockJs' | 'webSocketEnabled' | 'sessionCookieNeeded', fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new StompOptionsError(`StompModule option '${name}' must be true or false`);
  return value;
}

function oneOf<K extends keyof StompModuleOptions, V extends string>(
  options: StompModuleOptions,
  name: K,
  allowed: readonly V[],
  fallback: V,
): V {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as V)) {
    throw new StompOptionsError(`StompModule option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as V;
}

function optionalString(options: StompModuleOptions, name: 'clientLibraryUrl'): string | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'string') throw new StompOptionsError(`StompModule option '${name}' must be a URL string`);
  return value;
}

function fn<K extends 'authenticate'>(options: StompModuleOptions, name: K): StompModuleOptions[K] {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') throw new StompOptionsError(`StompModule option '${name}' must be a function`);
  return value;
}

function heartbeat(value: unknown): [number, number] {
  const valid = Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (!valid) {
    throw new StompOptionsError(`StompModule option 'heartbeat' must be [sendEveryMs, expectEveryMs], e.g. [10000, 10000] or [0, 0] to turn it off`);
  }
  return [value[0], value[1]];
}

function origins(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((o) => typeof o === 'string' && o.length > 0)) {
    throw new StompOptionsError(`StompModule option 'allowedOrigins' takes origins such as ['https://app.example.com'] or ['*']`);
  }
  return list.map((o: string) => o.replace(/\/+$/, ''));
}

function authorizationRules(value: unknown): StompAuthorizationRule[] {
  if (value === undefined) return [];
  const isDecision = (d: unknown): boolean => d === undefined || typeof d === 'boolean' || typeof d === 'function';
  const valid =
    Array.isArray(value) &&
    value.every(
      (rule: StompAuthorizationRule) =>
        rule !== null &&
        typeof rule === 'object' &&
        (typeof rule.destination === 'string' || (Array.isArray(rule.destination) && rule.destination.every((d) => typeof d === 'string'))) &&
        isDecision(rule.subscribe) &&
        isDecision(rule.send),
    );
  if (!valid) {
    throw new StompOptionsError(
      "StompModule option 'authorization' takes rules such as [{ destination: '/topic/admin/**', subscribe: (user) => user?.admin === true, send: false }]",
    );
  }
  return value;
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

function relayOptions(value: StompRelayOptions | undefined): ResolvedRelayOptions | undefined {
  if (value === undefined) return undefined;
  const relay = { ...RELAY_DEFAULTS, ...value };
  const valid =
    typeof relay.host === 'string' &&
    Number.isInteger(relay.port) && relay.port > 0 && relay.port < 65536 &&
    typeof relay.login === 'string' && typeof relay.passcode === 'string' && typeof relay.virtualHost === 'string' &&
    Number.isInteger(relay.reconnectDelay) && relay.reconnectDelay > 0;
  if (!valid) {
    throw new StompOptionsError(
      "StompModule option 'relay' takes { host: '127.0.0.1', port: 61613, login: 'guest', passcode: 'guest', virtualHost: '/', reconnectDelay: 5000 }",
    );
  }
  return { ...relay, heartbeat: heartbeat(relay.heartbeat) };
}
