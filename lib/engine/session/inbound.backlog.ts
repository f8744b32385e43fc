import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompConnection } from '../transport/stomp.connection.js';
import { heldFrameBytes } from './frame.bytes.js';

/** How much a session may hold of frames that arrived while an earlier one was still being handled. */
export interface InboundBacklogLimits {
  inboundBacklogBytesLimit: number;
  inboundBacklogFramesLimit: number;
}

/** The session side of the backlog. */
export interface InboundHost {
  readonly connection: StompConnection;
  /** Runs one frame; a promise (which never rejects) holds back the frames after it until it settles. */
  runFrame(frame: StompFrame): Promise<void> | void;
  /** Over the limits on a transport that cannot stop reading: the session must end. */
  backlogOverflow(): void;
}

// Shared until a session first queues a frame: most never do.
const EMPTY: never[] = [];

/**
 * Runs a session's frames one at a time in arrival order, queueing those that arrive while an
 * asynchronous one is still running. The queue is bounded in frames and bytes: over a limit the
 * transport stops reading (raw WebSocket: TCP backpressure reaches the client) until the queue is
 * down to half; a transport that cannot stop reading (SockJS) ends the session instead.
 */
export class InboundBacklog {
  private frames: StompFrame[] = EMPTY;
  private head = 0;
  private busy = false;
  /** Bytes of the frames waiting (bodies and headers). */
  bytes = 0;
  /** Reading is paused because the backlog went over its limits. */
  paused = false;

  constructor(
    private readonly host: InboundHost,
    private readonly limits: InboundBacklogLimits,
  ) {}

  /** Frames waiting. */
  get length(): number {
    return this.frames.length - this.head;
  }

  receive(frame: StompFrame): void {
    if (!this.busy) return this.run(frame);
    if (this.frames === EMPTY) this.frames = [];
    this.frames.push(frame);
    this.bytes += heldFrameBytes(frame);
    if (!this.paused && (this.length > this.limits.inboundBacklogFramesLimit || this.bytes > this.limits.inboundBacklogBytesLimit)) {
      this.throttle();
    }
  }

  /** Forgets what waits; the session is over. */
  clear(): void {
    this.frames = EMPTY;
    this.head = 0;
    this.bytes = 0;
  }

  private run(frame: StompFrame): void {
    const pending = this.host.runFrame(frame);
    if (!pending) return;
    this.busy = true;
    void pending.then(() => this.next());
  }

  private next(): void {
    this.busy = false;
    while (!this.busy && this.head < this.frames.length) this.run(this.shift());
    if (this.paused && this.length * 2 <= this.limits.inboundBacklogFramesLimit && this.bytes * 2 <= this.limits.inboundBacklogBytesLimit) {
      this.paused = false;
      this.host.connection.resume?.();
    }
  }

  private throttle(): void {
    const connection = this.host.connection;
    if (!connection.pause) return this.host.backlogOverflow();
    this.paused = true;
    connection.pause();
  }

  private shift(): StompFrame {
    const frame = this.frames[this.head];
    this.frames[this.head++] = undefined as unknown as StompFrame;
    this.bytes -= heldFrameBytes(frame);
    if (this.head === this.frames.length) {
      this.frames.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
    return frame;
  }
}
