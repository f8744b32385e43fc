import type { SessionCloseReason } from '../../interfaces/stomp-session.interface.js';
import type { ProtocolErrorCode } from '../../interfaces/stomp-error.interface.js';
import type { ClientCommand, ServerCommand } from '../../interfaces/stomp-frame.interface.js';

/** Running totals since start; cheap integer increments on the hot path. */
export class StompCounters {
  /** Frames received, every command together (heart-beats are not frames). */
  framesIn = 0;
  /** Frames and heart-beats written, together. */
  framesOut = 0;
  messagesDelivered = 0;
  sessionsOpened = 0;
  /** Sessions ended, by reason (limits, errors, client DISCONNECT, …). */
  readonly sessionsClosed: Partial<Record<SessionCloseReason, number>> = {};
  /** Sessions ended with an ERROR frame, by its stable code. */
  readonly sessionsClosedByCode: Partial<Record<ProtocolErrorCode, number>> = {};
  /** Frames received by command. */
  readonly framesReceived: Partial<Record<ClientCommand, number>> = {};
  /**
   * Frames the session built itself, by command (CONNECTED, RECEIPT, ERROR, subscription replies); broker
   * deliveries are `messagesDelivered`, counted apart so the delivery path pays one increment.
   */
  readonly framesBuilt: Partial<Record<ServerCommand, number>> = {};

  countClose(reason: SessionCloseReason, code?: ProtocolErrorCode): void {
    this.sessionsClosed[reason] = (this.sessionsClosed[reason] ?? 0) + 1;
    if (code !== undefined) this.sessionsClosedByCode[code] = (this.sessionsClosedByCode[code] ?? 0) + 1;
  }

  countReceived(command: ClientCommand): void {
    this.framesIn++;
    this.framesReceived[command] = (this.framesReceived[command] ?? 0) + 1;
  }

  countBuilt(command: ServerCommand): void {
    this.framesBuilt[command] = (this.framesBuilt[command] ?? 0) + 1;
  }
}
