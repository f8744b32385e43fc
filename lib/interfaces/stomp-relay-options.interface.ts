/** Where and how to reach the external STOMP broker (Spring's `enableStompBrokerRelay`). */
export interface StompRelayOptions {
  /** Default `127.0.0.1` (Spring `setRelayHost`). */
  host?: string;
  /** Default 61613, RabbitMQ's STOMP port (Spring `setRelayPort`). */
  port?: number;
  /** Default `guest` (Spring `setSystemLogin`). */
  login?: string;
  /** Default `guest` (Spring `setSystemPasscode`). */
  passcode?: string;
  /** `host` header of CONNECT, e.g. a RabbitMQ virtual host (Spring `setVirtualHost`). Default `/`. */
  virtualHost?: string;
  /** Heart-beat with the broker, ms: [send every, expect every]. Default [10000, 10000] (Spring). */
  heartbeat?: [number, number];
  /** Wait before the first reconnection attempt, ms; doubled after each failed one, up to `maxReconnectDelay`. Default 5000 (Spring). */
  reconnectDelay?: number;
  /** Longest wait between reconnection attempts, ms. Default 30000. */
  maxReconnectDelay?: number;
  /** A `queues` queue unused (no consumer) this long is deleted by RabbitMQ (`x-expires`), with what it holds; 0 = never. Default 1 h. */
  queueExpiresMs?: number;
}

/** Relay options with every default applied. */
export type ResolvedRelayOptions = Required<StompRelayOptions>;
