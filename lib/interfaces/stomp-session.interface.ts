import type { ProtocolErrorCode } from './stomp-error.interface.js';

/** Transports a STOMP session can run over; SockJS names are sockjs-client's. */
export type TransportName = 'websocket' | 'raw-websocket' | 'xhr-streaming' | 'xhr-polling' | 'eventsource' | 'htmlfile' | 'jsonp-polling';

/** How a subscription acknowledges messages (STOMP `ack` header). */
export type AckMode = 'auto' | 'client' | 'client-individual';

/** A subscription as its session knows it. */
export interface SessionSubscription {
  readonly id: string;
  readonly destination: string;
  readonly ackMode: AckMode;
}

/** Why a session ended; each one is counted and reported once. */
export type SessionCloseReason =
  | 'client-disconnect'
  | 'transport-closed'
  | 'heartbeat-timeout'
  | 'connect-timeout'
  | 'protocol-error'
  | 'authentication-failed'
  | 'send-buffer-overflow'
  | 'send-time-limit'
  | 'http-cache-overflow'
  | 'internal-error'
  | 'shutdown';

/** How a session ended: the reason, and the stable code of the ERROR frame the client got, if any. */
export interface SessionEnding {
  reason: SessionCloseReason;
  code?: ProtocolErrorCode;
}

/** A read-only picture of one live session. */
export interface StompSessionView {
  id: string;
  user: string;
  transport: TransportName;
  version: string | undefined;
  /** Messages this session lost under the `drop-oldest` policy. */
  droppedMessages: number;
  /** Waiting messages replaced by a newer one on a conflated destination. */
  conflatedMessages: number;
  /** Frames (and their bytes) waiting behind a busy handler, bounded by `inboundBacklogFramesLimit` / `inboundBacklogBytesLimit`. */
  inboundFrames: number;
  inboundBytes: number;
  subscriptions: { id: string; destination: string; ackMode: string }[];
}
