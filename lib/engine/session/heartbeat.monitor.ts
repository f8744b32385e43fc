import type { HeartbeatMember, HeartbeatWheel } from './heartbeat.wheel.js';

/** What the monitor does when a period passes. */
export interface HeartbeatActions {
  /** Nothing was written for a whole period: send an EOL. */
  sendHeartbeat(): void;
  /** Nothing was read for `silentMs`: the peer is gone. */
  peerSilent(silentMs: number): void;
}

/**
 * Both directions of STOMP heart-beating for one session. Reads and writes only set a flag, so
 * the hot path pays nothing; the shared wheel looks at the flags once a period.
 */
export class HeartbeatMonitor implements HeartbeatMember {
  private wrote = false;
  // The CONNECT frame was just read: a wheel period that started before the session joined is not a miss.
  private read = true;
  private missed = 0;

  constructor(
    private readonly sendIntervalMs: number,
    private readonly receiveTimeoutMs: number,
    private readonly graceFactor: number,
    private readonly actions: HeartbeatActions,
    private readonly wheel: HeartbeatWheel,
  ) {
    if (sendIntervalMs > 0) wheel.join(sendIntervalMs, this);
    if (receiveTimeoutMs > 0 && receiveTimeoutMs !== sendIntervalMs) wheel.join(receiveTimeoutMs, this);
  }

  markRead(): void {
    this.read = true;
  }

  markWritten(): void {
    this.wrote = true;
  }

  onPeriod(periodMs: number): void {
    if (periodMs === this.sendIntervalMs) {
      if (!this.wrote) this.actions.sendHeartbeat();
      this.wrote = false;
    }
    if (periodMs === this.receiveTimeoutMs) {
      this.missed = this.read ? 0 : this.missed + 1;
      this.read = false;
      if (this.missed >= this.graceFactor) this.actions.peerSilent(this.receiveTimeoutMs * this.missed);
    }
  }

  stop(): void {
    if (this.sendIntervalMs > 0) this.wheel.leave(this.sendIntervalMs, this);
    if (this.receiveTimeoutMs > 0) this.wheel.leave(this.receiveTimeoutMs, this);
  }
}
