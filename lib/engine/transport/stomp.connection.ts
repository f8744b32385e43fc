import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import type { HistogramCounts } from '../session/histogram.counts.js';
/** Why a transport ended, as reported to the session. */
export type ConnectionCloseReason = 'transport-closed' | 'send-buffer-overflow' | 'send-time-limit' | 'http-cache-overflow';

/** Told once when a connection ends; given the connection, so one listener can serve every connection (no closure each). */
export type ConnectionCloseListener = (reason: ConnectionCloseReason, connection: StompConnection) => void;

/** What a transport knows of the HTTP request that opened it. */
export interface ConnectionRequestInfo {
  url: string;
  remoteAddress: string | undefined;
  /** For the `authenticate` hook: empty on raw WebSocket sessions when no hook is configured. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * One client's byte pipe, whatever carries it. The session writes whole frames and never
 * looks at sockets; flow control and overflow policies live behind `send`.
 */
export interface StompConnection {
  readonly id: string;
  /** The transport in use now (SockJS HTTP sessions may report it once their first request arrives). */
  readonly transport: TransportName;
  readonly request: ConnectionRequestInfo;
  /** SockJS carries text only: it is handed valid UTF-8 frames only (bodies that are not are replaced and marked x-body-replaced). */
  readonly textOnly: boolean;
  /** Messages dropped so far under the `drop-oldest` overflow policy. */
  readonly droppedMessages: number;
  /** Waiting frames replaced by newer ones with the same conflation key. */
  readonly conflatedMessages: number;
  /** Queues one whole STOMP frame; `binary` picks a WebSocket binary message where the transport has one. */
  /** `conflationKey`: a waiting frame with the same key is replaced by this one (conflated destinations). */
  send(frame: Buffer, binary: boolean, conflationKey?: string): void;
  /** Ends the transport; the close listener runs once. */
  close(code: number, reason: string): void;
  onData(listener: (chunk: Buffer | string) => void): void;
  /** Stops reading from the client until `resume` (transports that can: TCP backpressure then reaches the client). */
  pause?(): void;
  resume?(): void;
  onClose(listener: ConnectionCloseListener): void;
  /** Bytes waiting for the client: held by the send queue or not yet handed to the kernel. */
  bufferedBytes?(): number;
  /**
   * For senders that pace themselves (history replays): true while fewer than `maxBufferedBytes` wait
   * for the client and the transport's own bounds (SockJS's message cache between polls) have room.
   */
  canSend?(maxBufferedBytes: number): boolean;
  /** Calls back once, when what waits for the client may have shrunk, or the connection closed. */
  whenWritable?(callback: () => void): void;
  /** Metrics on: `bufferedBytes()` goes to `histogram` each time the connection's writes of one tick go out. */
  observeBacklog?(histogram: HistogramCounts): void;
}
