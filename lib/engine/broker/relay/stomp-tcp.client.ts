import { connect, type Socket } from 'node:net';
import { FrameParser } from '../../protocol/frame.parser.js';
import { serializeFrame } from '../../protocol/frame.serializer.js';
import { negotiateHeartBeat, parseHeartBeat } from '../../protocol/heartbeat.negotiator.js';
import type { StompCommand, StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import { STOMP_DEFAULTS } from '../../options/stomp.defaults.js';
import { HeartbeatMonitor } from '../../session/heartbeat.monitor.js';
import { HeartbeatWheel } from '../../session/heartbeat.wheel.js';
import type { ResolvedRelayOptions } from '../../../interfaces/stomp-relay-options.interface.js';

/** What the client reports to its owner. */
export interface StompTcpClientEvents {
  connected(): void;
  /** The connection is gone; the client retries on its own after `reconnectDelay`. */
  disconnected(reason: string): void;
  frame(frame: StompFrame): void;
}

const EOL = Buffer.from('\n');
const BROKER_FRAME_LIMIT = 64 * 1024 * 1024;
/**
 * From opening the TCP connection to the broker's CONNECTED. A broker that accepts the connection but
 * never answers (overloaded, a proxy in front of a dead one, not speaking STOMP) would otherwise hold
 * the relay, and the app's start, forever; dropping the attempt lets the usual reconnection retry it.
 */
export const RELAY_CONNECTED_TIMEOUT_MS = 5_000;
/** A connection that lasted this long was a real one: the next loss starts the backoff from reconnectDelay again. */
const STABLE_CONNECTION_MS = 2_000;

/**
 * A STOMP 1.2 client over TCP for talking to an external broker: our own frame parser and
 * serializer, heart-beats both ways, and reconnection with exponential backoff (Spring's relay retries at a fixed interval).
 */
export class StompTcpClient {
  private socket: Socket | undefined;
  private heartbeat: HeartbeatMonitor | undefined;
  private readonly heartbeats = new HeartbeatWheel();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectedTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private isConnected = false;
  private firstAttemptDone: (() => void) | undefined;
  /** Attempts since the last connection: each waits twice as long as the one before, up to maxReconnectDelay. */
  private failedAttempts = 0;
  /** When the broker last said CONNECTED: a connection it ends at once (a refused frame) does not reset the backoff. */
  private connectedAt = 0;

  constructor(
    private readonly options: ResolvedRelayOptions,
    private readonly events: StompTcpClientEvents,
  ) {}

  get connected(): boolean {
    return this.isConnected;
  }

  /** Connects; resolves once the first attempt has succeeded or failed (later attempts run on their own). */
  start(): Promise<void> {
    this.stopped = false;
    return new Promise((resolve) => this.open(resolve));
  }

  /** Sends one frame; false when there is no live connection. */
  send(command: StompCommand, headers: StompHeaders, body?: Buffer | string): boolean {
    if (!this.isConnected || !this.socket) return false;
    this.heartbeat?.markWritten();
    this.socket.write(serializeFrame(command, headers, body, '1.2'));
    return true;
  }

  /** Drops the connection now and reconnects as after any loss: for a connection the broker left half-dead. */
  reconnect(): void {
    this.socket?.destroy();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (this.isConnected) this.socket?.write(serializeFrame('DISCONNECT', {}, undefined, '1.2'));
    this.socket?.end();
    this.socket?.destroy();
    this.drop('stopped');
  }

  private open(firstAttemptDone?: () => void): void {
    const socket = connect(this.options.port, this.options.host);
    this.firstAttemptDone = firstAttemptDone;
    this.socket = socket;
    clearTimeout(this.connectedTimer);
    this.connectedTimer = setTimeout(() => socket.destroy(), RELAY_CONNECTED_TIMEOUT_MS);
    // The relay always speaks 1.2, which is also the parser's rule before a version is set.
    const parser = new FrameParser(
      { maxFrameBytes: BROKER_FRAME_LIMIT, maxHeaders: 1_000, maxHeaderLineBytes: 1024 * 1024 },
      (frame) => this.receive(frame),
      'server',
    );
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(
        serializeFrame(
          'CONNECT',
          {
            'accept-version': '1.2',
            host: this.options.virtualHost,
            login: this.options.login,
            passcode: this.options.passcode,
            'heart-beat': this.options.heartbeat.join(','),
          },
          undefined,
          '1.2',
        ),
      );
    });
    socket.on('data', (chunk) => {
      this.heartbeat?.markRead();
      try {
        parser.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      clearTimeout(this.connectedTimer);
      if (this.isConnected && Date.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.failedAttempts = 0;
      this.drop('connection closed');
      this.settleFirstAttempt();
      if (this.stopped) return;
      const { reconnectDelay, maxReconnectDelay } = this.options;
      // A broker that is down for long is not hammered by every node at once; a short outage is still retried soon.
      const delay = Math.min(maxReconnectDelay, reconnectDelay * 2 ** Math.min(this.failedAttempts++, 30));
      this.reconnectTimer = setTimeout(() => this.open(), delay);
    });
  }

  private receive(frame: StompFrame): void {
    if (frame.command === 'CONNECTED') {
      clearTimeout(this.connectedTimer);
      const negotiated = negotiateHeartBeat(this.options.heartbeat, parseHeartBeat(frame.headers['heart-beat']));
      // The broker's view: it sends every negotiated.receive, and expects from us every negotiated.send.
      this.heartbeat = new HeartbeatMonitor(
        negotiated.receiveTimeoutMs,
        negotiated.sendIntervalMs,
        STOMP_DEFAULTS.heartbeatGraceFactor,
        { sendHeartbeat: () => this.socket?.write(EOL), peerSilent: () => this.socket?.destroy() },
        this.heartbeats,
      );
      this.isConnected = true;
      this.connectedAt = Date.now();
      this.events.connected();
      this.settleFirstAttempt();
      return;
    }
    if (frame.command === 'ERROR' && !this.isConnected) {
      this.socket?.destroy();
      return;
    }
    this.events.frame(frame);
  }

  private settleFirstAttempt(): void {
    const done = this.firstAttemptDone;
    this.firstAttemptDone = undefined;
    done?.();
  }

  private drop(reason: string): void {
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    if (!this.isConnected) return;
    this.isConnected = false;
    this.events.disconnected(reason);
  }
}
