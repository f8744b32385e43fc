import { StompOptionsError } from '../errors/options.error.js';
import type { StompHistoryRule, StompModuleOptions } from '../../interfaces/stomp-options.interface.js';
import type { StompAuthorizationRule } from '../../interfaces/stomp-authorization.interface.js';
import { RELAY_DEFAULTS } from './stomp.defaults.js';
import { type ResolvedRelayOptions, type StompRelayOptions } from '../../interfaces/stomp-relay-options.interface.js';

// One check per kind of option value; each throws a StompOptionsError that says what to write.

export function endpointPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) {
    throw new StompOptionsError(`StompModule option 'endpoint' must be a path such as '/stomp', got ${JSON.stringify(value)}`);
  }
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') {
    throw new StompOptionsError(`StompModule option 'endpoint' cannot be '/': give the endpoint its own path such as '/stomp'`);
  }
  return trimmed;
}

export function prefixes(value: unknown, name: string): string[] {
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

export function positiveInt<K extends keyof StompModuleOptions>(options: StompModuleOptions, name: K, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StompOptionsError(
      `StompModule option '${name}' must be a positive whole number, got ${JSON.stringify(value)} (default ${fallback})`,
    );
  }
  return value;
}

export function bool(
  options: StompModuleOptions,
  name: 'sockJs' | 'webSocketEnabled' | 'sessionCookieNeeded' | 'tracing',
  fallback: boolean,
): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new StompOptionsError(`StompModule option '${name}' must be true or false`);
  return value;
}

export function oneOf<K extends keyof StompModuleOptions, V extends string>(
  options: StompModuleOptions,
  name: K,
  allowed: readonly V[],
  fallback: V,
): V {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as V)) {
    throw new StompOptionsError(
      `StompModule option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as V;
}

export function optionalString(options: StompModuleOptions, name: 'clientLibraryUrl'): string | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'string') throw new StompOptionsError(`StompModule option '${name}' must be a URL string`);
  return value;
}

export function fn<K extends 'authenticate'>(options: StompModuleOptions, name: K): StompModuleOptions[K] {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') throw new StompOptionsError(`StompModule option '${name}' must be a function`);
  return value;
}

export function heartbeat(value: unknown): [number, number] {
  const valid = Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (!valid) {
    throw new StompOptionsError(
      `StompModule option 'heartbeat' must be [sendEveryMs, expectEveryMs], e.g. [10000, 10000] or [0, 0] to turn it off`,
    );
  }
  return [value[0], value[1]];
}

export function origins(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((o) => typeof o === 'string' && o.length > 0)) {
    throw new StompOptionsError(`StompModule option 'allowedOrigins' takes origins such as ['https://app.example.com'] or ['*']`);
  }
  return list.map((o: string) => o.replace(/\/+$/, ''));
}

export function authorizationRules(value: unknown): StompAuthorizationRule[] {
  if (value === undefined) return [];
  const isDecision = (d: unknown): boolean => d === undefined || typeof d === 'boolean' || typeof d === 'function';
  const valid =
    Array.isArray(value) &&
    value.every(
      (rule: StompAuthorizationRule) =>
        rule !== null &&
        typeof rule === 'object' &&
        (typeof rule.destination === 'string' ||
          (Array.isArray(rule.destination) && rule.destination.every((d) => typeof d === 'string'))) &&
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

const HISTORY_EXAMPLE = "[{ destination: '/topic/prices.*', size: 1000, maxAgeMs: 60000 }]";

export function historyRules(value: unknown): StompHistoryRule[] {
  if (value === undefined) return [];
  const count = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  const valid =
    Array.isArray(value) &&
    value.every(
      (rule: StompHistoryRule) =>
        rule !== null &&
        typeof rule === 'object' &&
        typeof rule.destination === 'string' &&
        rule.destination.startsWith('/') &&
        count(rule.size) &&
        (rule.maxAgeMs === undefined || count(rule.maxAgeMs)) &&
        Object.keys(rule).every((key) => key === 'destination' || key === 'size' || key === 'maxAgeMs'),
    );
  if (!valid)
    throw new StompOptionsError(
      `StompModule option 'history' takes rules such as ${HISTORY_EXAMPLE} (size and maxAgeMs positive whole numbers)`,
    );
  return value.map((rule: StompHistoryRule) => ({ ...rule }));
}

export function relayOptions(value: StompRelayOptions | undefined): ResolvedRelayOptions | undefined {
  if (value === undefined) return undefined;
  const relay = { ...RELAY_DEFAULTS, ...value };
  // A reconnectDelay above the default longest wait is the longest wait too.
  if (value.maxReconnectDelay === undefined && Number.isInteger(relay.reconnectDelay)) {
    relay.maxReconnectDelay = Math.max(RELAY_DEFAULTS.maxReconnectDelay, relay.reconnectDelay);
  }
  const valid =
    typeof relay.host === 'string' &&
    Number.isInteger(relay.port) &&
    relay.port > 0 &&
    relay.port < 65536 &&
    typeof relay.login === 'string' &&
    typeof relay.passcode === 'string' &&
    typeof relay.virtualHost === 'string' &&
    Number.isInteger(relay.reconnectDelay) &&
    relay.reconnectDelay > 0 &&
    Number.isInteger(relay.maxReconnectDelay) &&
    relay.maxReconnectDelay >= relay.reconnectDelay &&
    Number.isInteger(relay.queueExpiresMs) &&
    relay.queueExpiresMs >= 0;
  if (!valid) {
    throw new StompOptionsError(
      "StompModule option 'relay' takes { host: '127.0.0.1', port: 61613, login: 'guest', passcode: 'guest', virtualHost: '/', reconnectDelay: 5000, maxReconnectDelay: 30000, queueExpiresMs: 3600000 }" +
        ' (maxReconnectDelay at least reconnectDelay)',
    );
  }
  return { ...relay, heartbeat: heartbeat(relay.heartbeat) };
}
