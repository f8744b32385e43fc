import { connect, type Socket } from 'node:net';

/** Where RabbitMQ's STOMP listener is, and who we are to it: the relay's settings from the environment. */
export interface BrokerAddress {
  host: string;
  port: number;
  login: string;
  passcode: string;
  virtualHost: string;
}

/** One frame from the broker, body as text (the chain's messages are JSON). */
export interface BrokerFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

const CLOSED_BY_US = 'closed by the sample';
const CLOSED_BY_BROKER = 'connection closed';
/** RabbitMQ's `message` header when another connection holds the exclusive queue. */
const LOST_ELECTION = 'resource_locked';

/**
 * Heart-beats both ways this often. Three silent periods and we drop the connection (a leader that cannot
 * hear the broker stops leading); RabbitMQ drops ours when it stops hearing us, which frees the leader queue
 * for another node even when this process hangs or its network goes, not only when it dies.
 */
const BROKER_HEARTBEAT_MS = 2000;

/**
 * A bare STOMP 1.2 connection of the sample's own to RabbitMQ, beside the library's relay. The chain's
 * leader election needs a connection that RabbitMQ may close (a refused exclusive SUBSCRIBE ends the
 * connection with an ERROR), and the relay's one connection serves every session of the node, so it must
 * never be that one. No reconnection here: the owner opens a new one, which keeps each attempt's state apart.
 */
export class BrokerConnection {
  private readonly socket: Socket;
  private pending: Buffer = Buffer.alloc(0);
  private silence: NodeJS.Timeout | undefined;
  private beat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    address: BrokerAddress,
    private readonly onFrame: (frame: BrokerFrame) => void,
    private readonly onClose: (reason: string) => void,
  ) {
    this.socket = connect(address.port, address.host);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.write('CONNECT', {
        'accept-version': '1.2',
        host: address.virtualHost,
        login: address.login,
        passcode: address.passcode,
        'heart-beat': `${BROKER_HEARTBEAT_MS},${BROKER_HEARTBEAT_MS}`,
      });
      this.watch();
      this.beat = setInterval(() => this.socket.write('\n'), BROKER_HEARTBEAT_MS);
    });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => this.close(error.message));
    this.socket.on('close', () => this.close(CLOSED_BY_BROKER));
  }

  /** A frame to the broker; header values are written as they are (the sample's never need escaping). */
  write(command: string, headers: Record<string, string>, body = ''): void {
    if (this.closed) return;
    const lines = Object.entries(headers).map(([name, value]) => `${name}:${value}`);
    if (body) lines.push(`content-length:${Buffer.byteLength(body)}`);
    this.socket.write(`${command}\n${lines.join('\n')}\n\n${body}\0`);
  }

  close(reason = CLOSED_BY_US): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.silence);
    clearInterval(this.beat);
    this.socket.destroy();
    this.onClose(reason);
  }

  private watch(): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => this.close('broker silent for three heart-beat periods'), 3 * BROKER_HEARTBEAT_MS);
  }

  private read(chunk: Buffer): void {
    this.watch();
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      let start = 0;
      while (start < this.pending.length && (this.pending[start] === 0x0a || this.pending[start] === 0x0d)) start++;
      const headEnd = this.pending.indexOf('\n\n', start);
      if (headEnd < 0) return void (this.pending = this.pending.subarray(start));
      const [command, ...lines] = this.pending.toString('utf8', start, headEnd).replace(/\r/g, '').split('\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0 && !(line.slice(0, colon) in headers)) headers[line.slice(0, colon)] = line.slice(colon + 1);
      }
      const bodyStart = headEnd + 2;
      const length = headers['content-length'] === undefined ? -1 : Number(headers['content-length']);
      const bodyEnd = length >= 0 ? bodyStart + length : this.pending.indexOf(0, bodyStart);
      if (bodyEnd < 0 || bodyEnd >= this.pending.length) return void (this.pending = this.pending.subarray(start));
      const body = this.pending.toString('utf8', bodyStart, bodyEnd);
      this.pending = this.pending.subarray(bodyEnd + 1);
      if (this.closed) return;
      this.onFrame({ command, headers, body });
    }
  }
}

/**
 * A connection that is opened again `retryMs` after it closes, until stopped: each attempt is a fresh
 * BrokerConnection, so nothing of a failed attempt (a refusal, half a frame) carries over to the next.
 */
export abstract class BrokerLink {
  private connection: BrokerConnection | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /**
   * Told why an attempt failed (the broker unreachable, a refused login: the relay's own connection would
   * say so too) and told `undefined` once an attempt connects; an election lost to another node is not a problem.
   */
  onProblem: (problem: string | undefined) => void = () => undefined;

  constructor(
    private readonly address: BrokerAddress,
    private readonly retryMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.connection?.close();
  }

  /** A new attempt begins; returns what handles that attempt's frames. */
  protected abstract attempt(connection: Pick<BrokerConnection, 'write'>): (frame: BrokerFrame) => void;

  /** The attempt's connection is gone (refused, lost, or stopped); a link with no state of its own has nothing to undo. */
  protected closed(): void {
    return;
  }

  private open(): void {
    let onFrame: (frame: BrokerFrame) => void = () => undefined;
    const connection = new BrokerConnection(
      this.address,
      (frame) => {
        if (frame.command === 'CONNECTED') this.onProblem(undefined);
        if (frame.command === 'ERROR' && frame.headers.message !== LOST_ELECTION) this.onProblem(frame.headers.message ?? 'ERROR');
        onFrame(frame);
      },
      (reason) => {
        if (reason !== CLOSED_BY_BROKER && reason !== CLOSED_BY_US) this.onProblem(reason);
        this.closed();
        if (!this.stopped) this.retry = setTimeout(() => this.open(), this.retryMs);
      },
    );
    onFrame = this.attempt(connection);
    this.connection = connection;
  }
}
