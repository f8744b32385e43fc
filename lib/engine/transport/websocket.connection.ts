import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../options/stomp.defaults.js';
import { OutboundQueue, type OutboundLimits, type OutboundSink } from './outbound.queue.js';
import { corkUntilNextTick, uncorkNow, type CorkOwner } from './socket.corker.js';
import type { ConnectionCloseReason, ConnectionRequestInfo, StompConnection } from './stomp.connection.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import { BINARY_OPCODE, TEXT_OPCODE, writeMessage } from './websocket.framing.js';

/** Text frames travel as the Buffer itself; the rare binary one is wrapped. */
type WebSocketFrame = Buffer | BinaryFrame;

class BinaryFrame {
  constructor(readonly data: Buffer) {}

  get length(): number {
    return this.data.length;
  }
}

// Shared option objects: `ws` would otherwise send a Buffer as binary, and a literal per call allocates.
const AS_TEXT = { binary: false };
const AS_BINARY = { binary: true };
/** How long a client cut off for not reading has to read its close frame. */
const OVERFLOW_CLOSE_GRACE_MS = 5_000;
const WRITABLE_RECHECK_MS = 10;

/** A raw WebSocket (npm `ws`) carrying STOMP frames one per WebSocket message. */
export class WebSocketConnection implements StompConnection, OutboundSink<WebSocketFrame>, CorkOwner {
  readonly transport: TransportName = 'raw-websocket';
  readonly textOnly = false;
  private readonly queue: OutboundQueue<WebSocketFrame>;
  private readonly closeListeners: Array<(reason: ConnectionCloseReason) => void> = [];
  private closeReason: ConnectionCloseReason = 'transport-closed';
  private readonly raw: Socket;
  private writableWaiters: Array<() => void> | undefined;
  /**
   * No extension negotiated (the server offers none): a message goes out as it is, so it is framed here and
   * written to the socket in the order of `ws`'s own writes (close, pong), without `ws.send`'s per-message work.
   */
  private readonly framesItself: boolean;
  corkedBytes = 0;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    readonly request: ConnectionRequestInfo,
    limits: OutboundLimits,
  ) {
    this.raw = (socket as unknown as { _socket: Socket })._socket;
    this.queue = new OutboundQueue<WebSocketFrame>(this, limits);
    this.framesItself = socket.extensions === '';
    // ws refuses oversized messages (close 1009) and invalid UTF-8 (1007) itself and then emits
    // 'error'; without a listener that error would take the whole process down.
    socket.on('error', () => socket.terminate());
    socket.once('close', () => {
      this.queue.close();
      for (const listener of this.closeListeners.splice(0)) listener(this.closeReason);
    });
  }

  get droppedMessages(): number {
    return this.queue.dropped;
  }

  get conflatedMessages(): number {
    return this.queue.conflated;
  }

  send(frame: Buffer, binary: boolean, conflationKey?: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.queue.push(binary ? new BinaryFrame(frame) : frame, conflationKey);
  }

  backlogBytes(): number {
    return this.raw.writableLength;
  }

  write(frame: WebSocketFrame): void {
    corkUntilNextTick(this.raw, this, frame.length);
    const binary = frame instanceof BinaryFrame;
    if (!this.framesItself) return this.socket.send(binary ? frame.data : frame, binary ? AS_BINARY : AS_TEXT);
    writeMessage(this.raw, binary ? BINARY_OPCODE : TEXT_OPCODE, binary ? frame.data : frame);
  }

  /** `ws` has no drain event of its own; its socket has. A closed socket never drains, so close also ends the wait. */
  whenDrained(callback: () => void): void {
    const raw = this.raw;
    const done = (): void => {
      raw.off('drain', done);
      raw.off('close', done);
      callback();
    };
    raw.on('drain', done);
    raw.on('close', done);
  }

  bufferedBytes(): number {
    return this.queue.heldBytes + this.raw.writableLength;
  }

  canSend(maxBufferedBytes: number): boolean {
    return this.bufferedBytes() < maxBufferedBytes;
  }

  /**
   * One wait for all paced senders of this connection (one socket listener, however many replays).
   * A socket below its high-water mark emits no drain: then look again shortly.
   */
  whenWritable(callback: () => void): void {
    if (this.writableWaiters) return void this.writableWaiters.push(callback);
    this.writableWaiters = [callback];
    const wake = (): void => {
      const waiters = this.writableWaiters ?? [];
      this.writableWaiters = undefined;
      for (const waiter of waiters) waiter();
    };
    if (this.raw.writableNeedDrain) this.whenDrained(wake);
    else setTimeout(wake, WRITABLE_RECHECK_MS);
  }

  close(code: number, reason: string): void {
    this.queue.close();
    uncorkNow(this.raw);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
      // A client that does not answer the close handshake must not keep the socket open.
      setTimeout(() => this.socket.terminate(), 2_000).unref();
    }
  }

  onData(listener: (chunk: Buffer | string) => void): void {
    this.socket.on('message', (data) => listener(toBuffer(data)));
  }

  /** `ws` stops reading its socket; messages it has already read are still delivered. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  onClose(listener: (reason: ConnectionCloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * The session ends now. The close frame (4500, Spring's SESSION_NOT_RELIABLE, as SockJS clients get)
   * queues behind the data the client has not read, so a client that reads again learns why; one
   * that does not is cut off after a grace period instead of holding its socket's memory.
   */
  overflow(reason: ConnectionCloseReason): void {
    this.closeReason = reason;
    this.queue.close();
    for (const listener of this.closeListeners.splice(0)) listener(reason);
    uncorkNow(this.raw);
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(CLOSE_CODES.sessionNotReliable, 'Session not reliable: client could not keep up');
    setTimeout(() => this.socket.terminate(), OVERFLOW_CLOSE_GRACE_MS).unref();
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
