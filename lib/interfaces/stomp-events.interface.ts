import type { ProtocolErrorCode } from './stomp-error.interface.js';
import type { StompPrincipal } from './stomp-principal.interface.js';
import type { SessionCloseReason, TransportName } from './stomp-session.interface.js';
import type { StompHeaders } from './stomp-frame.interface.js';

interface SessionEventBase {
  sessionId: string;
  /** The principal's name, or the session id for an anonymous session (as Spring). */
  user: string;
  principal: StompPrincipal | undefined;
  transport: TransportName;
}

/** Every session lifecycle event, told apart by `type` (Spring's Session*Event family). */
export type StompSessionEvent =
  | (SessionEventBase & { type: 'connect'; headers: StompHeaders })
  | (SessionEventBase & { type: 'connected' })
  | (SessionEventBase & { type: 'subscribe'; subscriptionId: string; destination: string })
  | (SessionEventBase & { type: 'unsubscribe'; subscriptionId: string })
  | (SessionEventBase & { type: 'disconnect'; reason: SessionCloseReason; code?: ProtocolErrorCode });

/** The broker relay's connection came (`available: true`) or went; the in-memory broker never emits it. */
export interface StompBrokerEvent {
  type: 'broker';
  available: boolean;
}

/** Everything StompEvents tells: session lifecycle (`events$`) and broker availability (`broker$`). */
export type StompEvent = StompSessionEvent | StompBrokerEvent;

export type StompEventType = StompEvent['type'];

/** Runs before CONNECTED is sent; throwing (or rejecting) refuses the session with an ERROR frame. */
export type ConnectListener = (event: Extract<StompSessionEvent, { type: 'connect' }>) => void | Promise<void>;
