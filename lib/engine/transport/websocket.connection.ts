import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../options/stomp.defaults.js';
import { directWriteLimit, OutboundQueue, type OutboundLimits, type OutboundSink } from './outbound.queue.js';
import { corkUntilNextTick, uncorkNow, type CorkOwner } from './socket.corker.js';
import type { ConnectionCloseListener, ConnectionCloseReason, ConnectionRequestInfo, StompConnection } from './stomp.connection.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import type { HistogramCounts } from '../session/histogram.counts.js';
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

/**
 * An idle session should cost little more than its socket: listeners shared by every connection (they find
 * theirs on the WebSocket) instead of a closure and its context per connection and event.
 */
const CONNECTION = Symbol('stompConnection');
const connectionOf = (socket: WebSocket): WebSocketConnection => (socket as WebSocket & { [CONNECTION]: WebSocketConnection })[CONNECTION];

function terminateOnError(this: WebSocket): void {
  this.terminate();
}

function onSocketClose(this: WebSocket): void {
  connectionOf(this).closed();
}

function onSocketMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  connectionOf(this).dataListener?.(toBuffer(data));
}

/** Node reads the peer address into an object and a string on first use: only the authenticate hook needs them. */
class WebSocketRequest implements ConnectionRequestInfo {
  constructor(
    readonly url: string,
    private readonly raw: Socket,
    readonly headers: ConnectionRequestInfo['headers'],
  ) {}

  get remoteAddress(): string | undefined {
    return this.raw.remoteAddress;
  }
}

/** A raw WebSocket (npm `ws`) carrying STOMP frames one per WebSocket message. */
export class WebSocketConnection implements StompConnection, OutboundSink<WebSocketFrame>, CorkOwner {
  readonly transport: TransportName = 'raw-websocket';
  readonly textOnly = false;
  /** Made when a frame first has to wait: most clients keep up, and an idle session need not carry one. */
  private queue: OutboundQueue<WebSocketFrame> | undefined;
  /** Socket backlog under which a frame goes straight out while there is no queue (the queue's own rule). */
  private readonly directWriteLimit: number;
  /** The first data listener, called by the shared 'message' listener (a connection has one reader: its session). */
  dataListener: ((chunk: Buffer) => void) | undefined;
  readonly request: ConnectionRequestInfo;
  /**
   * Three listen to every connection (registrar, server, session): room for them, not the 17 slots a push
   * grows an empty array to. The count is -1 once they were told.
   */
  private readonly closeListeners: Array<ConnectionCloseListener | undefined> = new Array<undefined>(3);
  private closeListenerCount = 0;
  private closeReason: ConnectionCloseReason = 'transport-closed';
  private readonly raw: Socket;
  private writableWaiters: Array<() => void> | undefined;
  /**
   * No extension negotiated (the server offers none): a message goes out as it is, so it is framed here and
   * written to the socket in the order of `ws`'s own writes (close, pong), without `ws.send`'s per-message work.
   */
  private readonly framesItself: boolean;
  corkedBytes = 0;
  flushed: (() => void) | undefined = undefined;

  /** `headers` are the upgrade request's, kept only when the authenticate hook will read them. */
  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    url: string,
    headers: ConnectionRequestInfo['headers'],
    private readonly limits: OutboundLimits,
  ) {
    this.raw = (socket as unknown as { _socket: Socket })._socket;
    this.request = new WebSocketRequest(url, this.raw, headers);
    this.directWriteLimit = directWriteLimit(limits);
    (socket as WebSocket & { [CONNECTION]: WebSocketConnection })[CONNECTION] = this;
    this.framesItself = socket.extensions === '';
    // ws refuses oversized messages (close 1009) and invalid UTF-8 (1007) itself and then emits
    // 'error'; without a listener that error would take the whole process down.
    socket.on('error', terminateOnError);
    // ws emits 'close' once.
    socket.on('close', onSocketClose);
  }

  /** The socket closed (the shared 'close' listener). */
  closed(): void {
    this.queue?.close();
    this.notifyClosed(this.closeReason);
  }

  private notifyClosed(reason: ConnectionCloseReason): void {
    const count = this.closeListenerCount;
    this.closeListenerCount = -1;
    for (let i = 0; i < count; i++) {
      const listener = this.closeListeners[i]!;
      this.closeListeners[i] = undefined;
      listener(reason, this);
    }
  }

  get droppedMessages(): number {
    return this.queue?.dropped ?? 0;
  }

  get conflatedMessages(): number {
    return this.queue?.conflated ?? 0;
  }

  send(frame: Buffer, binary: boolean, conflationKey?: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const item = binary ? new BinaryFrame(frame) : frame;
    if (this.queue === undefined) {
      if (this.raw.writableLength < this.directWriteLimit) return this.write(item);
      this.queue = new OutboundQueue<WebSocketFrame>(this, this.limits);
    }
    this.queue.push(item, conflationKey);
  }

  backlogBytes(): number {
    return this.raw.writableLength;
  }

  write(frame: WebSocketFrame): void {
    corkUntilNextTick(this.raw, this, frame.length);
    const binary = frame instanceof BinaryFrame;
    if (!this.framesItself) return this.socket.send(binary ? frame.data : frame, binary ? AS_BINARY : AS_TEXT);
    // As ws.send after close(): nothing may follow the close frame (a queue draining late would write after it).
    if (this.socket.readyState !== this.socket.OPEN) return;
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
    return (this.queue?.heldBytes ?? 0) + this.raw.writableLength;
  }

  observeBacklog(histogram: HistogramCounts): void {
    this.flushed = () => histogram.observe(this.bufferedBytes());
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
    this.queue?.close();
    uncorkNow(this.raw);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
      // A client that does not answer the close handshake must not keep the socket open.
      setTimeout(() => this.socket.terminate(), 2_000).unref();
    }
  }

  onData(listener: (chunk: Buffer | string) => void): void {
    if (this.dataListener) return void this.socket.on('message', (data) => listener(toBuffer(data)));
    this.dataListener = listener;
    this.socket.on('message', onSocketMessage);
  }

  /** `ws` stops reading its socket; messages it has already read are still delivered. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  onClose(listener: ConnectionCloseListener): void {
    if (this.closeListenerCount >= 0) this.closeListeners[this.closeListenerCount++] = listener;
  }

  /**
   * The session ends now. The close frame (4500, Spring's SESSION_NOT_RELIABLE, as SockJS clients get)
   * queues behind the data the client has not read, so a client that reads again learns why; one
   * that does not is cut off after a grace period instead of holding its socket's memory.
   */
  overflow(reason: ConnectionCloseReason): void {
    this.closeReason = reason;
    this.queue?.close();
    this.notifyClosed(reason);
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
