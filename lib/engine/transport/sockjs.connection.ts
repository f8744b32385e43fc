import type { Connection as SockJsNodeConnection } from 'sockjs';
import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { OverflowPolicy } from '../../interfaces/stomp-options.interface.js';
import { OutboundQueue, type OutboundLimits, type OutboundSink } from './outbound.queue.js';
import { corkUntilNextTick, MAX_CORKED_BYTES, uncorkNow, type CorkOwner } from './socket.corker.js';
import type { ConnectionCloseListener, ConnectionCloseReason, ConnectionRequestInfo, StompConnection } from './stomp.connection.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import type { HistogramCounts } from '../session/histogram.counts.js';

/** The parts of sockjs-node 0.3.24's private session that flow control needs (the package is pinned). */
interface SockJsSessionInternals {
  send_buffer: string[];
  /** `ws` is the faye-websocket of the websocket transport; its `_driver` emits 'close' just before faye destroys the socket. */
  recv: { connection?: Writable; response?: { socket: Writable | null }; ws?: { _driver?: EventEmitter } | null } | null;
  readyState: number;
  to_tref: NodeJS.Timeout | null;
  didTimeout(): void;
  /** Sends everything in send_buffer to the attached receiver as one `a[...]` frame. */
  tryFlush(): void;
}

const SOCKJS_OPEN = 1;
const SOCKJS_CLOSED = 3;
const DRAIN_RECHECK_MS = 50;

/** Sessions holding this tick's messages in sockjs-node's buffer; one nextTick sends each session's as one frame. */
const batching: SockJsConnection[] = [];

function flushBatches(): void {
  for (const connection of batching.splice(0)) connection.flushBatch();
}

export interface SockJsLimits extends OutboundLimits {
  httpMessageCacheSize: number;
  overflowPolicy: OverflowPolicy;
}

/**
 * A SockJS session (any of its transports). sockjs-node buffers without bound for clients that
 * are between two polling requests; this adds Spring's `httpMessageCacheSize` bound to that buffer
 * and the byte budget of OutboundQueue over everything the session holds (see backlogBytes).
 */
export class SockJsConnection implements StompConnection, OutboundSink<string>, CorkOwner {
  readonly textOnly = true;
  corkedBytes = 0;
  flushed: (() => void) | undefined = undefined;
  /** Bytes of this tick's messages waiting in sockjs-node's buffer, 0 when none. */
  private batchedBytes = 0;
  private readonly queue: OutboundQueue<string>;
  private readonly closeListeners: ConnectionCloseListener[] = [];
  private drainTimer: NodeJS.Timeout | undefined;
  /** The socket of the request that last received for this session. */
  private lastSocket: Writable | null | undefined;
  /** Earlier requests' sockets still holding unread data (polls nobody read), with when they were left behind. */
  private readonly unreadSockets = new Map<Writable, number>();
  /** The websocket transport's socket whose destruction by faye-websocket is preceded by an uncork. */
  private guardedSocket: Writable | undefined;

  constructor(
    readonly id: string,
    private readonly conn: SockJsNodeConnection,
    readonly request: ConnectionRequestInfo,
    private readonly limits: SockJsLimits,
  ) {
    this.queue = new OutboundQueue<string>(this, limits);
    conn.once('close', () => this.finish('transport-closed'));
  }

  get transport(): TransportName {
    return (this.conn.protocol || 'xhr-streaming') as TransportName;
  }

  get droppedMessages(): number {
    return this.queue.dropped;
  }

  get conflatedMessages(): number {
    return this.queue.conflated;
  }

  /** `frame` is valid UTF-8 (the session renders text forms for textOnly transports), so decoding loses nothing and content-length holds. */
  send(frame: Buffer, _binary?: boolean, conflationKey?: string): void {
    if (this.conn.readyState !== 1) return;
    this.queue.push(frame.toString('utf8'), conflationKey);
  }

  close(code: number, reason: string): void {
    // sockjs-node sends its close frame at once: the messages of this tick go first.
    this.flushBatch();
    this.queue.close();
    uncorkNow(this.socket() ?? undefined);
    closeWithCode(this.conn, code, reason);
  }

  /** Ends the session now, releasing sockjs-node's disconnect timer (it would keep the process alive for disconnectDelay). */
  release(): void {
    const session = this.session;
    if (!session || session.readyState === SOCKJS_CLOSED) return;
    if (session.to_tref) clearTimeout(session.to_tref);
    session.to_tref = null;
    if (!session.recv) session.didTimeout();
  }

  /**
   * The answers to what the client sent go out once it was handled, not at the end of the tick: faye-websocket
   * handles a close frame read in the same callback right after, and then sends nothing more.
   */
  onData(listener: (chunk: Buffer | string) => void): void {
    this.conn.on('data', (chunk: string) => {
      listener(chunk);
      this.flushBatch();
    });
  }

  onClose(listener: ConnectionCloseListener): void {
    this.closeListeners.push(listener);
  }

  private get session(): SockJsSessionInternals | undefined {
    return (this.conn as unknown as { _session?: SockJsSessionInternals })._session;
  }

  /**
   * Bytes this session holds for its client, wherever they wait: in the socket now receiving, in
   * sockjs-node's buffer between two polls, and in earlier requests' sockets nobody read. All of it
   * counts against sendBufferSizeLimit, as a WebSocket's socket does.
   */
  backlogBytes(): number {
    const current = this.socket();
    if (current !== this.lastSocket) this.leaveBehind(current);
    let bytes = current?.writableLength ?? 0;
    // While a receiver is attached sockjs-node's buffer holds only this tick's batch, counted as it grew (summing
    // it on every push made a tick's fan-out to one session quadratic).
    if (this.batchedBytes > 0 && this.session?.recv) bytes += this.batchedBytes;
    else {
      const buffered = this.session?.send_buffer;
      if (buffered) for (let i = 0; i < buffered.length; i++) bytes += buffered[i].length;
    }
    if (this.unreadSockets.size > 0) bytes += this.unreadBytes();
    return bytes;
  }

  private leaveBehind(current: Writable | null | undefined): void {
    const previous = this.lastSocket;
    this.lastSocket = current;
    if (previous && previous !== current && previous.writableLength > 0 && !previous.destroyed)
      this.unreadSockets.set(previous, Date.now());
  }

  /** An earlier response unread for longer than sendTimeLimit is given up: its TCP connection is closed and its memory freed. */
  private unreadBytes(): number {
    const now = Date.now();
    let bytes = 0;
    for (const [socket, since] of this.unreadSockets) {
      if (socket.destroyed || socket.writableLength === 0) this.unreadSockets.delete(socket);
      else if (now - since > this.limits.sendTimeLimit) {
        socket.destroy();
        this.unreadSockets.delete(socket);
      } else bytes += socket.writableLength;
    }
    return bytes;
  }

  /** Between two polling requests sockjs-node holds messages in its own buffer: bound it by count, as Spring does. */
  write(text: string): void {
    const session = this.session;
    if (session && !session.recv && session.send_buffer.length >= this.limits.httpMessageCacheSize) {
      if (this.limits.overflowPolicy === 'terminate') return this.overflow('http-cache-overflow');
      session.send_buffer.shift();
      this.queue.dropped++;
    }
    // Looked up per write: the HTTP transports get a new request (and perhaps another socket) for every response.
    const socket = this.socket();
    if (socket && this.mayCork(socket)) corkUntilNextTick(socket, this, text.length);
    if (session?.recv && session.readyState === SOCKJS_OPEN && this.batchedBytes + text.length <= MAX_CORKED_BYTES)
      return this.batch(session, text);
    // Past the cap, as the corker does: what waits goes first, then this one straight out (held, it would count as backlog).
    this.flushBatch();
    this.conn.write(text);
  }

  /**
   * sockjs-node frames every message on its own (`a["..."]`, then a WebSocket frame or an HTTP chunk each), which
   * cost a fan-out over SockJS twice the CPU of raw WebSocket. Messages of one tick wait in its buffer instead
   * (where backlogBytes counts them) and go out as one `a[...]` frame at the end of the tick, or once the
   * frames the client sent in one message were handled (see onData).
   */
  private batch(session: SockJsSessionInternals, text: string): void {
    session.send_buffer.push(text);
    const first = this.batchedBytes === 0;
    this.batchedBytes += text.length;
    if (first && batching.push(this) === 1) process.nextTick(flushBatches);
  }

  /** Sends this tick's messages now (a receiver that left meanwhile gets them with the next poll, as sockjs-node does). */
  flushBatch(): void {
    if (this.batchedBytes === 0) return;
    this.batchedBytes = 0;
    const session = this.session;
    if (session?.recv && session.readyState === SOCKJS_OPEN && session.send_buffer.length > 0) session.tryFlush();
  }

  /**
   * Corked data is thrown away when a socket is destroyed. faye-websocket answers a client's close
   * frame and destroys the socket in the same read callback that may have given us a frame to answer
   * (SEND with a receipt, then close), so the websocket transport uncorks on its driver's 'close',
   * which comes just before. The HTTP transports need nothing: Node's `res.end()` fully uncorks.
   */
  private mayCork(socket: Writable): boolean {
    if (!socket.writable) return false;
    if (socket === this.guardedSocket) return true;
    const driver = this.session?.recv?.ws?._driver;
    if (!driver) return true;
    this.guardedSocket = socket;
    driver.prependListener('close', () => uncorkNow(socket));
    return true;
  }

  /** The socket changes with every SockJS request, so poll briefly instead of waiting on one socket's drain. */
  whenDrained(callback: () => void): void {
    this.drainTimer = setTimeout(callback, DRAIN_RECHECK_MS);
  }

  bufferedBytes(): number {
    return this.queue.heldBytes + this.backlogBytes();
  }

  observeBacklog(histogram: HistogramCounts): void {
    this.flushed = () => histogram.observe(this.bufferedBytes());
  }

  /**
   * Between two requests sockjs-node counts messages too (httpMessageCacheSize): a paced sender fills
   * half of it at most, and never leaves frames in the queue, whose flush counts bytes only.
   */
  canSend(maxBufferedBytes: number): boolean {
    if (this.queue.heldBytes > 0) return false;
    const session = this.session;
    if (session && !session.recv && session.send_buffer.length * 2 >= this.limits.httpMessageCacheSize) return false;
    return this.bufferedBytes() < maxBufferedBytes;
  }

  whenWritable(callback: () => void): void {
    setTimeout(callback, DRAIN_RECHECK_MS);
  }

  private socket(): Writable | null | undefined {
    const recv = this.session?.recv;
    return recv?.connection ?? recv?.response?.socket;
  }

  overflow(reason: ConnectionCloseReason): void {
    // The STOMP session is over: a polling client must read the close frame next, not stale messages.
    const session = this.session;
    if (session) session.send_buffer.length = 0;
    // What earlier polls left unread belongs to a session that is over.
    for (const socket of this.unreadSockets.keys()) socket.destroy();
    this.unreadSockets.clear();
    // Spring closes with SESSION_NOT_RELIABLE.
    closeWithCode(this.conn, 4500, 'Session not reliable: client could not keep up');
    this.finish(reason);
  }

  private finish(reason: ConnectionCloseReason): void {
    this.queue.close();
    clearTimeout(this.drainTimer);
    for (const listener of this.closeListeners.splice(0)) listener(reason, this);
  }
}

/** sockjs-node writes the code into the close frame as given; the SockJS protocol has it as a number. */
function closeWithCode(conn: SockJsNodeConnection, code: number, reason: string): void {
  (conn as unknown as { close(code: number, reason: string): boolean }).close(code, reason);
}
