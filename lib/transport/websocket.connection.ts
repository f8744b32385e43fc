import type { WebSocket } from 'ws';
import { OutboundQueue, type OutboundLimits } from './outbound.queue.js';
import type { ConnectionCloseReason, ConnectionRequestInfo, StompConnection, TransportName } from './stomp.connection.js';

interface WebSocketFrame {
  data: Buffer;
  binary: boolean;
  length: number;
}

/** A raw WebSocket (npm `ws`) carrying STOMP frames one per WebSocket message. */
export class WebSocketConnection implements StompConnection {
  readonly transport: TransportName = 'raw-websocket';
  readonly textOnly = false;
  private readonly queue: OutboundQueue<WebSocketFrame>;
  private readonly closeListeners: Array<(reason: ConnectionCloseReason) => void> = [];
  private closeReason: ConnectionCloseReason = 'transport-closed';

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    readonly request: ConnectionRequestInfo,
    limits: OutboundLimits,
  ) {
    this.queue = new OutboundQueue<WebSocketFrame>(
      {
        backlogBytes: () => socket.bufferedAmount,
        write: (frame) => socket.send(frame.data, { binary: frame.binary }),
        whenDrained: (callback) => whenSocketDrained(socket, callback),
      },
      limits,
      (reason) => this.terminate(reason),
    );
    // ws refuses oversized messages (close 1009) and invalid UTF-8 (1007) itself and then emits
    // 'error'; without a listener that error would take the whole process down.
    socket.on('error', () => socket.terminate());
    socket.once('close', () => {
      this.queue.close();
      for (const listener of this.closeListeners.splice(0)) listener(this.closeReason);
    });
  }

  send(frame: Buffer, binary: boolean): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.queue.push({ data: frame, binary, length: frame.length });
  }

  close(code: number, reason: string): void {
    this.queue.close();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
      // A client that does not answer the close handshake must not keep the socket open.
      setTimeout(() => this.socket.terminate(), 2_000).unref();
    }
  }

  onData(listener: (chunk: Buffer | string) => void): void {
    this.socket.on('message', (data) => listener(toBuffer(data)));
  }

  onClose(listener: (reason: ConnectionCloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  private terminate(reason: ConnectionCloseReason): void {
    this.closeReason = reason;
    // The client is not reading, so a close handshake would queue behind the data it ignores.
    this.socket.terminate();
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** `ws` has no drain event of its own; its socket has. A closed socket never drains, so close also ends the wait. */
function whenSocketDrained(socket: WebSocket, callback: () => void): void {
  const raw = (socket as unknown as { _socket?: NodeJS.EventEmitter })._socket;
  if (!raw) return;
  const done = (): void => {
    raw.off('drain', done);
    raw.off('close', done);
    callback();
  };
  raw.on('drain', done);
  raw.on('close', done);
}
