import type { SessionCloseReason } from '../../interfaces/stomp-session.interface.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompProtocolError } from '../errors/protocol.error.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { StompSession } from './stomp.session.js';
import type { TransactionLimits } from './transaction.buffer.js';
import type { InboundBacklogLimits } from './inbound.backlog.js';

/** Everything a session hands on to the rest of the server, in the order frames arrive. */
export interface SessionRouter {
  /** Resolves the principal of a CONNECT, or throws StompProtocolError('AUTHENTICATION_FAILED'). */
  authenticate(session: StompSession, frame: StompFrame): StompPrincipal | undefined | Promise<StompPrincipal | undefined>;
  connected(session: StompSession): void;
  send(session: StompSession, frame: StompFrame): void | Promise<void>;
  subscribe(session: StompSession, subscriptionId: string, destination: string, ackMode: AckMode, frame: StompFrame): void | Promise<void>;
  unsubscribe(session: StompSession, subscriptionId: string): void | Promise<void>;
  ack(session: StompSession, ackId: string, accepted: boolean): void | Promise<void>;
  closed(session: StompSession, reason: SessionCloseReason): void;
  /** A frame was refused without ending the session (StompProtocolError with `fatal` false): tell the client. */
  refused(session: StompSession, frame: StompFrame, error: StompProtocolError): void;
  /** An unexpected error ended the session; the client was told only "Internal error". */
  internalError(session: StompSession, error: unknown): void;
}

/** The limits a session enforces itself. */
export interface SessionLimits extends TransactionLimits, InboundBacklogLimits {
  messageSizeLimit: number;
  maxHeaders: number;
  maxHeaderLineLength: number;
  maxSubscriptionsPerSession: number;
  connectTimeout: number;
  heartbeat: [number, number];
  /** The shortest heart-beat period the server offers when a client asks for shorter. */
  heartbeatMinInterval: number;
  heartbeatGraceFactor: number;
}
