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
  /** Wait between reconnection attempts, ms. Default 5000 (Spring). */
  reconnectDelay?: number;
}

/** Relay options with every default applied. */
export type ResolvedRelayOptions = Required<StompRelayOptions>;
