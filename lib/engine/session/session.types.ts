import type { SessionEnding } from '../../interfaces/stomp-session.interface.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompProtocolError } from '../errors/protocol.error.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { TransactionLimits } from './transaction.buffer.js';
import type { InboundBacklogLimits } from './inbound.backlog.js';
import type { FrameParserLimits } from '../protocol/frame.parser.js';

/** Everything a session `S` hands on to the rest of the server, in the order frames arrive. */
export interface SessionRouter<S> {
  /** Resolves the principal of a CONNECT, or throws StompProtocolError('AUTHENTICATION_FAILED'). */
  authenticate(session: S, frame: StompFrame): StompPrincipal | undefined | Promise<StompPrincipal | undefined>;
  connected(session: S): void;
  send(session: S, frame: StompFrame): void | Promise<void>;
  subscribe(session: S, subscriptionId: string, destination: string, ackMode: AckMode, frame: StompFrame): void | Promise<void>;
  unsubscribe(session: S, subscriptionId: string): void | Promise<void>;
  ack(session: S, ackId: string, accepted: boolean): void | Promise<void>;
  closed(session: S, ending: SessionEnding): void;
  /** A frame was refused without ending the session (StompProtocolError with `fatal` false): tell the client. */
  refused(session: S, frame: StompFrame, error: StompProtocolError): void;
  /** An unexpected error ended the session; the client was told only "Internal error". */
  internalError(session: S, error: unknown): void;
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

/** One parser limits object per server's limits, not one per session. */
const parserLimits = new WeakMap<SessionLimits, FrameParserLimits>();

export function parserLimitsOf(limits: SessionLimits): FrameParserLimits {
  let found = parserLimits.get(limits);
  if (!found) {
    found = { maxFrameBytes: limits.messageSizeLimit, maxHeaders: limits.maxHeaders, maxHeaderLineBytes: limits.maxHeaderLineLength };
    parserLimits.set(limits, found);
  }
  return found;
}
