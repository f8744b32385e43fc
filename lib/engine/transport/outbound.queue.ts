import type { OverflowPolicy } from '../../interfaces/stomp-options.interface.js';
import type { ConnectionCloseReason } from './stomp.connection.js';

/** Where the queue writes: a socket-like thing that reports how much it still holds. */
export interface OutboundSink<T> {
  /** Bytes written but not yet handed to the kernel. */
  backlogBytes(): number;
  write(item: T): void;
  /** Calls back once the backlog has shrunk (or may have); must not keep a closed connection alive. */
  whenDrained(callback: () => void): void;
  /** The client could not keep up: end its connection. */
  overflow(reason: ConnectionCloseReason): void;
}

export interface OutboundLimits {
  sendBufferSizeLimit: number;
  sendTimeLimit: number;
  overflowPolicy: OverflowPolicy;
  /** The largest frame a client may send, which the server may fan out to every subscriber. */
  messageSizeLimit?: number;
}

const EMPTY: never[] = [];

/** Node keeps writing into a socket's memory without bound; above this backlog we hold frames ourselves. */
const SOCKET_HIGH_WATER = 64 * 1024;
/** The socket may hold at most this share of the budget, so the rest stays in our queue, where drop-oldest can reach it. */
const SOCKET_SHARE_OF_BUDGET = 4;

function budgetOf(limits: OutboundLimits): number {
  return Math.max(limits.sendBufferSizeLimit, (limits.messageSizeLimit ?? 0) + SOCKET_HIGH_WATER);
}

/**
 * Below this socket backlog an empty queue writes a frame straight through: a connection may skip making
 * its queue until a frame first has to wait, which most never do.
 */
export function directWriteLimit(limits: OutboundLimits): number {
  return Math.min(SOCKET_HIGH_WATER, Math.floor(budgetOf(limits) / SOCKET_SHARE_OF_BUDGET));
}

/**
 * A byte-budgeted queue in front of a socket, so that a client that stops reading costs at most
 * `sendBufferSizeLimit` bytes. Frames go straight to the socket while it keeps up; once it backs up
 * they wait here, and `drop-oldest` can still drop them (bytes already in a socket cannot be taken back).
 */
export class OutboundQueue<T extends { length: number }> {
  // Made when first needed: most clients keep up, and then nothing ever waits here.
  private pending: T[] = EMPTY as T[];
  /** Conflation keys of waiting frames (parallel to `pending`), and where each key's frame waits. */
  private pendingKeys: (string | undefined)[] = EMPTY;
  private keyed: Map<string, number> | undefined;
  private pendingHead = 0;
  private pendingBytes = 0;
  private stalledSince = 0;
  private waitingForDrain = false;
  private closed = false;

  /** Frames dropped under the drop-oldest policy. */
  dropped = 0;
  /** Waiting frames replaced by a newer one with the same conflation key. */
  conflated = 0;
  private readonly highWater: number;
  /**
   * sendBufferSizeLimit, but never less than the largest frame a client may send plus what the
   * socket may hold: one maximal frame fanned out to a client reading at full speed (its socket is
   * corked until the next tick) must not cost it its session.
   */
  private readonly budget: number;

  constructor(
    private readonly sink: OutboundSink<T>,
    private readonly limits: OutboundLimits,
  ) {
    this.budget = budgetOf(limits);
    this.highWater = directWriteLimit(limits);
  }

  /** Bytes held here, not yet written to the sink. */
  get heldBytes(): number {
    return this.pendingBytes;
  }

  /** `conflationKey`: while frames wait, a waiting frame with the same key is replaced by this one. */
  push(item: T, conflationKey?: string): void {
    if (this.closed) return;
    if (this.pendingBytes === 0 && this.sink.backlogBytes() < this.highWater) {
      this.stalledSince = 0;
      this.sink.write(item);
      return;
    }
    if (conflationKey !== undefined && this.replace(item, conflationKey)) return;
    this.hold(item, conflationKey);
  }

  /** The latest value instead of a backlog: the newer frame takes the waiting one's place. */
  private replace(item: T, key: string): boolean {
    const at = this.keyed?.get(key);
    if (at === undefined) return false;
    this.pendingBytes += item.length - this.pending[at].length;
    this.pending[at] = item;
    this.conflated++;
    return true;
  }

  /** Forgets everything; later pushes are ignored. */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
    this.pendingHead = 0;
    this.pendingBytes = 0;
    this.forgetKeys();
  }

  private hold(item: T, conflationKey: string | undefined): void {
    const now = Date.now();
    if (this.stalledSince === 0) this.stalledSince = now;
    else if (now - this.stalledSince > this.limits.sendTimeLimit) {
      if (this.limits.overflowPolicy === 'terminate') return this.overflow('send-time-limit');
      // drop-oldest keeps the session: what waited the whole time goes, and the clock starts again.
      while (this.pendingHead < this.pending.length) this.dropOldest();
      this.reset();
      this.stalledSince = now;
    }

    if (this.pending === EMPTY) this.pending = [];
    if (conflationKey !== undefined) this.keep(conflationKey);
    this.pending.push(item);
    this.pendingBytes += item.length;
    while (this.pendingHead < this.pending.length && this.pendingBytes + this.sink.backlogBytes() > this.budget) {
      if (this.limits.overflowPolicy === 'terminate') return this.overflow('send-buffer-overflow');
      // Even the newest frame goes when the socket alone is over budget: the session lives on, behind.
      this.dropOldest();
    }
    if (this.pendingHead === this.pending.length) {
      // Everything waiting was dropped, but the socket is still behind: the stall goes on.
      const stalledSince = this.stalledSince;
      this.reset();
      this.stalledSince = stalledSince;
      return;
    }
    this.awaitDrain();
  }

  /** Records where the frame about to be pushed waits, under its key. */
  private keep(key: string): void {
    if (this.pendingKeys === EMPTY) this.pendingKeys = [];
    this.pendingKeys.length = this.pending.length;
    this.pendingKeys.push(key);
    (this.keyed ??= new Map()).set(key, this.pending.length);
  }

  /** The frame at `index` leaves the queue (written or dropped): its key no longer points at it. */
  private release(index: number): void {
    const key = this.pendingKeys[index];
    if (key === undefined) return;
    this.pendingKeys[index] = undefined;
    if (this.keyed?.get(key) === index) this.keyed.delete(key);
  }

  private forgetKeys(): void {
    this.pendingKeys = EMPTY;
    this.keyed = undefined;
  }

  private dropOldest(): void {
    const oldest = this.pending[this.pendingHead];
    this.release(this.pendingHead);
    this.pending[this.pendingHead++] = undefined as unknown as T;
    this.pendingBytes -= oldest.length;
    this.dropped++;
    this.compact();
  }

  /** Keeps the array from growing while its head keeps moving. */
  private compact(): void {
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      const removed = this.pendingHead;
      this.pending.splice(0, removed);
      if (this.keyed) {
        this.pendingKeys.splice(0, removed);
        for (const [key, index] of this.keyed) this.keyed.set(key, index - removed);
      }
      this.pendingHead = 0;
    }
  }

  private awaitDrain(): void {
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    this.sink.whenDrained(() => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed) return;
    const before = this.pendingHead;
    while (this.pendingHead < this.pending.length && this.sink.backlogBytes() < this.highWater) {
      const item = this.pending[this.pendingHead];
      this.release(this.pendingHead);
      this.pending[this.pendingHead++] = undefined as unknown as T;
      this.pendingBytes -= item.length;
      this.sink.write(item);
    }
    if (this.pendingHead === this.pending.length) {
      this.reset();
    } else {
      // A client that reads slowly but steadily is not stalled: the time limit counts from its last progress.
      if (this.pendingHead > before) this.stalledSince = Date.now();
      this.compact();
      this.awaitDrain();
    }
  }

  private reset(): void {
    this.pending.length = 0;
    this.pendingHead = 0;
    this.stalledSince = 0;
    this.forgetKeys();
  }

  private overflow(reason: ConnectionCloseReason): void {
    this.close();
    this.sink.overflow(reason);
  }
}
