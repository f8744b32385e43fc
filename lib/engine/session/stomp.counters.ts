import type { SessionCloseReason } from '../../interfaces/stomp-session.interface.js';

/** Running totals since start; cheap integer increments on the hot path. */
export class StompCounters {
  framesIn = 0;
  framesOut = 0;
  messagesDelivered = 0;
  sessionsOpened = 0;
  /** Sessions ended, by reason (limits, errors, client DISCONNECT, …). */
  readonly sessionsClosed: Partial<Record<SessionCloseReason, number>> = {};

  countClose(reason: SessionCloseReason): void {
    this.sessionsClosed[reason] = (this.sessionsClosed[reason] ?? 0) + 1;
  }
}
