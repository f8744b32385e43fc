import type { StompConnectInfo, StompPrincipal } from './stomp-principal.interface.js';
import type { StompAuthorizationRule } from './stomp-authorization.interface.js';
import type { StompRelayOptions } from './stomp-relay-options.interface.js';
import type { HandlerErrorMode } from './stomp-error.interface.js';
import type { StompAsyncApiOptions, StompMetricsOptions } from './stomp-observability.interface.js';

/** One conflated destination pattern; `key` names a header whose value tells messages apart (a price's symbol). */
export interface StompConflationRule {
  destination: string;
  key?: string;
}

/** What happens when a client cannot take messages as fast as they come. */
export type OverflowPolicy = 'terminate' | 'drop-oldest';

/** One history rule: destinations matching `destination` keep their last `size` messages (and none older than `maxAgeMs`). */
export interface StompHistoryRule {
  /** A destination or a pattern, as the broker matches them (`/topic/prices.*`, `/topic/chat/**`). */
  destination: string;
  /** Messages kept per destination. */
  size: number;
  /** Messages older than this are no longer replayed. */
  maxAgeMs?: number;
}

/** Options of `StompModule.forRoot`; every field has a default (see the README's options table). */
export interface StompModuleOptions {
  /** Path of the STOMP endpoint on the Nest HTTP server (Spring `addEndpoint`). Default `/stomp`. */
  endpoint?: string;
  /** Prefixes routed to `@MessageMapping` handlers (Spring `setApplicationDestinationPrefixes`). */
  appPrefix?: string | string[];
  /** Prefixes handled by the broker (Spring `enableSimpleBroker`); none means every other destination. */
  brokerPrefixes?: string | string[];
  /** Prefix of user destinations (Spring `setUserDestinationPrefix`). Default `/user/`. */
  userDestinationPrefix?: string;
  /** Segment separator of destinations: `/` (default) or `.` (Spring `AntPathMatcher(".")`). */
  pathSeparator?: '/' | '.';
  /** Serve SockJS (all its transports) at the endpoint. Default true. */
  sockJs?: boolean;
  /** Serve raw WebSocket at `<endpoint>/websocket` and SockJS's websocket transport. Default true. */
  webSocketEnabled?: boolean;
  /**
   * Set a JSESSIONID cookie on SockJS responses, for load balancers that route by it (sticky sessions,
   * which SockJS HTTP transports need across several processes). Default false.
   */
  sessionCookieNeeded?: boolean;
  /** Bytes written to one SockJS streaming response before the client must open a new one. */
  streamBytesLimit?: number;
  /** Messages held for a SockJS HTTP session between two requests. */
  httpMessageCacheSize?: number;
  /** SockJS heart-beat (`h` frame) period, ms. */
  sockJsHeartbeatTime?: number;
  /** Time a SockJS HTTP session may go without a receiving request before it is closed, ms. */
  disconnectDelay?: number;
  /** URL of the sockjs-client script for iframe transports; default: the copy the endpoint serves itself. */
  clientLibraryUrl?: string;
  /** Largest STOMP frame a client may send, bytes. */
  messageSizeLimit?: number;
  /** Bytes that may wait for a slow client before the overflow policy applies. */
  sendBufferSizeLimit?: number;
  /** How long a client may leave data unread before it is closed, ms. */
  sendTimeLimit?: number;
  /** What happens when a client cannot keep up: `terminate` (Spring) or `drop-oldest`. */
  overflowPolicy?: OverflowPolicy;
  /** Headers per frame. */
  maxHeaders?: number;
  /** Bytes of one header (or command) line. */
  maxHeaderLineLength?: number;
  maxSubscriptionsPerSession?: number;
  /** Segments of a client's SUBSCRIBE pattern (exact destinations are not limited); more is refused with PATTERN_TOO_COMPLEX. */
  maxPatternSegments?: number;
  /** `*`, `?` and `{` in one segment of a client's SUBSCRIBE pattern; more is refused with PATTERN_TOO_COMPLEX. */
  maxPatternWildcards?: number;
  /** Pattern subscriptions the in-memory broker holds, all sessions together; one more is refused with TOO_MANY_PATTERN_SUBSCRIPTIONS. */
  maxPatternSubscriptions?: number;
  /** Time a transport may stay open without a CONNECT frame, ms. */
  connectTimeout?: number;
  /** STOMP heart-beat offered in CONNECTED: [server sends every, server expects every], ms; [0, 0] turns it off. */
  heartbeat?: [number, number];
  /** Origins allowed to connect (`*` for any, `https://*.example.com` patterns). Default: same origin only. */
  allowedOrigins?: string[];
  /** Bytes of one SockJS send request body. */
  httpSendBytesLimit?: number;
  /** Size of the broker's resolved-destination cache (Spring `setCacheLimit`). */
  cacheLimit?: number;
  /**
   * Relay broker destinations through an external STOMP broker (RabbitMQ with rabbitmq_stomp) so
   * several processes share them (Spring `enableStompBrokerRelay`). Without it, an in-memory broker.
   */
  relay?: StompRelayOptions;
  /** Who may SUBSCRIBE or SEND where; the first matching rule decides, unnamed destinations are open. */
  authorization?: StompAuthorizationRule[];
  /**
   * What a handler error does: `report` (default) sends `{ message, destination, receipt? }` to the
   * sender's `/user/queue/errors` (ERROR frame and close if it did not subscribe there); `fatal`
   * always sends an ERROR frame and closes the session.
   */
  handlerErrors?: HandlerErrorMode;
  /** Where a handler's error reaches its sender, under the user prefix. Default `/queue/errors` (clients subscribe to `/user/queue/errors`). */
  errorDestination?: string;
  /** A denied frame: `error` (default) sends an ERROR frame and closes; `report` tells the client on its error destination and goes on. */
  authorizationFailure?: 'error' | 'report';
  /**
   * Shortest heart-beat period the server offers, ms: a client asking for shorter beats than `heartbeat`
   * gets its own period, but never below this. Default 1000.
   */
  heartbeatMinInterval?: number;
  /** Open transactions (BEGIN without COMMIT/ABORT) per session. Default 16. */
  maxTransactionsPerSession?: number;
  /** SEND, ACK and NACK frames one transaction may hold until COMMIT. Default 1000. */
  maxFramesPerTransaction?: number;
  /** Bytes all open transactions of one session hold together. Default 512 KiB (or `messageSizeLimit` when larger). */
  transactionBytesLimit?: number;
  /**
   * Bytes of frames one session may hold while its handler is still busy with an earlier one. Over it (or
   * `inboundBacklogFramesLimit`) a raw WebSocket stops being read until half is handled; SockJS gets ERROR and close.
   * Default 1 MiB (or `messageSizeLimit` when larger).
   */
  inboundBacklogBytesLimit?: number;
  /** Frames one session may hold while its handler is still busy with an earlier one. Default 1000. */
  inboundBacklogFramesLimit?: number;
  /**
   * Destination patterns (as the broker's, e.g. `['/queue/**']`) that are point-to-point queues: each message goes to one
   * subscriber, round-robin, held until acknowledged for `client` / `client-individual` subscriptions. With `relay`, RabbitMQ queues.
   */
  queues?: string[];
  /**
   * Destinations where a subscriber that falls behind gets the latest message, not a backlog: while its
   * send queue is over budget, a new message for the same destination (and the same value of header `key`)
   * replaces the one still waiting. Nobody is disconnected for being slow there.
   */
  conflate?: StompConflationRule | StompConflationRule[];
  /** Messages one queue holds (waiting and unacknowledged); one more SEND is refused with QUEUE_FULL. Default 10000. */
  queueMessagesLimit?: number;
  /** Bytes one queue holds (waiting and unacknowledged). Default 8 MiB (or `messageSizeLimit` when larger). */
  queueBytesLimit?: number;
  /** Bytes all queues hold together. Default 64 MiB (or `queueBytesLimit` when larger). */
  queueTotalBytesLimit?: number;
  /**
   * Deliveries of one queue message without an ACK (NACKed, or its consumer went) before it leaves the queue instead of
   * being redelivered again: a message every consumer fails on cannot circle forever. Default 20, as RabbitMQ's quorum queues.
   * In-memory queues only: with `relay`, RabbitMQ redelivers as its queue type does.
   */
  queueDeliveryLimit?: number;
  /** Where such a message goes (a broker destination, e.g. a queue `/queue/dead-letters`), with RabbitMQ's `x-first-death-*` headers; none = dropped. */
  queueDeadLetterDestination?: string;
  /**
   * Destinations that keep their last messages, so a client can resume where it left off (`x-stream-offset`
   * on SUBSCRIBE, see the README's Delivery guarantees). The first matching rule decides. With `relay`, RabbitMQ streams.
   */
  history?: StompHistoryRule[];
  /** Bytes the history of all destinations holds together; the oldest message anywhere goes first. Default 64 MiB. */
  historyBytesLimit?: number;
  /** Returns the principal of a connecting client, or throws / returns null to refuse it. */
  authenticate?: (info: StompConnectInfo) => StompPrincipal | null | undefined | Promise<StompPrincipal | null | undefined>;
  /** The AsyncAPI 3.0 document built from the decorators: its title, and the HTTP path that serves it (none by default). */
  asyncApi?: StompAsyncApiOptions;
  /** Prometheus series (stomp_sessions, stomp_frames_received_total, …) through prom-client; off by default. */
  metrics?: StompMetricsOptions;
  /**
   * OpenTelemetry traces through `@opentelemetry/api` (an optional peer): a span per handler invocation,
   * continued from the incoming frame's `traceparent`, and `traceparent` on every MESSAGE the template
   * sends meanwhile. Default false.
   */
  tracing?: boolean;
}
