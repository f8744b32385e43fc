import { registerAs, type ConfigType } from '@nestjs/config';
import type { StompModuleOptions, StompRelayOptions } from '../../../lib/index.js';
import { chatAccessRules } from '../auth/chat-access.rules.js';
import { loginByName } from '../auth/login.js';
import { envInt, envList, envString } from './env.reader.js';

/**
 * The original SocketConfiguration, value for value, each overridable from the environment:
 * `addEndpoint("/block")`, `setApplicationDestinationPrefixes("/dap")`, `enableSimpleBroker("/topic/")`,
 * `setStreamBytesLimit(512 * 1024)`, `setHttpMessageCacheSize(1000)`.
 * The original allowed every origin (`setAllowedOrigins("*")`); the sample keeps the safer
 * same-origin default, and `STOMP_ALLOWED_ORIGINS=*` restores the original.
 */
export const stompConfig = registerAs('stomp', () => ({
  endpoint: envString('STOMP_ENDPOINT', '/block'),
  appPrefix: envString('STOMP_APP_PREFIX', '/dap'),
  brokerPrefixes: envList('STOMP_BROKER_PREFIXES', ['/topic/']),
  streamBytesLimit: envInt('STOMP_STREAM_BYTES_LIMIT', 512 * 1024),
  httpMessageCacheSize: envInt('STOMP_HTTP_MESSAGE_CACHE_SIZE', 1000),
  allowedOrigins: envList('STOMP_ALLOWED_ORIGINS'),
  heartbeat: [envInt('STOMP_HEARTBEAT_SEND_MS', 10_000), envInt('STOMP_HEARTBEAT_RECEIVE_MS', 10_000)] as [number, number],
  disconnectDelay: envInt('STOMP_DISCONNECT_DELAY_MS', 5000),
  // None by default, as in the original; the operator page shows their depths.
  // E.g. STOMP_BROKER_PREFIXES=/topic/,/queue/ STOMP_QUEUES=/queue/jobs/**
  queues: envList('STOMP_QUEUES'),
  relay: relayFromEnv(),
}));

/**
 * `STOMP_RELAY_HOST` set: broker destinations go to RabbitMQ's STOMP plugin, so several processes of the
 * sample share them (`npm run cluster`). Unset: the in-memory broker, one process, as the original.
 */
function relayFromEnv():
  Required<Pick<StompRelayOptions, 'host' | 'port' | 'login' | 'passcode' | 'virtualHost' | 'reconnectDelay'>> | undefined {
  if (!process.env.STOMP_RELAY_HOST?.trim()) return undefined;
  return {
    host: envString('STOMP_RELAY_HOST', '127.0.0.1'),
    port: envInt('STOMP_RELAY_PORT', 61613, 1),
    login: envString('STOMP_RELAY_LOGIN', 'guest'),
    passcode: envString('STOMP_RELAY_PASSCODE', 'guest'),
    virtualHost: envString('STOMP_RELAY_VHOST', '/'),
    reconnectDelay: envInt('STOMP_RELAY_RECONNECT_DELAY_MS', 2000, 1),
  };
}

export type StompConfig = ConfigType<typeof stompConfig>;

/** The sample publishes under `/topic/`, so the broker must own that prefix whatever the environment says. */
export const TOPIC_PREFIX = '/topic/';

/**
 * What a page that lost its connection resumes (public/js/connection.js, through `nestjs-stomp/client`):
 * the dashboard topics and every room, each keeping more than a few minutes of the default chain's
 * pace (a block every 5 s, 4 transactions and 1 supply update a second) and far more than a room's 50
 * lines of @SubscribeMapping history. `/topic/users` is a whole list each time: the page fetches it again.
 */
export const SAMPLE_HISTORY = [
  { destination: `${TOPIC_PREFIX}blockInfo`, size: 500 },
  { destination: `${TOPIC_PREFIX}tranInfo`, size: 2000 },
  { destination: `${TOPIC_PREFIX}supply`, size: 600 },
  { destination: `${TOPIC_PREFIX}rooms/*`, size: 500 },
];

/**
 * `forRootAsync`'s factory: the configuration above, the login-by-name hook (no `login` header: a
 * guest), and the rule that guests may not SEND to the chat. A refused SEND is reported on the
 * sender's `/user/queue/errors` and the session goes on, so a guest's dashboard keeps running.
 */
export function stompOptionsFactory(config: StompConfig): StompModuleOptions {
  if (!config.brokerPrefixes.some((prefix) => TOPIC_PREFIX.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) {
    throw new Error(
      `STOMP_BROKER_PREFIXES must include ${TOPIC_PREFIX} (the sample publishes there), got '${config.brokerPrefixes.join(',')}'`,
    );
  }
  return {
    ...config,
    authenticate: loginByName,
    authorization: chatAccessRules(config.appPrefix),
    authorizationFailure: 'report',
    history: SAMPLE_HISTORY,
    asyncApi: {
      path: '/asyncapi.json',
      title: 'nestjs-stomp sample: blockchain dashboard and chat',
      description: 'The dashboard topics the server pushes, and the chat handlers a client SENDs to.',
    },
    metrics: { enabled: true },
  };
}
