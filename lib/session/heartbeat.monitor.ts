/** What the monitor does when a period passes. */
export interface HeartbeatActions {
  /** Nothing was written for a whole period: send an EOL. */
  sendHeartbeat(): void;
  /** Nothing was read for `silentMs`: the peer is gone. */
  peerSilent(silentMs: number): void;
}

/**
 * Both directions of STOMP heart-beating for one session. Reads and writes only set a flag, so
 * the hot path pays nothing; the timers look at the flags once a period.
 */
export class HeartbeatMonitor {
  private wrote = false;
  private read = false;
  private missed = 0;
  private readonly sendTimer: NodeJS.Timeout | undefined;
  private readonly receiveTimer: NodeJS.Timeout | undefined;

  constructor(sendIntervalMs: number, receiveTimeoutMs: number, graceFactor: number, actions: HeartbeatActions) {
    if (sendIntervalMs > 0) {
      this.sendTimer = setInterval(() => {
        if (!this.wrote) actions.sendHeartbeat();
        this.wrote = false;
      }, sendIntervalMs);
    }
    if (receiveTimeoutMs > 0) {
      this.receiveTimer = setInterval(() => {
        this.missed = this.read ? 0 : this.missed + 1;
        this.read = false;
        if (this.missed >= graceFactor) actions.peerSilent(receiveTimeoutMs * this.missed);
      }, receiveTimeoutMs);
    }
  }

  markRead(): void {
    this.read = true;
  }

  markWritten(): void {
    this.wrote = true;
  }

  stop(): void {
    clearInterval(this.sendTimer);
    clearInterval(this.receiveTimer);
  }
}
